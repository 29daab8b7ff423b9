//! CreateTrail, DescribeTrails, GetTrail, GetTrailStatus, StartLogging, StopLogging,
//! UpdateTrail, DeleteTrail.

use warden_protocol::cloudtrail::{
    CreateTrailRequest, CreateTrailResponse, DeleteTrailResponse, DescribeTrailsRequest,
    DescribeTrailsResponse, GetTrailResponse, GetTrailStatusResponse, StartLoggingResponse,
    StopLoggingResponse, Trail, UpdateTrailRequest, UpdateTrailResponse,
};
use warden_store::{StoreError, TrailRecord};

use super::names::{check_bucket_name, check_trail_name, not_found, trail_arn, trail_name};
use crate::{Ctx, Output, ServiceError, timestamp};

pub(super) fn create_trail(
    ctx: &Ctx<'_>,
    input: CreateTrailRequest,
) -> Result<Option<Output>, ServiceError> {
    check_trail_name(&input.name)?;
    let account = ctx.account().to_owned();
    let region = ctx.facts.region.clone();
    let arn = trail_arn(&region, &account, &input.name);
    ctx.authorize(arn.clone(), Vec::new())?;
    check_bucket_name(&input.s3_bucket_name)?;
    let record = TrailRecord {
        account_id: account.clone(),
        name: input.name,
        home_region: region,
        arn,
        s3_bucket_name: input.s3_bucket_name,
        s3_key_prefix: input.s3_key_prefix.filter(|prefix| !prefix.is_empty()),
        sns_topic_name: input.sns_topic_name,
        include_global_service_events: input.include_global_service_events.unwrap_or(true),
        is_multi_region_trail: input.is_multi_region_trail.unwrap_or(false),
        log_file_validation_enabled: input.enable_log_file_validation.unwrap_or(false),
        is_organization_trail: input.is_organization_trail.unwrap_or(false),
        cloud_watch_logs_log_group_arn: input.cloud_watch_logs_log_group_arn,
        cloud_watch_logs_role_arn: input.cloud_watch_logs_role_arn,
        kms_key_id: input.kms_key_id,
        logging: false,
        start_logging_time: None,
        stop_logging_time: None,
        create_date: ctx.warden.now().as_millisecond(),
        tags: input
            .tags_list
            .unwrap_or_default()
            .into_iter()
            .map(|tag| (tag.key, tag.value.unwrap_or_default()))
            .collect(),
    };
    match ctx.warden.store.create_trail(&record) {
        Err(StoreError::AlreadyExists { .. }) => {
            return Err(ServiceError::Modeled {
                code: "TrailAlreadyExistsException",
                status: 400,
                message: format!(
                    "Trail {} already exists for customer: {account}",
                    record.name
                ),
            });
        }
        other => other?,
    }
    let trail = to_trail(&record);
    Ok(Some(Box::new(CreateTrailResponse {
        name: trail.name,
        s3_bucket_name: trail.s3_bucket_name,
        s3_key_prefix: trail.s3_key_prefix,
        sns_topic_name: trail.sns_topic_name,
        sns_topic_arn: trail.sns_topic_arn,
        include_global_service_events: trail.include_global_service_events,
        is_multi_region_trail: trail.is_multi_region_trail,
        trail_arn: trail.trail_arn,
        log_file_validation_enabled: trail.log_file_validation_enabled,
        cloud_watch_logs_log_group_arn: trail.cloud_watch_logs_log_group_arn,
        cloud_watch_logs_role_arn: trail.cloud_watch_logs_role_arn,
        kms_key_id: trail.kms_key_id,
        is_organization_trail: trail.is_organization_trail,
        recursive_logging: None,
    })))
}

