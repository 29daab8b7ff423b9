//! CreateTrail.

use warden_protocol::cloudtrail::{CreateTrailRequest, CreateTrailResponse, errors};
use warden_store::{StoreError, TrailRecord};

use super::super::names::{check_bucket_name, check_trail_name};
use super::{to_trail, trail_arn};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for CreateTrailRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        check_trail_name(&self.name)?;
        Ok(Access::on(trail_arn(ctx, &self.name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateTrailResponse, ServiceError> {
        check_bucket_name(&self.s3_bucket_name)?;
        let ctx = call.ctx;
        let record = TrailRecord {
            account_id: ctx.account().to_owned(),
            arn: trail_arn(ctx, &self.name).value,
            name: self.name,
            home_region: ctx.facts.region.clone(),
            s3_bucket_name: self.s3_bucket_name,
            s3_key_prefix: self.s3_key_prefix.filter(|prefix| !prefix.is_empty()),
            sns_topic_name: self.sns_topic_name,
            include_global_service_events: self.include_global_service_events.unwrap_or(true),
            is_multi_region_trail: self.is_multi_region_trail.unwrap_or(false),
            log_file_validation_enabled: self.enable_log_file_validation.unwrap_or(false),
            is_organization_trail: self.is_organization_trail.unwrap_or(false),
            cloud_watch_logs_log_group_arn: self.cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn: self.cloud_watch_logs_role_arn,
            kms_key_id: self.kms_key_id,
            logging: false,
            start_logging_time: None,
            stop_logging_time: None,
            create_date: ctx.warden.now().as_millisecond(),
            tags: self
                .tags_list
                .unwrap_or_default()
                .into_iter()
                .map(|tag| (tag.key, tag.value.unwrap_or_default()))
                .collect(),
        };
        match call.write_outside_snapshot(|tx| tx.trails().create(&record)) {
            Err(StoreError::AlreadyExists { .. }) => {
                return Err(ServiceError::modeled(
                    &errors::TRAIL_ALREADY_EXISTS,
                    format!(
                        "Trail {} already exists for customer: {}",
                        record.name,
                        ctx.account()
                    ),
                ));
            }
            other => other?,
        }
        let trail = to_trail(&record);
        Ok(CreateTrailResponse {
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
        })
    }
}
