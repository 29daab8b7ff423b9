//! AWS Organizations: an organization of Warden accounts (its management account and
//! member accounts CreateAccount makes, each a real account with the role the management
//! account assumes into it), OUs nested up to five levels, and service and resource control
//! policies, which `authorize.rs` enforces on every call through the snapshot's
//! organization facts (`snapshot/organizations.rs`). Each handler reads the caller's
//! organization whole (`org.rs`) in the call's transaction; every write refreshes the
//! organization in the snapshot.

mod accounts;
pub(crate) mod aws_policies;
mod org;
mod organization;
mod policies;
mod tags;
mod units;

use warden_protocol::organizations::Operation;

use crate::operation::{Ran, served};
use crate::{Caller, Ctx, RequestFacts, ServiceError, Warden};

served!(organizations:
    CreateOrganization, ListRoots,
    CreateAccount, DescribeCreateAccountStatus, ListCreateAccountStatus, DescribeAccount,
    ListAccounts, ListAccountsForParent, MoveAccount, RemoveAccountFromOrganization,
    CreateOrganizationalUnit, DescribeOrganizationalUnit, UpdateOrganizationalUnit,
    DeleteOrganizationalUnit, ListOrganizationalUnitsForParent, ListChildren, ListParents,
    CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy, ListPolicies, AttachPolicy,
    DetachPolicy, ListPoliciesForTarget, ListTargetsForPolicy, EnablePolicyType,
    DisablePolicyType,
    TagResource, UntagResource, ListTagsForResource;
    without input:
    DescribeOrganization => organization::DescribeOrganization,
    DeleteOrganization => organization::DeleteOrganization,
);

/// Run one Organizations operation for `caller`: AccessDenied, the operation's result or
/// its modeled error, or `UnknownOperationException` for operations Warden does not serve.
pub fn call(warden: &Warden, caller: &Caller, facts: &RequestFacts, operation: Operation) -> Ran {
    let ctx = Ctx::new(warden, caller, facts);
    dispatch(&ctx, operation).unwrap_or_else(|_| Ran::failed(ServiceError::UnknownOperation))
}
