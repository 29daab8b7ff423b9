//! Member accounts: CreateAccount (a real Warden account with the role the management
//! account assumes into it), its requests' statuses, DescribeAccount, ListAccounts,
//! ListAccountsForParent, MoveAccount and RemoveAccountFromOrganization (the account stays
//! a Warden account of its own, with its roles).

use warden_protocol::organizations::{
    self as orgs, CreateAccountRequest, CreateAccountResponse, DescribeAccountRequest,
    DescribeAccountResponse, DescribeCreateAccountStatusRequest,
    DescribeCreateAccountStatusResponse, ListAccountsForParentRequest,
    ListAccountsForParentResponse, ListAccountsRequest, ListAccountsResponse,
    ListCreateAccountStatusRequest, ListCreateAccountStatusResponse, MoveAccountRequest,
    RemoveAccountFromOrganizationRequest, errors,
};
use warden_protocol::{NoOutput, iam};
use warden_store::{
    AccountRecord, Attachable, CreateAccountStatusRecord, DEFAULT_MAX_SESSION_DURATION,
    OrgNodeKind, OrgNodeRecord, RoleRecord,
};

use super::aws_policies;
use super::org::{self, Org, managed_org, not_found};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

/// The role CreateAccount makes when the request names none.
pub(super) const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";
/// The AWS managed policy that role gets (its ARN in the partition).
fn administrator_access(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/AdministratorAccess")
}
/// AWS's default quota of accounts in an organization (the management account included).
pub(super) const MAX_ACCOUNTS: usize = 10;

fn status_shape(record: &CreateAccountStatusRecord) -> orgs::CreateAccountStatus {
    orgs::CreateAccountStatus {
        id: Some(record.request_id.clone()),
        account_name: Some(record.account_name.clone()),
        state: Some(record.state.clone()),
        requested_timestamp: Some(crate::timestamp(record.requested)),
        completed_timestamp: record.completed.map(crate::timestamp),
        account_id: record.account_id.clone(),
        gov_cloud_account_id: None,
        failure_reason: record.failure_reason.clone(),
    }
}

