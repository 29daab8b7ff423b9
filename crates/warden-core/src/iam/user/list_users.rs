//! ListUsers: the account's users under a path prefix, a page at a time.

use warden_protocol::iam::{ListUsersRequest, ListUsersResponse, User};

use super::user_shape;
use crate::iam::paging::page_request;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListUsersRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let prefix = self.path_prefix.as_deref().unwrap_or("/");
        Ok(Access::on(ctx.new_user_arn(prefix, "")))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListUsersResponse, ServiceError> {
        let page = page_request(self.marker, self.max_items);
        let page = call.read(|tx| {
            tx.users()
                .list(call.ctx.account(), self.path_prefix.as_deref(), &page)
        })?;
        let users: Vec<User> = page
            .items
            .iter()
            .map(|record| User {
                // ListUsers omits tags, as AWS does.
                tags: None,
                ..user_shape(record)
            })
            .collect();
        Ok(ListUsersResponse {
            users,
            is_truncated: Some(page.next_marker.is_some()),
            marker: page.next_marker,
        })
    }
}
