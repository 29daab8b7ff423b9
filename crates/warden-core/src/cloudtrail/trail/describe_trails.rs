//! DescribeTrails: the named trails (unknown names skipped, as CloudTrail does), or all.

use warden_protocol::cloudtrail::{DescribeTrailsRequest, DescribeTrailsResponse};

use super::super::names::trail_name;
use super::to_trail;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for DescribeTrailsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<DescribeTrailsResponse, ServiceError> {
        let account = call.ctx.account();
        let names = self.trail_name_list.unwrap_or_default();
        let trails = if names.is_empty() {
            call.read(|tx| tx.trails().list(Some(account)))?
        } else {
            let mut found = Vec::new();
            for given in &names {
                let Ok(name) = trail_name(given, account) else {
                    continue;
                };
                if let Some(trail) = call.read(|tx| tx.trails().get(account, &name))? {
                    found.push(trail);
                }
            }
            found
        };
        Ok(DescribeTrailsResponse {
            trail_list: Some(trails.iter().map(to_trail).collect()),
        })
    }
}
