//! UpdateTrail: change the given settings, keep the rest.

use warden_protocol::cloudtrail::{UpdateTrailRequest, UpdateTrailResponse};

use super::super::names::check_bucket_name;
use super::{find_trail, set_if_given, to_trail, trail_access, update};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for UpdateTrailRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        trail_access(ctx, &self.name)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<UpdateTrailResponse, ServiceError> {
        let mut trail = find_trail(call, &self.name)?;
        if let Some(bucket) = self.s3_bucket_name {
            check_bucket_name(&bucket)?;
            trail.s3_bucket_name = bucket;
        }
        if let Some(prefix) = self.s3_key_prefix {
            trail.s3_key_prefix = Some(prefix).filter(|prefix| !prefix.is_empty());
        }
        if let Some(topic) = self.sns_topic_name {
            trail.sns_topic_name = Some(topic).filter(|topic| !topic.is_empty());
        }
        set_if_given(
            &mut trail.include_global_service_events,
            self.include_global_service_events,
        );
        set_if_given(&mut trail.is_multi_region_trail, self.is_multi_region_trail);
        set_if_given(
            &mut trail.log_file_validation_enabled,
            self.enable_log_file_validation,
        );
        set_if_given(&mut trail.is_organization_trail, self.is_organization_trail);
        if self.cloud_watch_logs_log_group_arn.is_some() {
            trail.cloud_watch_logs_log_group_arn = self.cloud_watch_logs_log_group_arn;
        }
        if self.cloud_watch_logs_role_arn.is_some() {
            trail.cloud_watch_logs_role_arn = self.cloud_watch_logs_role_arn;
        }
        if self.kms_key_id.is_some() {
            trail.kms_key_id = self.kms_key_id;
        }
        update(call, &trail, &self.name)?;
        let shown = to_trail(&trail);
        Ok(UpdateTrailResponse {
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
        })
    }
}
