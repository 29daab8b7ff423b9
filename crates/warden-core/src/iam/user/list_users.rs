//! ListUsers: the account's users under a path prefix, a page at a time.

use warden_protocol::iam::{ListUsersRequest, ListUsersResponse, User};
use warden_store::PageRequest;

use super::user_shape;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// ListUsers' default page size.
const DEFAULT_MAX_ITEMS: usize = 100;

impl Handle for ListUsersRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let prefix = self.path_prefix.as_deref().unwrap_or("/");
        Ok(Access::on(ctx.new_user_arn(prefix, "")))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListUsersResponse, ServiceError> {
        let page = PageRequest {
            marker: self.marker,
            max_items: self
                .max_items
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(DEFAULT_MAX_ITEMS),
        };
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
