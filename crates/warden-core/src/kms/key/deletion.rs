//! ScheduleKeyDeletion and CancelKeyDeletion. A key pending deletion is gone once its
//! deletion date passes: every lookup treats it as absent, and the next CreateKey or
//! ScheduleKeyDeletion in its account removes it (and its aliases and grants) from the store.

use warden_protocol::kms::{
    CancelKeyDeletionRequest, CancelKeyDeletionResponse, ScheduleKeyDeletionRequest,
    ScheduleKeyDeletionResponse, errors,
};
use warden_store::{StoreError, Tx};

use super::super::resolve::{access_to, is_deleted};
use super::{find, invalid, require_not_pending, store};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Removes the keys of `account` in `region` whose deletion date has passed.
pub(crate) fn purge_due(
    tx: &dyn Tx,
    account: &str,
    region: &str,
    now_millis: i64,
) -> Result<(), StoreError> {
    for key_id in tx.kms().key_ids(account, region)? {
        if tx
            .kms()
            .key(&key_id)?
            .is_some_and(|key| is_deleted(&key, now_millis))
        {
            tx.kms().delete_key(&key_id)?;
        }
    }
    Ok(())
}

impl Handle for ScheduleKeyDeletionRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let mut extra = Vec::new();
        if let Some(days) = self.pending_window_in_days {
            extra.push(super::super::conditions::request_value(
                "kms:ScheduleKeyDeletionPendingWindowInDays",
                &days.to_string(),
            ));
        }
        access_to(ctx, &self.key_id, "ScheduleKeyDeletion", None, extra)
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ScheduleKeyDeletionResponse, ServiceError> {
        let days = self.pending_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to \
                 satisfy constraint: Member must have value between 7 and 30"
            )));
        }
        let mut key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        let now = call.ctx.warden.now().as_millisecond();
        let (account, region) = (key.account_id.clone(), key.region.clone());
        call.write_outside_snapshot(|tx| purge_due(tx, &account, &region, now))?;
        let deletion = now + i64::from(days) * DAY_MILLIS;
        key.state = "PendingDeletion".to_owned();
        key.deletion_date = Some(deletion);
        key.pending_window_days = Some(days);
        store(call, &key)?;
        Ok(ScheduleKeyDeletionResponse {
            key_id: Some(key.arn),
            deletion_date: Some(timestamp(deletion)),
            key_state: Some(key.state),
            pending_window_in_days: Some(days),
        })
    }
}

impl Handle for CancelKeyDeletionRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "CancelKeyDeletion", None, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CancelKeyDeletionResponse, ServiceError> {
        let mut key = find(call, &self.key_id)?.key;
        if key.state != "PendingDeletion" {
            return Err(ServiceError::modeled(
                &errors::KMS_INVALID_STATE,
                format!("{} is not pending deletion.", key.arn),
            ));
        }
        key.state = "Disabled".to_owned();
        key.deletion_date = None;
        key.pending_window_days = None;
        store(call, &key)?;
        Ok(CancelKeyDeletionResponse {
            key_id: Some(key.arn),
        })
    }
}