pub(super) fn describe_trails(
    ctx: &Ctx<'_>,
    input: DescribeTrailsRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize("*".to_owned(), Vec::new())?;
    let account = ctx.account();
    let names = input.trail_name_list.unwrap_or_default();
    let trails = if names.is_empty() {
        ctx.warden.store.list_trails(Some(account))?
    } else {
        // Unknown names are skipped, as CloudTrail does.
        let mut found = Vec::new();
        for given in &names {
            let Ok(name) = trail_name(given, account) else {
                continue;
            };
            if let Some(trail) = ctx.warden.store.trail(account, &name)? {
                found.push(trail);
            }
        }
        found
    };
    Ok(Some(Box::new(DescribeTrailsResponse {
        trail_list: Some(trails.iter().map(to_trail).collect()),
    })))
}

pub(super) fn get_trail(ctx: &Ctx<'_>, given: &str) -> Result<Option<Output>, ServiceError> {
    let trail = authorized_trail(ctx, given)?;
    Ok(Some(Box::new(GetTrailResponse {
        trail: Some(to_trail(&trail)),
    })))
}

pub(super) fn get_trail_status(ctx: &Ctx<'_>, given: &str) -> Result<Option<Output>, ServiceError> {
    let trail = authorized_trail(ctx, given)?;
    let delivery = ctx
        .warden
        .store
        .trail_delivery(&trail.account_id, &trail.name)?;
    let time = |millis: Option<i64>| millis.map(timestamp);
    let text = |millis: Option<i64>| {
        millis.map(|millis| timestamp(millis).strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
    };
    Ok(Some(Box::new(GetTrailStatusResponse {
        is_logging: Some(trail.logging),
        latest_delivery_error: delivery.latest_delivery_error.clone(),
        latest_delivery_time: time(delivery.latest_delivery_time),
        start_logging_time: time(trail.start_logging_time),
        stop_logging_time: time(trail.stop_logging_time),
        latest_digest_delivery_time: time(delivery.latest_digest_delivery_time),
        latest_digest_delivery_error: delivery
            .latest_delivery_error
            .filter(|_| trail.log_file_validation_enabled),
        latest_delivery_attempt_time: text(delivery.latest_delivery_time),
        latest_delivery_attempt_succeeded: text(delivery.latest_delivery_time),
        time_logging_started: text(trail.start_logging_time),
        time_logging_stopped: text(trail.stop_logging_time),
        ..GetTrailStatusResponse::default()
    })))
}

pub(super) fn set_logging(
    ctx: &Ctx<'_>,
    given: &str,
    logging: bool,
) -> Result<Option<Output>, ServiceError> {
    let mut trail = authorized_trail(ctx, given)?;
    let now = Some(ctx.warden.now().as_millisecond());
    if trail.logging != logging {
        trail.logging = logging;
        if logging {
            trail.start_logging_time = now;
        } else {
            trail.stop_logging_time = now;
        }
        update(ctx, &trail, given)?;
    }
    Ok(Some(if logging {
        Box::new(StartLoggingResponse {})
    } else {
        Box::new(StopLoggingResponse {})
    }))
}

pub(super) fn update_trail(
    ctx: &Ctx<'_>,
    input: UpdateTrailRequest,
) -> Result<Option<Output>, ServiceError> {
    let mut trail = authorized_trail(ctx, &input.name)?;
    if let Some(bucket) = input.s3_bucket_name {
        check_bucket_name(&bucket)?;
        trail.s3_bucket_name = bucket;
    }
    if let Some(prefix) = input.s3_key_prefix {
        trail.s3_key_prefix = Some(prefix).filter(|prefix| !prefix.is_empty());
    }
    if let Some(topic) = input.sns_topic_name {
        trail.sns_topic_name = Some(topic).filter(|topic| !topic.is_empty());
    }
    set_if_given(
        &mut trail.include_global_service_events,
        input.include_global_service_events,
    );
    set_if_given(
        &mut trail.is_multi_region_trail,
        input.is_multi_region_trail,
    );
    set_if_given(
        &mut trail.log_file_validation_enabled,
        input.enable_log_file_validation,
    );
    set_if_given(
        &mut trail.is_organization_trail,
        input.is_organization_trail,
    );
    if input.cloud_watch_logs_log_group_arn.is_some() {
        trail.cloud_watch_logs_log_group_arn = input.cloud_watch_logs_log_group_arn;
    }
    if input.cloud_watch_logs_role_arn.is_some() {
        trail.cloud_watch_logs_role_arn = input.cloud_watch_logs_role_arn;
    }
    if input.kms_key_id.is_some() {
        trail.kms_key_id = input.kms_key_id;
    }
    update(ctx, &trail, &input.name)?;
    let shown = to_trail(&trail);
    Ok(Some(Box::new(UpdateTrailResponse {
        name: shown.name,
        s3_bucket_name: shown.s3_bucket_name,
        s3_key_prefix: shown.s3_key_prefix,
        sns_topic_name: shown.sns_topic_name,
        sns_topic_arn: shown.sns_topic_arn,
        include_global_service_events: shown.include_global_service_events,
        is_multi_region_trail: shown.is_multi_region_trail,
        trail_arn: shown.trail_arn,
        log_file_validation_enabled: shown.log_file_validation_enabled,
        cloud_watch_logs_log_group_arn: shown.cloud_watch_logs_log_group_arn,
        cloud_watch_logs_role_arn: shown.cloud_watch_logs_role_arn,
        kms_key_id: shown.kms_key_id,
        is_organization_trail: shown.is_organization_trail,
        recursive_logging: None,
    })))
}

pub(super) fn delete_trail(ctx: &Ctx<'_>, given: &str) -> Result<Option<Output>, ServiceError> {
    let trail = authorized_trail(ctx, given)?;
    match ctx
        .warden
        .store
        .delete_trail(&trail.account_id, &trail.name)
    {
        Err(StoreError::NotFound { .. }) => Err(not_found(given, ctx.account())),
        other => Ok(other?),
    }?;
    Ok(Some(Box::new(DeleteTrailResponse {})))
}

/// The trail a request names, after authorizing the operation on its ARN. A trail that
/// does not exist is authorized on the ARN it would have, then reported not found.
fn authorized_trail(ctx: &Ctx<'_>, given: &str) -> Result<TrailRecord, ServiceError> {
    let account = ctx.account();
    let name = trail_name(given, account)?;
    let trail = ctx.warden.store.trail(account, &name)?;
    let arn = trail.as_ref().map_or_else(
        || trail_arn(&ctx.facts.region, account, &name),
        |trail| trail.arn.clone(),
    );
    ctx.authorize(arn, Vec::new())?;
    trail.ok_or_else(|| not_found(given, account))
}

fn update(ctx: &Ctx<'_>, trail: &TrailRecord, given: &str) -> Result<(), ServiceError> {
    match ctx.warden.store.update_trail(trail) {
        Err(StoreError::NotFound { .. }) => Err(not_found(given, ctx.account())),
        other => Ok(other?),
    }
}

fn set_if_given(field: &mut bool, given: Option<bool>) {
    if let Some(value) = given {
        *field = value;
    }
}

/// A stored trail as the API shows it.
fn to_trail(trail: &TrailRecord) -> Trail {
    Trail {
        name: Some(trail.name.clone()),
        s3_bucket_name: Some(trail.s3_bucket_name.clone()),
        s3_key_prefix: trail.s3_key_prefix.clone(),
        sns_topic_name: trail.sns_topic_name.clone(),
        sns_topic_arn: trail.sns_topic_name.as_ref().map(|topic| {
            format!(
                "arn:aws:sns:{}:{}:{topic}",
                trail.home_region, trail.account_id
            )
        }),
        include_global_service_events: Some(trail.include_global_service_events),
        is_multi_region_trail: Some(trail.is_multi_region_trail),
        home_region: Some(trail.home_region.clone()),
        trail_arn: Some(trail.arn.clone()),
        log_file_validation_enabled: Some(trail.log_file_validation_enabled),
        cloud_watch_logs_log_group_arn: trail.cloud_watch_logs_log_group_arn.clone(),
        cloud_watch_logs_role_arn: trail.cloud_watch_logs_role_arn.clone(),
        kms_key_id: trail.kms_key_id.clone(),
        has_custom_event_selectors: Some(false),
        has_insight_selectors: Some(false),
        is_organization_trail: Some(trail.is_organization_trail),
        recursive_logging: None,
    }
}