/// The trust policy of the role CreateAccount makes: the management account's root.
fn access_role_trust(partition: &str, management: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:{partition}:iam::{management}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// A fresh account id no account has.
fn new_account_id(call: &Authorized<'_, '_>) -> Result<String, ServiceError> {
    let rng = call.ctx.warden.rng.as_ref();
    for _ in 0..16 {
        let id = warden_crypto::credentials::account_id(rng)
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        if call.read(|tx| tx.accounts().get(&id))?.is_none() {
            return Ok(id);
        }
    }
    Err(ServiceError::Internal("no free account id".to_owned()))
}

impl Handle for CreateAccountRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = org::tag_pairs(self.tags.as_deref())?;
        Ok(Access::Check {
            resources: Vec::new(),
            keys: crate::iam::tagging::tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateAccountResponse, ServiceError> {
        let ctx = call.ctx;
        let org = managed_org(call)?;
        let role_name = self
            .role_name
            .unwrap_or_else(|| DEFAULT_ROLE_NAME.to_owned());
        if role_name.starts_with("AWSServiceRoleFor") {
            return Err(org::invalid_input(
                "INVALID_ROLE_NAME",
                "You provided a role name that isn't valid. A role name can't begin with the reserved prefix 'AWSServiceRoleFor'.",
            ));
        }
        if org.accounts().count() >= MAX_ACCOUNTS {
            return Err(org::constraint(
                "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
                "You have reached the limit on the number of accounts in your organization.",
            ));
        }
        let tags = org::tag_pairs(self.tags.as_deref())?;
        let now = ctx.warden.now().as_millisecond();
        let mut status = CreateAccountStatusRecord {
            org_id: org.id().to_owned(),
            request_id: org::random_id(ctx, "car-", 32)?,
            account_name: self.account_name.clone(),
            state: "SUCCEEDED".to_owned(),
            requested: now,
            completed: Some(now),
            account_id: None,
            failure_reason: None,
        };
        if org
            .accounts()
            .any(|node| node.email.as_deref() == Some(self.email.as_str()))
        {
            status.state = "FAILED".to_owned();
            status.failure_reason = Some("EMAIL_ALREADY_EXISTS".to_owned());
            call.write_outside_snapshot(|tx| {
                tx.organizations().put_create_account_status(&status)
            })?;
            return Ok(CreateAccountResponse {
                create_account_status: Some(status_shape(&status)),
            });
        }
        let account_id = new_account_id(call)?;
        status.account_id = Some(account_id.clone());
        let node = OrgNodeRecord {
            org_id: org.id().to_owned(),
            node_id: account_id.clone(),
            kind: OrgNodeKind::Account,
            parent_id: Some(org.root()?.node_id.clone()),
            name: self.account_name,
            email: Some(self.email),
            status: Some("ACTIVE".to_owned()),
            joined_method: Some("CREATED".to_owned()),
            create_date: now,
        };
        let role = RoleRecord {
            account_id: account_id.clone(),
            arn: iam::arn::role(ctx.partition(), &account_id, &role_name).value,
            role_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::Role,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            role_name: role_name.clone(),
            path: "/".to_owned(),
            create_date: now,
            assume_role_policy_document: access_role_trust(ctx.partition(), org.management()),
            description: None,
            max_session_duration: DEFAULT_MAX_SESSION_DURATION,
            permissions_boundary: None,
            tags: Vec::new(),
            last_used: None,
        };
        let defaults: Vec<&str> = [aws_policies::SCP, aws_policies::RCP]
            .into_iter()
            .filter(|policy_type| org.type_enabled(policy_type))
            .filter_map(aws_policies::default_for)
            .map(|policy| policy.id)
            .collect();
        let org_id = org.id().to_owned();
        let administrator = administrator_access(ctx.partition());
        call.touch(Principal::AccountRole {
            account: account_id.clone(),
            name: role_name.clone(),
        });
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.accounts().create(&AccountRecord {
                account_id: account_id.clone(),
                create_date: now,
            })?;
            let orgs = tx.organizations();
            orgs.put_node(&node)?;
            for policy in &defaults {
                orgs.attach(&org_id, policy, &account_id)?;
            }
            if !tags.is_empty() {
                orgs.set_tags(&org_id, &account_id, &tags)?;
            }
            tx.roles().create(&role)?;
            tx.managed_policies().attach(
                Attachable::Role,
                &account_id,
                &role_name,
                &administrator,
            )?;
            orgs.put_create_account_status(&status)
        })?;
        Ok(CreateAccountResponse {
            create_account_status: Some(status_shape(&status)),
        })
    }
}

impl Handle for DescribeCreateAccountStatusRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DescribeCreateAccountStatusResponse, ServiceError> {
        let org = managed_org(call)?;
        let statuses = call.read(|tx| tx.organizations().create_account_statuses(org.id()))?;
        let status = statuses
            .iter()
            .find(|status| status.request_id == self.create_account_request_id)
            .ok_or_else(|| not_found(&errors::CREATE_ACCOUNT_STATUS_NOT_FOUND))?;
        Ok(DescribeCreateAccountStatusResponse {
            create_account_status: Some(status_shape(status)),
        })
    }
}

impl Handle for ListCreateAccountStatusRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListCreateAccountStatusResponse, ServiceError> {
        let org = managed_org(call)?;
        let statuses: Vec<orgs::CreateAccountStatus> = call
            .read(|tx| tx.organizations().create_account_statuses(org.id()))?
            .iter()
            .filter(|status| {
                self.states
                    .as_ref()
                    .is_none_or(|states| states.contains(&status.state))
            })
            .map(status_shape)
            .collect();
        let (statuses, next_token) =
            org::page(statuses, self.next_token.as_deref(), self.max_results)?;
        Ok(ListCreateAccountStatusResponse {
            create_account_statuses: Some(statuses),
            next_token,
        })
    }
}

/// The access an operation on one account needs.
pub(super) fn account_access(ctx: &Ctx<'_>, account_id: &str) -> Access {
    org::access_on(ctx, |partition, management, org_id| {
        org::node_arn_of(partition, management, org_id, account_id)
    })
}

