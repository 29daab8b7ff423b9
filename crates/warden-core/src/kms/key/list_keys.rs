//! ListKeys.

use warden_protocol::kms::{KeyListEntry, ListKeysRequest, ListKeysResponse};

use super::super::resolve::{is_deleted, key_arn};
use super::page;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListKeysRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: Vec::new(),
            keys: super::super::conditions::request_keys(ctx, None),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListKeysResponse, ServiceError> {
        let ctx = call.ctx;
        let now = ctx.warden.now().as_millisecond();
        let ids = call.read(|tx| {
            let mut live = Vec::new();
            for key_id in tx.kms().key_ids(ctx.account(), &ctx.facts.region)? {
                if tx
                    .kms()
                    .key(&key_id)?
                    .is_some_and(|key| !is_deleted(&key, now))
                {
                    live.push(key_id);
                }
            }
            Ok(live)
        })?;
        let (ids, next) = page(ids, self.marker.as_deref(), self.limit, 100)?;
        Ok(ListKeysResponse {
            keys: Some(
                ids.into_iter()
                    .map(|key_id| KeyListEntry {
                        key_arn: Some(key_arn(ctx, ctx.account(), &key_id).value),
                        key_id: Some(key_id),
                    })
                    .collect(),
            ),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}
