//! GetTrailStatus: whether the trail logs, and how its deliveries went.

use warden_protocol::cloudtrail::{GetTrailStatusRequest, GetTrailStatusResponse};

use super::{find_trail, trail_access};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for GetTrailStatusRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        trail_access(ctx, &self.name)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetTrailStatusResponse, ServiceError> {
        let trail = find_trail(call, &self.name)?;
        let delivery = call.read(|tx| tx.trails().delivery(&trail.account_id, &trail.name))?;
        let time = |millis: Option<i64>| millis.map(timestamp);
        let text = |millis: Option<i64>| {
            millis.map(|millis| timestamp(millis).strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        };
        Ok(GetTrailStatusResponse {
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
        })
    }
}
