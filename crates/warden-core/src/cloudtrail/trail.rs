//! Trails: CreateTrail, DescribeTrails, GetTrail, GetTrailStatus, StartLogging,
//! StopLogging, UpdateTrail, DeleteTrail (one file each under `trail/`), and what they
//! share: naming a trail, authorizing on its ARN, showing it.

mod create_trail;
mod delete_trail;
mod describe_trails;
mod get_trail;
mod get_trail_status;
mod logging;
mod update_trail;

use warden_protocol::Arn;
use warden_protocol::cloudtrail::{Trail, arn};
use warden_store::StoreExt;
use warden_store::{StoreError, TrailRecord};

use super::names::{not_found, trail_name};
use crate::operation::{Access, Authorized};
use crate::{Ctx, ServiceError};

/// The ARN a trail of the caller's account has (or would have) in the request's region.
pub(super) fn trail_arn(ctx: &Ctx<'_>, name: &str) -> Arn {
    arn::trail(ctx.partition(), &ctx.facts.region, ctx.account(), name)
}

/// The access to a trail a request names: its ARN when it exists, else the ARN it would
/// have (the call is then authorized, and reported not found).
fn trail_access(ctx: &Ctx<'_>, given: &str) -> Result<Access, ServiceError> {
    let name = trail_name(given, ctx.account())?;
    Ok(Access::on(
        match ctx
            .warden
            .store()
            .read(|tx| tx.trails().get(ctx.account(), &name))?
        {
            Some(trail) => Arn {
                resource_type: &arn::TRAIL,
                value: trail.arn,
            },
            None => trail_arn(ctx, &name),
        },
    ))
}

/// The trail a request names, or CloudTrail's TrailNotFoundException.
fn find_trail(call: &Authorized<'_, '_>, given: &str) -> Result<TrailRecord, ServiceError> {
    let account = call.ctx.account();
    let name = trail_name(given, account)?;
    call.read(|tx| tx.trails().get(account, &name))?
        .ok_or_else(|| not_found(given, account))
}

/// Stores a changed trail; a trail deleted meanwhile is reported not found.
fn update(
    call: &mut Authorized<'_, '_>,
    trail: &TrailRecord,
    given: &str,
) -> Result<(), ServiceError> {
    match call.write_outside_snapshot(|tx| tx.trails().update(trail)) {
        Err(StoreError::NotFound { .. }) => Err(not_found(given, call.ctx.account())),
        other => Ok(other?),
    }
}

/// Sets `field` when a value was given.
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
                "arn:{}:sns:{}:{}:{topic}",
                warden_protocol::partition_of(&trail.home_region),
                trail.home_region,
                trail.account_id
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
