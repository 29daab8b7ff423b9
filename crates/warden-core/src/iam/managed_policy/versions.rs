//! Policy versions: CreatePolicyVersion (at most five; `SetAsDefault`), GetPolicyVersion,
//! ListPolicyVersions, DeletePolicyVersion (never the default), SetDefaultPolicyVersion.
//! AWS managed policies show their default version and cannot be changed.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    CreatePolicyVersionRequest, CreatePolicyVersionResponse, DeletePolicyVersionRequest,
    GetPolicyVersionRequest, GetPolicyVersionResponse, ListPolicyVersionsRequest,
    ListPolicyVersionsResponse, PolicyVersion, SetDefaultPolicyVersionRequest,
};
use warden_store::PolicyVersionRecord;

use super::{Found, check_document, find, find_customer, policy_arn, version_id, version_number};
use crate::iam::paging::page_of;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for CreatePolicyVersionRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreatePolicyVersionResponse, ServiceError> {
        let record = find_customer(call, &self.policy_arn)?;
        check_document(&self.policy_document)?;
        let set_as_default = self.set_as_default.unwrap_or(false);
        let now = call.ctx.warden.now().as_millisecond();
        let write = |tx: &dyn warden_store::Tx| {
            tx.managed_policies().create_version(
                &record.arn,
                &self.policy_document,
                set_as_default,
                now,
            )
        };
        let version = if set_as_default {
            call.write(Principal::ManagedPolicy(record.arn.clone()), write)?
        } else {
            call.write_outside_snapshot(write)?
        };
        Ok(CreatePolicyVersionResponse {
            policy_version: Some(version_shape(&version, set_as_default, false)),
        })
    }
}

impl Handle for GetPolicyVersionRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetPolicyVersionResponse, ServiceError> {
        let number = version_number(&self.version_id)?;
        let missing = || {
            ServiceError::NoSuchEntity(format!(
                "Policy {} version {} does not exist or is not attachable.",
                self.policy_arn, self.version_id
            ))
        };
        let version = match find(call, &self.policy_arn)? {
            Found::Aws(policy) if policy.default_version == number => PolicyVersion {
                document: Some(policy.document.clone()),
                version_id: Some(version_id(number)),
                is_default_version: Some(true),
                create_date: Some(policy.update_date),
            },
            Found::Aws(_) => return Err(missing()),
            Found::Customer(record) => {
                let version = call
                    .read(|tx| tx.managed_policies().get_version(&record.arn, number))?
                    .ok_or_else(missing)?;
                version_shape(&version, version.version == record.default_version, true)
            }
        };
        Ok(GetPolicyVersionResponse {
            policy_version: Some(version),
        })
    }
}

impl Handle for ListPolicyVersionsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListPolicyVersionsResponse, ServiceError> {
        let versions: Vec<PolicyVersion> = match find(call, &self.policy_arn)? {
            Found::Aws(policy) => vec![PolicyVersion {
                document: None,
                version_id: Some(version_id(policy.default_version)),
                is_default_version: Some(true),
                create_date: Some(policy.update_date),
            }],
            Found::Customer(record) => call
                .read(|tx| tx.managed_policies().list_versions(&record.arn))?
                .iter()
                .map(|version| {
                    version_shape(version, version.version == record.default_version, false)
                })
                .collect(),
        };
        let (versions, marker) = page_of(versions, self.marker.as_deref(), self.max_items)?;
        Ok(ListPolicyVersionsResponse {
            versions: Some(versions),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for DeletePolicyVersionRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = find_customer(call, &self.policy_arn)?;
        let number = version_number(&self.version_id)?;
        call.write_outside_snapshot(|tx| {
            tx.managed_policies().delete_version(&record.arn, number)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for SetDefaultPolicyVersionRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = find_customer(call, &self.policy_arn)?;
        let number = version_number(&self.version_id)?;
        let now = call.ctx.warden.now().as_millisecond();
        call.write(Principal::ManagedPolicy(record.arn.clone()), |tx| {
            tx.managed_policies()
                .set_default_version(&record.arn, number, now)
        })?;
        Ok(NoOutput)
    }
}

/// A stored version as the API shows it; the document only where AWS returns it
/// (GetPolicyVersion), URL-encoded by the protocol layer.
fn version_shape(version: &PolicyVersionRecord, is_default: bool, document: bool) -> PolicyVersion {
    PolicyVersion {
        document: document.then(|| version.document.clone()),
        version_id: Some(version_id(version.version)),
        is_default_version: Some(is_default),
        create_date: Some(timestamp(version.create_date)),
    }
}