/// The account node `account_id`, or AccountNotFoundException.
pub(super) fn find_account<'o>(
    org: &'o Org,
    account_id: &str,
) -> Result<&'o OrgNodeRecord, ServiceError> {
    org.node_of(account_id, OrgNodeKind::Account)
        .ok_or_else(|| not_found(&errors::ACCOUNT_NOT_FOUND))
}

impl Handle for DescribeAccountRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(account_access(ctx, &self.account_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DescribeAccountResponse, ServiceError> {
        let org = managed_org(call)?;
        let account = find_account(&org, &self.account_id)?;
        Ok(DescribeAccountResponse {
            account: Some(org.account_shape(call.ctx, account)),
        })
    }
}

impl Handle for ListAccountsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListAccountsResponse, ServiceError> {
        let org = managed_org(call)?;
        let accounts = org
            .accounts()
            .map(|node| org.account_shape(call.ctx, node))
            .collect();
        let (accounts, next_token) =
            org::page(accounts, self.next_token.as_deref(), self.max_results)?;
        Ok(ListAccountsResponse {
            accounts: Some(accounts),
            next_token,
        })
    }
}

/// The access an operation on a root or OU needs.
pub(super) fn container_access(ctx: &Ctx<'_>, id: &str) -> Access {
    org::access_on(ctx, |partition, management, org_id| {
        org::node_arn_of(partition, management, org_id, id)
    })
}

impl Handle for ListAccountsForParentRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.parent_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListAccountsForParentResponse, ServiceError> {
        let org = managed_org(call)?;
        org.container(&self.parent_id)
            .ok_or_else(|| not_found(&errors::PARENT_NOT_FOUND))?;
        let accounts = org
            .children(&self.parent_id, OrgNodeKind::Account)
            .map(|node| org.account_shape(call.ctx, node))
            .collect();
        let (accounts, next_token) =
            org::page(accounts, self.next_token.as_deref(), self.max_results)?;
        Ok(ListAccountsForParentResponse {
            accounts: Some(accounts),
            next_token,
        })
    }
}

impl Handle for MoveAccountRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let snapshot = ctx.warden.snapshot();
        let Some(member) = snapshot.org_member(ctx.account()) else {
            return Ok(Access::anywhere());
        };
        let arn = |id: &str| {
            org::node_arn_of(
                ctx.partition(),
                &member.management_account,
                &member.org_id,
                id,
            )
        };
        Ok(Access::Check {
            resources: vec![
                arn(&self.account_id),
                arn(&self.source_parent_id),
                arn(&self.destination_parent_id),
            ],
            keys: Vec::new(),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        let account = find_account(&org, &self.account_id)?;
        org.container(&self.source_parent_id)
            .ok_or_else(|| not_found(&errors::SOURCE_PARENT_NOT_FOUND))?;
        org.container(&self.destination_parent_id)
            .ok_or_else(|| not_found(&errors::DESTINATION_PARENT_NOT_FOUND))?;
        if account.parent_id.as_deref() == Some(self.destination_parent_id.as_str()) {
            return Err(ServiceError::modeled(
                &errors::DUPLICATE_ACCOUNT,
                "That account is already present in the specified destination.",
            ));
        }
        if account.parent_id.as_deref() != Some(self.source_parent_id.as_str()) {
            return Err(not_found(&errors::ACCOUNT_NOT_FOUND));
        }
        let moved = OrgNodeRecord {
            parent_id: Some(self.destination_parent_id),
            ..account.clone()
        };
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id), |tx| {
            tx.organizations().put_node(&moved)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for RemoveAccountFromOrganizationRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(account_access(ctx, &self.account_id))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        find_account(&org, &self.account_id)?;
        if self.account_id == org.management() {
            return Err(ServiceError::modeled(
                &errors::MASTER_CANNOT_LEAVE_ORGANIZATION,
                "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations().delete_node(&org_id, &self.account_id)
        })?;
        Ok(NoOutput)
    }
}
