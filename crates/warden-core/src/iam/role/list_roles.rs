//! ListRoles: the account's roles under a path prefix, a page at a time, without tags,
//! permissions boundary and last use (as AWS lists them).

use warden_protocol::iam::{ListRolesRequest, ListRolesResponse, Role};

use super::role_shape;
use crate::iam::paging::page_request;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListRolesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListRoles no resource type.
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListRolesResponse, ServiceError> {
        let page = page_request(self.marker, self.max_items);
        let page = call.read(|tx| {
            tx.roles()
                .list(call.ctx.account(), self.path_prefix.as_deref(), &page)
        })?;
        let snapshot = call.ctx.warden.snapshot();
        let roles = page
            .items
            .iter()
            .map(|record| Role {
                tags: None,
                permissions_boundary: None,
                role_last_used: None,
                ..role_shape(record, &snapshot)
            })
            .collect();
        Ok(ListRolesResponse {
            roles,
            is_truncated: Some(page.next_marker.is_some()),
            marker: page.next_marker,
        })
    }
}
