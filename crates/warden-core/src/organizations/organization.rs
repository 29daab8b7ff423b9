//! CreateOrganization, DescribeOrganization, DeleteOrganization and ListRoots.

use warden_protocol::NoOutput;
use warden_protocol::organizations::{
    self as orgs, CreateOrganizationRequest, CreateOrganizationResponse,
    DescribeOrganizationResponse, ListRootsRequest, ListRootsResponse, errors, operations,
};
use warden_store::{OrgNodeKind, OrgNodeRecord, OrganizationRecord};

use super::org::{self, Org, caller_org, managed_org, random_id};
use crate::operation::{Access, Authorized, Handle, Principal, no_input};
use crate::{Ctx, ServiceError};

no_input!(
    /// DescribeOrganization's (absent) input.
    DescribeOrganization,
    operations::DESCRIBE_ORGANIZATION,
    DescribeOrganizationResponse
);
no_input!(
    /// DeleteOrganization's (absent) input.
    DeleteOrganization,
    operations::DELETE_ORGANIZATION,
    NoOutput
);

/// The organization as DescribeOrganization answers it.
fn organization_shape(ctx: &Ctx<'_>, org: &Org) -> orgs::Organization {
    let management = org.node(org.management());
    orgs::Organization {
        id: Some(org.id().to_owned()),
        arn: Some(org.arn(ctx)),
        feature_set: Some(org.state.organization.feature_set.clone()),
        master_account_arn: management.map(|node| org.node_arn(ctx, node)),
        master_account_id: Some(org.management().to_owned()),
        master_account_email: management.and_then(|node| node.email.clone()),
        available_policy_types: Some(
            org.state
                .policy_types
                .iter()
                .map(|policy_type| orgs::PolicyTypeSummary {
                    r#type: Some(policy_type.clone()),
                    status: Some("ENABLED".to_owned()),
                })
                .collect(),
        ),
    }
}

/// The email address Warden gives a management account, which has none of its own.
pub(super) fn management_email(account: &str) -> String {
    format!("{account}@warden.invalid")
}

impl Handle for CreateOrganizationRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateOrganizationResponse, ServiceError> {
        let ctx = call.ctx;
        let account = ctx.account().to_owned();
        let now = ctx.warden.now().as_millisecond();
        let org_id = random_id(ctx, "o-", 10)?;
        let root_id = random_id(ctx, "r-", 4)?;
        let organization = OrganizationRecord {
            org_id: org_id.clone(),
            management_account_id: account.clone(),
            feature_set: self.feature_set.unwrap_or_else(|| "ALL".to_owned()),
            create_date: now,
        };
        let root = OrgNodeRecord {
            org_id: org_id.clone(),
            node_id: root_id.clone(),
            kind: OrgNodeKind::Root,
            parent_id: None,
            name: "Root".to_owned(),
            email: None,
            status: None,
            joined_method: None,
            create_date: now,
        };
        let alias = call.read(|tx| tx.accounts().alias(&account))?;
        let management = OrgNodeRecord {
            org_id: org_id.clone(),
            node_id: account.clone(),
            kind: OrgNodeKind::Account,
            parent_id: Some(root_id),
            name: alias.unwrap_or_else(|| account.clone()),
            email: Some(management_email(&account)),
            status: Some("ACTIVE".to_owned()),
            joined_method: Some("CREATED".to_owned()),
            create_date: now,
        };
        call.write(Principal::Organization(org_id), |tx| {
            tx.organizations().create(&organization, &root)?;
            tx.organizations().put_node(&management)
        })
        .map_err(|error| match error {
            ServiceError::EntityAlreadyExists(_) => ServiceError::modeled(
                &errors::ALREADY_IN_ORGANIZATION,
                "The AWS account is already a member of an organization.",
            ),
            other => other,
        })?;
        let org = caller_org(call)?;
        Ok(CreateOrganizationResponse {
            organization: Some(organization_shape(ctx, &org)),
        })
    }
}

impl Handle for DescribeOrganization {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(org::access_on(ctx, org::organization_arn))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DescribeOrganizationResponse, ServiceError> {
        let org = caller_org(call)?;
        Ok(DescribeOrganizationResponse {
            organization: Some(organization_shape(call.ctx, &org)),
        })
    }
}

impl Handle for DeleteOrganization {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(org::access_on(ctx, org::organization_arn))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        if org.accounts().any(|node| node.node_id != org.management()) {
            return Err(ServiceError::modeled(
                &errors::ORGANIZATION_NOT_EMPTY,
                "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations().delete(&org_id)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListRootsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListRootsResponse, ServiceError> {
        let org = managed_org(call)?;
        let (roots, next_token) = org::page(
            vec![org.root_shape(call.ctx)?],
            self.next_token.as_deref(),
            self.max_results,
        )?;
        Ok(ListRootsResponse {
            roots: Some(roots),
            next_token,
        })
    }
}
