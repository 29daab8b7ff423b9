//! IAM operations: one file per operation (or per small set of one entity's operations)
//! under its entity (`user/`, `access_key/`, `user_policy/`, `group/`, `group_policy.rs`,
//! `role/`, `role_policy.rs`, `managed_policy/`), each implementing
//! [`crate::operation::Handle`] on the operation's generated input; [`call`] dispatches to
//! the runner. Adding an operation is one file and one name in the `served!` list below.

mod access_key;
pub(crate) mod account;
mod boundary;
mod group;
mod group_policy;
pub(crate) mod identity_provider;
mod inline_policy;
mod instance_profile;
mod last_accessed;
mod managed_policy;
mod mfa;
mod open_id_connect_provider;
mod outbound_federation;
mod paging;
mod password;
mod role;
mod role_policy;
mod saml_provider;
mod server_certificate;
mod service_credential;
mod signing_certificate;
mod simulate;
mod ssh_public_key;
pub(crate) mod tagging;
mod user;
mod user_policy;

pub(crate) use last_accessed::LastAccessedJobs;
pub(crate) use mfa::{accept_session_code, check_session_code};
pub(crate) use open_id_connect_provider::is_loopback_issuer;

use warden_protocol::iam::{META, Operation};

use crate::operation::{Ran, served};
use crate::{Caller, Ctx, RequestFacts, ServiceError, Warden};

served!(iam:
    CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser,
    TagUser, UntagUser, ListUserTags,
    CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed,
    PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy,
    CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
    AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser,
    PutGroupPolicy, GetGroupPolicy, ListGroupPolicies, DeleteGroupPolicy,
    CreatePolicy, GetPolicy, ListPolicies, DeletePolicy,
    CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion,
    SetDefaultPolicyVersion, TagPolicy, UntagPolicy, ListPolicyTags,
    AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies,
    AttachGroupPolicy, DetachGroupPolicy, ListAttachedGroupPolicies,
    ListEntitiesForPolicy, PutUserPermissionsBoundary, DeleteUserPermissionsBoundary,
    CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy,
    DeleteRole, TagRole, UntagRole, ListRoleTags,
    PutRolePermissionsBoundary, DeleteRolePermissionsBoundary,
    PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy,
    AttachRolePolicy, DetachRolePolicy, ListAttachedRolePolicies,
    GetAccountAuthorizationDetails,
    CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles, DeleteInstanceProfile,
    AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole,
    TagInstanceProfile, UntagInstanceProfile, ListInstanceProfileTags,
    CreateServiceLinkedRole, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus,
    SimulatePrincipalPolicy, SimulateCustomPolicy,
    GetContextKeysForPrincipalPolicy, GetContextKeysForCustomPolicy,
    UpdateAccountPasswordPolicy,
    CreateLoginProfile, GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile, ChangePassword,
    CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice, DeactivateMFADevice,
    DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices, GetMFADevice,
    TagMFADevice, UntagMFADevice, ListMFADeviceTags,
    CreateAccountAlias, DeleteAccountAlias, ListAccountAliases,
    CreateServiceSpecificCredential, ListServiceSpecificCredentials,
    UpdateServiceSpecificCredential, ResetServiceSpecificCredential,
    DeleteServiceSpecificCredential,
    UploadSSHPublicKey, GetSSHPublicKey, ListSSHPublicKeys, UpdateSSHPublicKey,
    DeleteSSHPublicKey,
    UploadSigningCertificate, ListSigningCertificates, UpdateSigningCertificate,
    DeleteSigningCertificate,
    GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails,
    GetServiceLastAccessedDetailsWithEntities,
    UploadServerCertificate, GetServerCertificate, ListServerCertificates,
    UpdateServerCertificate, DeleteServerCertificate,
    TagServerCertificate, UntagServerCertificate, ListServerCertificateTags,
    CreateOpenIDConnectProvider, GetOpenIDConnectProvider, ListOpenIDConnectProviders,
    DeleteOpenIDConnectProvider, AddClientIDToOpenIDConnectProvider,
    RemoveClientIDFromOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint,
    TagOpenIDConnectProvider, UntagOpenIDConnectProvider, ListOpenIDConnectProviderTags,
    CreateSAMLProvider, GetSAMLProvider, ListSAMLProviders, UpdateSAMLProvider,
    DeleteSAMLProvider, TagSAMLProvider, UntagSAMLProvider, ListSAMLProviderTags;
    without input:
    GetAccountPasswordPolicy => password::GetAccountPasswordPolicy,
    DeleteAccountPasswordPolicy => password::DeleteAccountPasswordPolicy,
    GetAccountSummary => account::GetAccountSummary,
    GenerateCredentialReport => account::GenerateCredentialReport,
    GetCredentialReport => account::GetCredentialReport,
    EnableOutboundWebIdentityFederation => outbound_federation::EnableOutboundWebIdentityFederation,
    DisableOutboundWebIdentityFederation => outbound_federation::DisableOutboundWebIdentityFederation,
    GetOutboundWebIdentityFederationInfo => outbound_federation::GetOutboundWebIdentityFederationInfo,
);

/// Run one IAM operation for `caller`: AccessDenied, the operation's result or its modeled
/// error, or `OperationNotServed` for IAM operations Warden does not serve yet.
pub fn call(warden: &Warden, caller: &Caller, facts: &RequestFacts, operation: Operation) -> Ran {
    if caller
        .session
        .as_ref()
        .is_some_and(|session| match session.origin {
            // AWS: GetSessionToken credentials cannot call IAM unless MFA information is
            // included; a federated user's cannot call IAM at all.
            crate::SessionOrigin::GetSessionToken => session.mfa_authenticated_at.is_none(),
            crate::SessionOrigin::GetFederationToken => true,
            crate::SessionOrigin::AssumeRole => false,
        })
    {
        return Ran::failed(ServiceError::InvalidClientToken);
    }
    let ctx = Ctx::new(warden, caller, facts);
    dispatch(&ctx, operation).unwrap_or_else(|other| {
        Ran::failed(ServiceError::OperationNotServed {
            operation: other,
            api_version: META.api_version,
        })
    })
}
