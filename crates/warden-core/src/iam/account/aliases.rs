//! CreateAccountAlias, DeleteAccountAlias, ListAccountAliases: an account's one alias,
//! unique across every account Warden holds.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    CreateAccountAliasRequest, DeleteAccountAliasRequest, ListAccountAliasesRequest,
    ListAccountAliasesResponse,
};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for CreateAccountAliasRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    /// An account with an alias gets the new one in its place, as in AWS.
    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.accounts().set_alias(account, Some(&self.account_alias))
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteAccountAliasRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        let current = call.read(|tx| tx.accounts().alias(account))?;
        if current.as_deref() != Some(self.account_alias.as_str()) {
            return Err(ServiceError::NoSuchEntity(format!(
                "The account alias {} cannot be found.",
                self.account_alias
            )));
        }
        call.write_outside_snapshot(|tx| tx.accounts().set_alias(account, None))?;
        Ok(NoOutput)
    }
}

impl Handle for ListAccountAliasesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListAccountAliasesResponse, ServiceError> {
        let alias = call.read(|tx| tx.accounts().alias(call.ctx.account()))?;
        Ok(ListAccountAliasesResponse {
            account_aliases: alias.into_iter().collect(),
            is_truncated: Some(false),
            marker: None,
        })
    }
}
