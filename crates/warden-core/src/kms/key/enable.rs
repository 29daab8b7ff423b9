//! EnableKey and DisableKey.

use warden_protocol::NoOutput;
use warden_protocol::kms::{DisableKeyRequest, EnableKeyRequest};

use super::super::resolve::access_to;
use super::{find, require_not_pending, store};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// Sets the key's state to `Enabled` or `Disabled` (refused while pending deletion).
fn set_enabled(
    call: &mut Authorized<'_, '_>,
    given: &str,
    enabled: bool,
) -> Result<NoOutput, ServiceError> {
    let mut key = find(call, given)?.key;
    require_not_pending(&key)?;
    key.state = if enabled { "Enabled" } else { "Disabled" }.to_owned();
    store(call, &key)?;
    Ok(NoOutput)
}

impl Handle for EnableKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "EnableKey", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        set_enabled(call, &self.key_id, true)
    }
}

impl Handle for DisableKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "DisableKey", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        set_enabled(call, &self.key_id, false)
    }
}
