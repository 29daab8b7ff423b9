//! ListGroups: the account's groups under a path prefix, a page at a time.

use warden_protocol::iam::{ListGroupsRequest, ListGroupsResponse};

use super::group_shape;
use crate::iam::paging::page_request;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListGroupsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListGroups no resource type.
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListGroupsResponse, ServiceError> {
        let page = page_request(self.marker, self.max_items);
        let page = call.read(|tx| {
            tx.groups()
                .list(call.ctx.account(), self.path_prefix.as_deref(), &page)
        })?;
        Ok(ListGroupsResponse {
            groups: page.items.iter().map(group_shape).collect(),
            is_truncated: Some(page.next_marker.is_some()),
            marker: page.next_marker,
        })
    }
}
