//! DescribeKey and UpdateKeyDescription.

use warden_protocol::NoOutput;
use warden_protocol::kms::{DescribeKeyRequest, DescribeKeyResponse, UpdateKeyDescriptionRequest};

use super::super::resolve::access_to;
use super::{find, metadata, require_not_pending, store};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for DescribeKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "DescribeKey", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<DescribeKeyResponse, ServiceError> {
        let found = find(call, &self.key_id)?;
        Ok(DescribeKeyResponse {
            key_metadata: Some(metadata(&found.key)),
        })
    }
}

impl Handle for UpdateKeyDescriptionRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "UpdateKeyDescription", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let mut key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        key.description = self.description;
        store(call, &key)?;
        Ok(NoOutput)
    }
}
