//! Table-driven tests over every served operation, in process: a caller without policies is
//! denied and the denial recorded; no member the model marks sensitive is ever recorded; and
//! each operation's wire output, as a snapshot.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jiff::Timestamp;
use serde_json::Value;
use tower::ServiceExt as _;
use warden_core::{FixedClock, RootCredentials, Warden};
use warden_crypto::{DeterministicRandom, RootKey, SecretString};
use warden_journal::SqliteAuditLog;
use warden_protocol::{OperationInfo, ServiceMeta, cloudtrail, iam, kms, organizations, sts};
use warden_store_sqlite::SqliteStore;

use crate::saml_federation;

const ACCOUNT: &str = "123456789012";
const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "root-secret";
/// 2026-12-01T00:00:00Z
const NOW: i64 = 1_796_083_200;

/// The protocol a served operation speaks.
#[derive(Clone, Copy)]
enum Wire {
    /// Query: form body, signed for this SigV4 service name.
    Query(&'static ServiceMeta),
    /// JSON 1.1 with this target prefix.
    Json(&'static ServiceMeta),
}

/// One served operation and a valid input for it (`{KEY}` stands for alice's access key id,
/// `{DAVE_KEY}` for dave's, `{SSC}` for dave's service-specific credential;
/// `{MFA1}`…`{MFA4}` for the codes of the harness's MFA device at steps t-1, t, t+1, t+2;
/// `{JOB}` for an action-level service last accessed report on dave).
struct Sample {
    wire: Wire,
    operation: &'static str,
    input: &'static str,
    /// Run as dave rather than root where only an IAM user can call it (ChangePassword).
    as_dave: bool,
}

/// Fixed SSH public keys and signing certificates (valid into 2097), so the wire snapshot is
/// stable: the harness uploads the first of each for dave (`{SSH_ID}`, `{CERT_ID}`), the
/// samples the second (`{SSH_KEY_2}`, `{CERT_2}`).
const SSH_KEY_1: &str = include_str!("data/ssh_key_1.pub");
/// See [`SSH_KEY_1`].
const SSH_KEY_2: &str = include_str!("data/ssh_key_2.pub");
/// See [`SSH_KEY_1`].
const CERT_1: &str = include_str!("data/signing_cert_1.pem");
/// See [`SSH_KEY_1`].
const CERT_2: &str = include_str!("data/signing_cert_2.pem");

/// A fixed server certificate (issued by the chain's CA, valid into 2098), its PKCS #8 RSA
/// key and the chain, which the samples upload as `web-cert` (`{SERVER_CERT}`,
/// `{SERVER_KEY}`, `{SERVER_CHAIN}`).
const SERVER_CERT: &str = include_str!("data/server_cert.pem");
/// See [`SERVER_CERT`].
const SERVER_KEY: &str = include_str!("data/server_key.pem");
/// See [`SERVER_CERT`].
const SERVER_CHAIN: &str = include_str!("data/server_chain.pem");

/// A fixed SAML 2.0 IdP metadata document (one RSA signing certificate, self-signed, valid
/// into 2126), which the samples create as the provider `idp` (`{SAML_METADATA}`).
const SAML_METADATA: &str = include_str!("data/saml_metadata.xml");
/// An RSA private key (PKCS #8) the samples add to the SAML provider to decrypt assertions
/// (`{SAML_KEY}`).
const SAML_KEY: &str = include_str!("data/saml_private_key.pem");

/// `text` encoded for a form body.
fn form_encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The text of the first `<name>` element of an XML answer.
fn element(body: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = body.find(&open).unwrap() + open.len();
    let end = start + body[start..].find('<').unwrap();
    body[start..end].to_owned()
}

/// The serial number of the virtual MFA device the harness creates.
const HARNESS_MFA: &str = "arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fharness-mfa";

/// A valid input for every served operation, in an order that succeeds when run as root
/// one after another (deletes last).
const SAMPLES: &[Sample] = &[
    query(
        &iam::META,
        "CreateUser",
        "UserName=bob&Path=%2Fdivision%2F&Tags.member.1.Key=team&Tags.member.1.Value=red",
    ),
    query(&iam::META, "GetUser", "UserName=alice"),
    query(&iam::META, "ListUsers", ""),
    query(
        &iam::META,
        "TagUser",
        "UserName=bob&Tags.member.1.Key=cost-center&Tags.member.1.Value=12",
    ),
    query(&iam::META, "ListUserTags", "UserName=bob"),
    query(
        &iam::META,
        "UntagUser",
        "UserName=bob&TagKeys.member.1=team",
    ),
    query(
        &iam::META,
        "UpdateUser",
        "UserName=carol&NewUserName=caroline&NewPath=%2Fops%2F",
    ),
    query(&iam::META, "CreateAccessKey", "UserName=bob"),
    query(&iam::META, "ListAccessKeys", "UserName=alice"),
    query(
        &iam::META,
        "UpdateAccessKey",
        "UserName=alice&AccessKeyId={KEY}&Status=Inactive",
    ),
    query(
        &iam::META,
        "PutUserPolicy",
        "UserName=alice&PolicyName=read&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetUser%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "GetUserPolicy",
        "UserName=alice&PolicyName=read",
    ),
    query(&iam::META, "ListUserPolicies", "UserName=alice"),
    query(
        &iam::META,
        "DeleteUserPolicy",
        "UserName=alice&PolicyName=read",
    ),
    query(
        &iam::META,
        "DeleteAccessKey",
        "UserName=alice&AccessKeyId={KEY}",
    ),
    query(&iam::META, "CreateGroup", "GroupName=devs&Path=%2Feng%2F"),
    query(&iam::META, "GetGroup", "GroupName=devs"),
    query(&iam::META, "ListGroups", ""),
    query(
        &iam::META,
        "AddUserToGroup",
        "GroupName=devs&UserName=alice",
    ),
    query(&iam::META, "ListGroupsForUser", "UserName=alice"),
    query(
        &iam::META,
        "PutGroupPolicy",
        "GroupName=devs&PolicyName=read&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetUser%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "GetGroupPolicy",
        "GroupName=devs&PolicyName=read",
    ),
    query(&iam::META, "ListGroupPolicies", "GroupName=devs"),
    query(
        &iam::META,
        "UpdateGroup",
        "GroupName=devs&NewGroupName=builders",
    ),
    query(
        &iam::META,
        "AttachGroupPolicy",
        "GroupName=builders&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
    ),
    query(
        &iam::META,
        "ListAttachedGroupPolicies",
        "GroupName=builders",
    ),
    query(
        &iam::META,
        "DetachGroupPolicy",
        "GroupName=builders&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
    ),
    query(
        &iam::META,
        "DeleteGroupPolicy",
        "GroupName=builders&PolicyName=read",
    ),
    query(
        &iam::META,
        "RemoveUserFromGroup",
        "GroupName=builders&UserName=alice",
    ),
    query(&iam::META, "DeleteGroup", "GroupName=builders"),
    query(
        &iam::META,
        "CreatePolicy",
        "PolicyName=readers&Description=read&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetUser%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "GetPolicy",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(&iam::META, "ListPolicies", "Scope=Local"),
    query(
        &iam::META,
        "CreatePolicyVersion",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders&SetAsDefault=true&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetUser%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "GetPolicyVersion",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders&VersionId=v2",
    ),
    query(
        &iam::META,
        "ListPolicyVersions",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(
        &iam::META,
        "SetDefaultPolicyVersion",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders&VersionId=v1",
    ),
    query(
        &iam::META,
        "DeletePolicyVersion",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders&VersionId=v2",
    ),
    query(
        &iam::META,
        "TagPolicy",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders&Tags.member.1.Key=team&Tags.member.1.Value=red",
    ),
    query(
        &iam::META,
        "ListPolicyTags",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(
        &iam::META,
        "UntagPolicy",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders&TagKeys.member.1=team",
    ),
    query(
        &iam::META,
        "AttachUserPolicy",
        "UserName=alice&PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(&iam::META, "ListAttachedUserPolicies", "UserName=alice"),
    query(
        &iam::META,
        "ListEntitiesForPolicy",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(
        &iam::META,
        "DetachUserPolicy",
        "UserName=alice&PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(
        &iam::META,
        "PutUserPermissionsBoundary",
        "UserName=alice&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(
        &iam::META,
        "DeleteUserPermissionsBoundary",
        "UserName=alice",
    ),
    query(
        &iam::META,
        "DeletePolicy",
        "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Freaders",
    ),
    query(
        &iam::META,
        "CreateRole",
        "RoleName=deployer&Path=%2Fci%2F&Description=deploys&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22123456789012%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
    ),
    query(&iam::META, "GetRole", "RoleName=deployer"),
    query(&iam::META, "ListRoles", ""),
    query(
        &iam::META,
        "UpdateRole",
        "RoleName=deployer&MaxSessionDuration=7200",
    ),
    query(
        &iam::META,
        "UpdateRoleDescription",
        "RoleName=deployer&Description=ships",
    ),
    query(
        &iam::META,
        "UpdateAssumeRolePolicy",
        "RoleName=deployer&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22123456789012%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "TagRole",
        "RoleName=deployer&Tags.member.1.Key=team&Tags.member.1.Value=red",
    ),
    query(&iam::META, "ListRoleTags", "RoleName=deployer"),
    as_dave_sts(
        "AssumeRole",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci%2Fdeployer&RoleSessionName=ship-it&DurationSeconds=1800&Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetRole%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "UntagRole",
        "RoleName=deployer&TagKeys.member.1=team",
    ),
    // Unsigned in the model (the SAML response is the credential): the signature is ignored.
    query(
        &sts::META,
        "AssumeRoleWithSAML",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsaml-admins&PrincipalArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2FTestIdP&SAMLAssertion={SAML_RESPONSE}&DurationSeconds=900",
    ),
    query(
        &iam::META,
        "PutRolePermissionsBoundary",
        "RoleName=deployer&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
    ),
    query(
        &iam::META,
        "DeleteRolePermissionsBoundary",
        "RoleName=deployer",
    ),
    query(
        &iam::META,
        "PutRolePolicy",
        "RoleName=deployer&PolicyName=read&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3AGetUser%22%2C%22Resource%22%3A%22*%22%7D%5D%7D",
    ),
    query(
        &iam::META,
        "GetRolePolicy",
        "RoleName=deployer&PolicyName=read",
    ),
    query(&iam::META, "ListRolePolicies", "RoleName=deployer"),
    query(
        &iam::META,
        "DeleteRolePolicy",
        "RoleName=deployer&PolicyName=read",
    ),
    query(
        &iam::META,
        "AttachRolePolicy",
        "RoleName=deployer&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
    ),
    query(&iam::META, "ListAttachedRolePolicies", "RoleName=deployer"),
    query(
        &iam::META,
        "DetachRolePolicy",
        "RoleName=deployer&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
    ),
    query(
        &iam::META,
        "CreateInstanceProfile",
        "InstanceProfileName=web&Path=%2Fci%2F",
    ),
    query(&iam::META, "GetInstanceProfile", "InstanceProfileName=web"),
    query(&iam::META, "ListInstanceProfiles", ""),
    query(
        &iam::META,
        "AddRoleToInstanceProfile",
        "InstanceProfileName=web&RoleName=deployer",
    ),
    query(
        &iam::META,
        "ListInstanceProfilesForRole",
        "RoleName=deployer",
    ),
    query(
        &iam::META,
        "TagInstanceProfile",
        "InstanceProfileName=web&Tags.member.1.Key=tier&Tags.member.1.Value=web",
    ),
    query(
        &iam::META,
        "ListInstanceProfileTags",
        "InstanceProfileName=web",
    ),
    query(
        &iam::META,
        "UntagInstanceProfile",
        "InstanceProfileName=web&TagKeys.member.1=tier",
    ),
    query(
        &iam::META,
        "RemoveRoleFromInstanceProfile",
        "InstanceProfileName=web&RoleName=deployer",
    ),
    query(
        &iam::META,
        "DeleteInstanceProfile",
        "InstanceProfileName=web",
    ),
    query(&iam::META, "DeleteRole", "RoleName=deployer"),
    query(
        &iam::META,
        "CreateServiceLinkedRole",
        "AWSServiceName=autoscaling.amazonaws.com&Description=scaling",
    ),
    query(
        &iam::META,
        "DeleteServiceLinkedRole",
        "RoleName=AWSServiceRoleForAutoscaling",
    ),
    query(
        &iam::META,
        "GetServiceLinkedRoleDeletionStatus",
        "DeletionTaskId=task%2Faws-service-role%2Fautoscaling.amazonaws.com%2FAWSServiceRoleForAutoscaling%2F1",
    ),
    query(
        &iam::META,
        "SimulateCustomPolicy",
        "PolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AListBucket%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ashop%22%2C%22Condition%22%3A%7B%22IpAddress%22%3A%7B%22aws%3ASourceIp%22%3A%2210.0.0.0%2F8%22%7D%7D%7D%5D%7D&ActionNames.member.1=s3%3AListBucket&ResourceArns.member.1=arn%3Aaws%3As3%3A%3A%3Ashop&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp&ContextEntries.member.1.ContextKeyType=ip&ContextEntries.member.1.ContextKeyValues.member.1=10.1.2.3",
    ),
    query(
        &iam::META,
        "GetContextKeysForCustomPolicy",
        "PolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AListBucket%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ashop%22%2C%22Condition%22%3A%7B%22IpAddress%22%3A%7B%22aws%3ASourceIp%22%3A%2210.0.0.0%2F8%22%7D%7D%7D%5D%7D",
    ),
    query(
        &iam::META,
        "SimulatePrincipalPolicy",
        "PolicySourceArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice&ActionNames.member.1=iam%3AGetUser",
    ),
    query(
        &iam::META,
        "GetContextKeysForPrincipalPolicy",
        "PolicySourceArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice",
    ),
    query(&iam::META, "GetAccountAuthorizationDetails", "MaxItems=3"),
    query(
        &iam::META,
        "UpdateAccountPasswordPolicy",
        "MinimumPasswordLength=12&RequireNumbers=true&RequireSymbols=true&PasswordReusePrevention=3&MaxPasswordAge=90&AllowUsersToChangePassword=true",
    ),
    query(&iam::META, "GetAccountPasswordPolicy", ""),
    query(
        &iam::META,
        "CreateLoginProfile",
        "UserName=dave&Password=Correct-Horse-1&PasswordResetRequired=true",
    ),
    query(&iam::META, "GetLoginProfile", "UserName=dave"),
    query(
        &iam::META,
        "UpdateLoginProfile",
        "UserName=dave&Password=Battery-Staple-2",
    ),
    as_dave(
        "ChangePassword",
        "OldPassword=Battery-Staple-2&NewPassword=Another-Secret-3",
    ),
    query(&iam::META, "DeleteLoginProfile", "UserName=dave"),
    query(&iam::META, "DeleteAccountPasswordPolicy", ""),
    query(
        &iam::META,
        "CreateVirtualMFADevice",
        "VirtualMFADeviceName=phone&Path=%2Fteam%2F&Tags.member.1.Key=owner&Tags.member.1.Value=alice",
    ),
    query(
        &iam::META,
        "TagMFADevice",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fteam%2Fphone&Tags.member.1.Key=kind&Tags.member.1.Value=virtual",
    ),
    query(
        &iam::META,
        "UntagMFADevice",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fteam%2Fphone&TagKeys.member.1=owner",
    ),
    query(
        &iam::META,
        "ListMFADeviceTags",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fteam%2Fphone",
    ),
    query(
        &iam::META,
        "EnableMFADevice",
        "UserName=alice&SerialNumber={MFA}&AuthenticationCode1={MFA1}&AuthenticationCode2={MFA2}",
    ),
    query(
        &iam::META,
        "ResyncMFADevice",
        "UserName=alice&SerialNumber={MFA}&AuthenticationCode1={MFA3}&AuthenticationCode2={MFA4}",
    ),
    query(
        &iam::META,
        "GetMFADevice",
        "UserName=alice&SerialNumber={MFA}",
    ),
    query(&iam::META, "ListMFADevices", "UserName=alice"),
    query(&iam::META, "ListVirtualMFADevices", "AssignmentStatus=Any"),
    query(
        &iam::META,
        "DeactivateMFADevice",
        "UserName=alice&SerialNumber={MFA}",
    ),
    query(
        &iam::META,
        "DeleteVirtualMFADevice",
        "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fteam%2Fphone",
    ),
    query(
        &iam::META,
        "UploadSSHPublicKey",
        "UserName=alice&SSHPublicKeyBody={SSH_KEY_2}",
    ),
    query(&iam::META, "ListSSHPublicKeys", "UserName=dave"),
    query(
        &iam::META,
        "GetSSHPublicKey",
        "UserName=dave&SSHPublicKeyId={SSH_ID}&Encoding=SSH",
    ),
    query(
        &iam::META,
        "UpdateSSHPublicKey",
        "UserName=dave&SSHPublicKeyId={SSH_ID}&Status=Inactive",
    ),
    query(
        &iam::META,
        "DeleteSSHPublicKey",
        "UserName=dave&SSHPublicKeyId={SSH_ID}",
    ),
    query(
        &iam::META,
        "UploadSigningCertificate",
        "UserName=alice&CertificateBody={CERT_2}",
    ),
    query(&iam::META, "ListSigningCertificates", "UserName=dave"),
    query(
        &iam::META,
        "UpdateSigningCertificate",
        "UserName=dave&CertificateId={CERT_ID}&Status=Inactive",
    ),
    query(
        &iam::META,
        "DeleteSigningCertificate",
        "UserName=dave&CertificateId={CERT_ID}",
    ),
    query(&iam::META, "GetAccessKeyLastUsed", "AccessKeyId={DAVE_KEY}"),
    query(
        &iam::META,
        "CreateAccountAlias",
        "AccountAlias=example-corp",
    ),
    query(&iam::META, "ListAccountAliases", ""),
    query(
        &iam::META,
        "DeleteAccountAlias",
        "AccountAlias=example-corp",
    ),
    query(
        &iam::META,
        "CreateServiceSpecificCredential",
        "UserName=dave&ServiceName=codecommit.amazonaws.com",
    ),
    query(
        &iam::META,
        "ListServiceSpecificCredentials",
        "UserName=dave",
    ),
    query(
        &iam::META,
        "UpdateServiceSpecificCredential",
        "UserName=dave&ServiceSpecificCredentialId={SSC}&Status=Inactive",
    ),
    query(
        &iam::META,
        "ResetServiceSpecificCredential",
        "UserName=dave&ServiceSpecificCredentialId={SSC}",
    ),
    query(
        &iam::META,
        "DeleteServiceSpecificCredential",
        "UserName=dave&ServiceSpecificCredentialId={SSC}",
    ),
    // Server certificates last among IAM's (their ids and sealing draw on the deterministic
    // random source, which would shift every later id), one left for GetAccountSummary.
    query(
        &iam::META,
        "UploadServerCertificate",
        "ServerCertificateName=web-cert&Path=%2Fweb%2F&CertificateBody={SERVER_CERT}&PrivateKey={SERVER_KEY}&CertificateChain={SERVER_CHAIN}&Tags.member.1.Key=team&Tags.member.1.Value=web",
    ),
    query(
        &iam::META,
        "GetServerCertificate",
        "ServerCertificateName=web-cert",
    ),
    query(&iam::META, "ListServerCertificates", "PathPrefix=%2F"),
    query(
        &iam::META,
        "TagServerCertificate",
        "ServerCertificateName=web-cert&Tags.member.1.Key=env&Tags.member.1.Value=prod",
    ),
    query(
        &iam::META,
        "ListServerCertificateTags",
        "ServerCertificateName=web-cert",
    ),
    query(
        &iam::META,
        "UntagServerCertificate",
        "ServerCertificateName=web-cert&TagKeys.member.1=team",
    ),
    query(
        &iam::META,
        "UpdateServerCertificate",
        "ServerCertificateName=web-cert&NewServerCertificateName=www-cert&NewPath=%2Fwww%2F",
    ),
    // Identity providers (a SAML provider's UUID draws on the deterministic random source),
    // one of each left for GetAccountSummary.
    query(
        &iam::META,
        "CreateOpenIDConnectProvider",
        "Url=https%3A%2F%2Ftoken.actions.example.com%2Fci&ClientIDList.member.1=sts.amazonaws.com&ThumbprintList.member.1=6938fd4d98bab03faadb97b34396831e3780aea1&Tags.member.1.Key=team&Tags.member.1.Value=ci",
    ),
    query(
        &iam::META,
        "AddClientIDToOpenIDConnectProvider",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci&ClientID=my-app",
    ),
    query(
        &iam::META,
        "RemoveClientIDFromOpenIDConnectProvider",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci&ClientID=sts.amazonaws.com",
    ),
    query(
        &iam::META,
        "UpdateOpenIDConnectProviderThumbprint",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci&ThumbprintList.member.1=1c58a3a8518e8759bf075b76b750d4f2df264fcd&ThumbprintList.member.2=6938fd4d98bab03faadb97b34396831e3780aea1",
    ),
    query(
        &iam::META,
        "TagOpenIDConnectProvider",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci&Tags.member.1.Key=env&Tags.member.1.Value=prod",
    ),
    query(
        &iam::META,
        "UntagOpenIDConnectProvider",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci&TagKeys.member.1=team",
    ),
    query(
        &iam::META,
        "ListOpenIDConnectProviderTags",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci",
    ),
    query(
        &iam::META,
        "GetOpenIDConnectProvider",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci",
    ),
    query(&iam::META, "ListOpenIDConnectProviders", ""),
    query(
        &iam::META,
        "CreateSAMLProvider",
        "Name=idp&SAMLMetadataDocument={SAML_METADATA}&AssertionEncryptionMode=Required&AddPrivateKey={SAML_KEY}&Tags.member.1.Key=team&Tags.member.1.Value=sso",
    ),
    query(
        &iam::META,
        "UpdateSAMLProvider",
        "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp&SAMLMetadataDocument={SAML_METADATA}",
    ),
    query(
        &iam::META,
        "TagSAMLProvider",
        "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp&Tags.member.1.Key=env&Tags.member.1.Value=prod",
    ),
    query(
        &iam::META,
        "UntagSAMLProvider",
        "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp&TagKeys.member.1=team",
    ),
    query(
        &iam::META,
        "ListSAMLProviderTags",
        "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp",
    ),
    query(
        &iam::META,
        "GetSAMLProvider",
        "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp",
    ),
    query(&iam::META, "ListSAMLProviders", ""),
    query(&iam::META, "GetAccountSummary", ""),
    query(&iam::META, "GenerateCredentialReport", ""),
    query(&iam::META, "GetCredentialReport", ""),
    query(
        &iam::META,
        "GenerateServiceLastAccessedDetails",
        "Arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice",
    ),
    query(&iam::META, "GetServiceLastAccessedDetails", "JobId={JOB}"),
    query(
        &iam::META,
        "GetServiceLastAccessedDetailsWithEntities",
        "JobId={JOB}&ServiceNamespace=iam",
    ),
    query(&iam::META, "DeleteUser", "UserName=caroline"),
    query(
        &iam::META,
        "DeleteServerCertificate",
        "ServerCertificateName=www-cert",
    ),
    query(
        &iam::META,
        "DeleteOpenIDConnectProvider",
        "OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.example.com%2Fci",
    ),
    query(
        &iam::META,
        "DeleteSAMLProvider",
        "SAMLProviderArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Asaml-provider%2Fidp",
    ),
    query(&sts::META, "GetCallerIdentity", ""),
    query(&sts::META, "GetAccessKeyInfo", "AccessKeyId={KEY}"),
    query(&sts::META, "GetSessionToken", "DurationSeconds=900"),
    query(
        &sts::META,
        "GetFederationToken",
        "Name=Bob&DurationSeconds=900&Policy=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D&Tags.member.1.Key=team&Tags.member.1.Value=blue",
    ),
    query(
        &sts::META,
        "DecodeAuthorizationMessage",
        "EncodedMessage={AUTHZ_MESSAGE}",
    ),
    query(&iam::META, "EnableOutboundWebIdentityFederation", ""),
    query(&iam::META, "GetOutboundWebIdentityFederationInfo", ""),
    query(
        &sts::META,
        "GetWebIdentityToken",
        "Audience.member.1=sts.example.com&SigningAlgorithm=ES384&DurationSeconds=600&Tags.member.1.Key=team&Tags.member.1.Value=blue",
    ),
    query(&iam::META, "DisableOutboundWebIdentityFederation", ""),
    query(
        &sts::META,
        "AssumeRoleWithWebIdentity",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb-federated&RoleSessionName=web&WebIdentityToken={WEB_TOKEN}",
    ),
    json(
        &cloudtrail::META,
        "CreateTrail",
        r#"{"Name":"second","S3BucketName":"audit-logs"}"#,
    ),
    json(&cloudtrail::META, "DescribeTrails", "{}"),
    json(&cloudtrail::META, "GetTrail", r#"{"Name":"second"}"#),
    json(&cloudtrail::META, "StartLogging", r#"{"Name":"second"}"#),
    json(&cloudtrail::META, "GetTrailStatus", r#"{"Name":"second"}"#),
    json(&cloudtrail::META, "StopLogging", r#"{"Name":"second"}"#),
    json(
        &cloudtrail::META,
        "UpdateTrail",
        r#"{"Name":"second","S3KeyPrefix":"logs"}"#,
    ),
    json(&cloudtrail::META, "ListPublicKeys", "{}"),
    json(&cloudtrail::META, "LookupEvents", r#"{"MaxResults":1}"#),
    json(&cloudtrail::META, "DeleteTrail", r#"{"Name":"second"}"#),
    json(
        &kms::META,
        "CreateKey",
        r#"{"Description":"sample key","Tags":[{"TagKey":"team","TagValue":"crypto"}]}"#,
    ),
    json(&kms::META, "DescribeKey", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(&kms::META, "ListKeys", r#"{"Limit":2}"#),
    json(
        &kms::META,
        "UpdateKeyDescription",
        r#"{"KeyId":"{KMS_KEY}","Description":"renamed"}"#,
    ),
    json(
        &kms::META,
        "TagResource",
        r#"{"KeyId":"{KMS_KEY}","Tags":[{"TagKey":"env","TagValue":"test"}]}"#,
    ),
    json(&kms::META, "ListResourceTags", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(
        &kms::META,
        "UntagResource",
        r#"{"KeyId":"{KMS_KEY}","TagKeys":["env"]}"#,
    ),
    json(
        &kms::META,
        "CreateAlias",
        r#"{"AliasName":"alias/sample","TargetKeyId":"{KMS_KEY}"}"#,
    ),
    json(
        &kms::META,
        "UpdateAlias",
        r#"{"AliasName":"alias/harness","TargetKeyId":"{KMS_KEY}"}"#,
    ),
    json(&kms::META, "ListAliases", "{}"),
    json(
        &kms::META,
        "GetKeyPolicy",
        r#"{"KeyId":"alias/harness","PolicyName":"default"}"#,
    ),
    json(
        &kms::META,
        "PutKeyPolicy",
        r#"{"KeyId":"{KMS_KEY}","PolicyName":"default","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}"#,
    ),
    json(&kms::META, "ListKeyPolicies", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(
        &kms::META,
        "Encrypt",
        r#"{"KeyId":"alias/harness","Plaintext":"aGVsbG8=","EncryptionContext":{"purpose":"sample"}}"#,
    ),
    json(
        &kms::META,
        "Decrypt",
        r#"{"CiphertextBlob":"{KMS_BLOB}","EncryptionContext":{"purpose":"harness"}}"#,
    ),
    json(
        &kms::META,
        "ReEncrypt",
        r#"{"CiphertextBlob":"{KMS_BLOB}","SourceEncryptionContext":{"purpose":"harness"},"DestinationKeyId":"{KMS_KEY}"}"#,
    ),
    json(
        &kms::META,
        "GenerateDataKey",
        r#"{"KeyId":"{KMS_KEY}","KeySpec":"AES_256"}"#,
    ),
    json(
        &kms::META,
        "GenerateDataKeyWithoutPlaintext",
        r#"{"KeyId":"{KMS_KEY}","NumberOfBytes":16}"#,
    ),
    json(
        &kms::META,
        "GenerateDataKeyPair",
        r#"{"KeyId":"{KMS_KEY}","KeyPairSpec":"ECC_NIST_P256"}"#,
    ),
    json(
        &kms::META,
        "GenerateDataKeyPairWithoutPlaintext",
        r#"{"KeyId":"{KMS_KEY}","KeyPairSpec":"ECC_NIST_P256"}"#,
    ),
    json(&kms::META, "GenerateRandom", r#"{"NumberOfBytes":16}"#),
    json(
        &kms::META,
        "Sign",
        r#"{"KeyId":"{KMS_SIGN_KEY}","Message":"aGVsbG8=","SigningAlgorithm":"ECDSA_SHA_256"}"#,
    ),
    json(
        &kms::META,
        "Verify",
        r#"{"KeyId":"{KMS_SIGN_KEY}","Message":"aGVsbG8=","Signature":"{KMS_SIG}","SigningAlgorithm":"ECDSA_SHA_256"}"#,
    ),
    json(&kms::META, "GetPublicKey", r#"{"KeyId":"{KMS_SIGN_KEY}"}"#),
    json(
        &kms::META,
        "GenerateMac",
        r#"{"KeyId":"{KMS_MAC_KEY}","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_256"}"#,
    ),
    json(
        &kms::META,
        "VerifyMac",
        r#"{"KeyId":"{KMS_MAC_KEY}","Message":"aGVsbG8=","Mac":"{KMS_MAC}","MacAlgorithm":"HMAC_SHA_256"}"#,
    ),
    json(
        &kms::META,
        "EnableKeyRotation",
        r#"{"KeyId":"{KMS_KEY}","RotationPeriodInDays":90}"#,
    ),
    json(
        &kms::META,
        "GetKeyRotationStatus",
        r#"{"KeyId":"{KMS_KEY}"}"#,
    ),
    json(&kms::META, "RotateKeyOnDemand", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(&kms::META, "ListKeyRotations", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(&kms::META, "DisableKeyRotation", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(
        &kms::META,
        "CreateGrant",
        r#"{"KeyId":"{KMS_KEY}","GranteePrincipal":"arn:aws:iam::123456789012:user/alice","Operations":["Decrypt"],"RetiringPrincipal":"arn:aws:iam::123456789012:user/carol","Name":"sample"}"#,
    ),
    json(&kms::META, "ListGrants", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(
        &kms::META,
        "ListRetirableGrants",
        r#"{"RetiringPrincipal":"arn:aws:iam::123456789012:user/carol"}"#,
    ),
    json(
        &kms::META,
        "RetireGrant",
        r#"{"KeyId":"{KMS_KEY}","GrantId":"{KMS_GRANT1}"}"#,
    ),
    json(
        &kms::META,
        "RevokeGrant",
        r#"{"KeyId":"{KMS_KEY}","GrantId":"{KMS_GRANT2}"}"#,
    ),
    json(&kms::META, "DisableKey", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(&kms::META, "EnableKey", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(
        &kms::META,
        "ScheduleKeyDeletion",
        r#"{"KeyId":"{KMS_KEY}","PendingWindowInDays":7}"#,
    ),
    json(&kms::META, "CancelKeyDeletion", r#"{"KeyId":"{KMS_KEY}"}"#),
    json(
        &kms::META,
        "DeleteAlias",
        r#"{"AliasName":"alias/harness"}"#,
    ),
    json(
        &organizations::META,
        "CreateOrganization",
        r#"{"FeatureSet":"ALL"}"#,
    ),
    json(&organizations::META, "DescribeOrganization", "{}"),
    json(&organizations::META, "ListRoots", "{}"),
    json(
        &organizations::META,
        "EnablePolicyType",
        r#"{"RootId":"{ROOT}","PolicyType":"SERVICE_CONTROL_POLICY"}"#,
    ),
    json(
        &organizations::META,
        "CreateAccount",
        r#"{"Email":"member@example.com","AccountName":"member","Tags":[{"Key":"env","Value":"test"}]}"#,
    ),
    json(
        &organizations::META,
        "DescribeCreateAccountStatus",
        r#"{"CreateAccountRequestId":"{CAR}"}"#,
    ),
    json(&organizations::META, "ListCreateAccountStatus", "{}"),
    json(
        &organizations::META,
        "DescribeAccount",
        r#"{"AccountId":"{MEMBER}"}"#,
    ),
    json(&organizations::META, "ListAccounts", "{}"),
    json(
        &organizations::META,
        "CreateOrganizationalUnit",
        r#"{"ParentId":"{ROOT}","Name":"workloads"}"#,
    ),
    json(
        &organizations::META,
        "DescribeOrganizationalUnit",
        r#"{"OrganizationalUnitId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "UpdateOrganizationalUnit",
        r#"{"OrganizationalUnitId":"{OU}","Name":"prod"}"#,
    ),
    json(
        &organizations::META,
        "ListOrganizationalUnitsForParent",
        r#"{"ParentId":"{ROOT}"}"#,
    ),
    json(
        &organizations::META,
        "MoveAccount",
        r#"{"AccountId":"{MEMBER}","SourceParentId":"{ROOT}","DestinationParentId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "ListAccountsForParent",
        r#"{"ParentId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "ListChildren",
        r#"{"ParentId":"{ROOT}","ChildType":"ORGANIZATIONAL_UNIT"}"#,
    ),
    json(
        &organizations::META,
        "ListParents",
        r#"{"ChildId":"{MEMBER}"}"#,
    ),
    json(
        &organizations::META,
        "CreatePolicy",
        r#"{"Name":"deny-leave","Description":"","Type":"SERVICE_CONTROL_POLICY","Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"}]}"}"#,
    ),
    json(
        &organizations::META,
        "DescribePolicy",
        r#"{"PolicyId":"{POLICY}"}"#,
    ),
    json(
        &organizations::META,
        "UpdatePolicy",
        r#"{"PolicyId":"{POLICY}","Description":"members stay"}"#,
    ),
    json(
        &organizations::META,
        "ListPolicies",
        r#"{"Filter":"SERVICE_CONTROL_POLICY"}"#,
    ),
    json(
        &organizations::META,
        "AttachPolicy",
        r#"{"PolicyId":"{POLICY}","TargetId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "ListPoliciesForTarget",
        r#"{"TargetId":"{OU}","Filter":"SERVICE_CONTROL_POLICY"}"#,
    ),
    json(
        &organizations::META,
        "ListTargetsForPolicy",
        r#"{"PolicyId":"{POLICY}"}"#,
    ),
    json(
        &organizations::META,
        "TagResource",
        r#"{"ResourceId":"{OU}","Tags":[{"Key":"team","Value":"red"}]}"#,
    ),
    json(
        &organizations::META,
        "ListTagsForResource",
        r#"{"ResourceId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "UntagResource",
        r#"{"ResourceId":"{OU}","TagKeys":["team"]}"#,
    ),
    json(
        &organizations::META,
        "DetachPolicy",
        r#"{"PolicyId":"{POLICY}","TargetId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "DeletePolicy",
        r#"{"PolicyId":"{POLICY}"}"#,
    ),
    json(
        &organizations::META,
        "RemoveAccountFromOrganization",
        r#"{"AccountId":"{MEMBER}"}"#,
    ),
    json(
        &organizations::META,
        "DeleteOrganizationalUnit",
        r#"{"OrganizationalUnitId":"{OU}"}"#,
    ),
    json(
        &organizations::META,
        "DisablePolicyType",
        r#"{"RootId":"{ROOT}","PolicyType":"SERVICE_CONTROL_POLICY"}"#,
    ),
    json(&organizations::META, "DeleteOrganization", "{}"),
];

const fn query(meta: &'static ServiceMeta, operation: &'static str, input: &'static str) -> Sample {
    Sample {
        wire: Wire::Query(meta),
        operation,
        input,
        as_dave: false,
    }
}

/// An IAM sample that only an IAM user can call: run as dave.
const fn as_dave(operation: &'static str, input: &'static str) -> Sample {
    Sample {
        wire: Wire::Query(&iam::META),
        operation,
        input,
        as_dave: true,
    }
}

/// An STS sample that only an IAM user can call (AssumeRole): run as dave.
const fn as_dave_sts(operation: &'static str, input: &'static str) -> Sample {
    Sample {
        wire: Wire::Query(&sts::META),
        operation,
        input,
        as_dave: true,
    }
}

const fn json(meta: &'static ServiceMeta, operation: &'static str, input: &'static str) -> Sample {
    Sample {
        wire: Wire::Json(meta),
        operation,
        input,
        as_dave: false,
    }
}

impl Sample {
    fn meta(&self) -> &'static ServiceMeta {
        match self.wire {
            Wire::Query(meta) | Wire::Json(meta) => meta,
        }
    }

    fn info(&self) -> &'static OperationInfo {
        self.meta().operation(self.operation).unwrap()
    }
}

/// An in-process Warden with a fixed clock and deterministic ids: root, alice (with an
/// access key) and carol; nobody (with an access key and no policy).
pub(super) struct Harness {
    pub(super) app: axum::Router,
    pub(super) warden: Arc<Warden>,
    alice_key: String,
    /// dave's key pair (a user only the samples' harness has, for ChangePassword).
    dave: (String, String),
    /// The codes of the harness's MFA device at steps t-1, t, t+1 and t+2.
    mfa_codes: [String; 4],
    /// The id of dave's service-specific credential (`{SSC}`).
    dave_credential: String,
    /// The id of dave's SSH public key (`{SSH_ID}`).
    ssh_id: String,
    /// The id of dave's signing certificate (`{CERT_ID}`).
    certificate_id: String,
    /// An action-level service last accessed report on dave, generated by root (`{JOB}`).
    job_id: String,
    /// A SAML response of the test IdP (provider `TestIdP`) for role `saml-admins`, signed at
    /// the fixed clock's time (`{SAML_RESPONSE}`).
    saml_response: String,
    pub(super) nobody: (String, String),
    /// The encoded authorization message of a refusal (`{AUTHZ_MESSAGE}`).
    authorization_message: String,
    /// An ID token of the samples' loopback OpenID Connect issuer (`{WEB_TOKEN}`).
    web_token: String,
    /// That issuer's `host:port`, scrubbed from the transcript.
    issuer_authority: String,
    /// The KMS keys, ciphertext, signature, MAC and grants the harness makes for the samples.
    kms: KmsFixtures,
}

/// What the harness makes in KMS for the samples (`{KMS_KEY}`: a symmetric key, also named
/// `alias/harness`; `{KMS_BLOB}`: a ciphertext under it with the context
/// `purpose=harness`; `{KMS_SIGN_KEY}`/`{KMS_SIG}`: an ECC_NIST_P256 key and a signature of
/// `hello`; `{KMS_MAC_KEY}`/`{KMS_MAC}`: an HMAC_256 key and the MAC of `hello`;
/// `{KMS_GRANT1}`, `{KMS_GRANT2}`: grants on the symmetric key).
#[derive(Default)]
struct KmsFixtures {
    key: String,
    blob: String,
    sign_key: String,
    signature: String,
    mac_key: String,
    mac: String,
    grants: [String; 2],
}

impl Harness {
    /// The harness with the given abuse limits.
    pub(super) async fn with_limits(limits: warden_server::Limits) -> Self {
        Self::built(limits, false).await
    }

    /// The harness with the given abuse limits, encoding authorization messages when
    /// `encode` (the samples' harness does, for DecodeAuthorizationMessage's sample).
    async fn built(limits: warden_server::Limits, encode: bool) -> Self {
        let warden = Warden::new(
            Arc::new(SqliteStore::open_in_memory().unwrap()),
            Arc::new(SqliteAuditLog::open_in_memory().unwrap()),
            &RootKey::from_bytes(&[7; 32]).unwrap(),
            Arc::new(FixedClock(Timestamp::from_second(NOW).unwrap())),
            Arc::new(DeterministicRandom::new(11)),
        )
        .unwrap()
        .encoding_authorization_messages(encode);
        warden
            .bootstrap(
                Some(ACCOUNT),
                Some(RootCredentials {
                    access_key_id: ROOT_KEY.to_owned(),
                    secret_access_key: SecretString::new(ROOT_SECRET.to_owned()),
                }),
            )
            .unwrap();
        let warden = Arc::new(warden);
        let mut harness = Self {
            app: warden_server::app_with_limits(
                Arc::clone(&warden),
                "us-east-1".to_owned(),
                limits,
            ),
            warden,
            alice_key: String::new(),
            dave: (String::new(), String::new()),
            mfa_codes: Default::default(),
            dave_credential: String::new(),
            ssh_id: String::new(),
            certificate_id: String::new(),
            job_id: String::new(),
            saml_response: String::new(),
            nobody: (String::new(), String::new()),
            web_token: String::new(),
            issuer_authority: String::new(),
            authorization_message: String::new(),
            kms: KmsFixtures::default(),
        };
        for name in ["alice", "carol", "nobody"] {
            harness
                .root(
                    &iam::META,
                    &format!("Action=CreateUser&Version=2010-05-08&UserName={name}"),
                )
                .await;
        }
        harness.alice_key = key_pair(
            &harness
                .root(
                    &iam::META,
                    "Action=CreateAccessKey&Version=2010-05-08&UserName=alice",
                )
                .await,
        )
        .0;
        harness.nobody = key_pair(
            &harness
                .root(
                    &iam::META,
                    "Action=CreateAccessKey&Version=2010-05-08&UserName=nobody",
                )
                .await,
        );
        harness
    }

    /// The harness for the operation samples: dave, with a key, changes his own password
    /// (ChangePassword runs as him; the password policy sample allows it), and a virtual MFA
    /// device exists whose codes (`{MFA1}`…)
    /// the samples use. (Not in [`Harness::with_limits`]: its calls would spend a small
    /// per-key rate limit.)
    async fn for_samples() -> Self {
        let mut harness = Self::built(warden_server::Limits::default(), true).await;
        harness
            .root(
                &iam::META,
                "Action=CreateUser&Version=2010-05-08&UserName=dave",
            )
            .await;
        harness.dave = key_pair(
            &harness
                .root(
                    &iam::META,
                    "Action=CreateAccessKey&Version=2010-05-08&UserName=dave",
                )
                .await,
        );
        let device = harness
            .root(
                &iam::META,
                "Action=CreateVirtualMFADevice&Version=2010-05-08&VirtualMFADeviceName=harness-mfa",
            )
            .await;
        harness.mfa_codes = codes_of(&device);
        let credential = harness
            .root(
                &iam::META,
                "Action=CreateServiceSpecificCredential&Version=2010-05-08&UserName=dave&ServiceName=cassandra.amazonaws.com",
            )
            .await;
        harness.dave_credential = element(&credential, "ServiceSpecificCredentialId");
        let ssh = harness
            .root(
                &iam::META,
                &format!(
                    "Action=UploadSSHPublicKey&Version=2010-05-08&UserName=dave&SSHPublicKeyBody={}",
                    form_encoded(SSH_KEY_1)
                ),
            )
            .await;
        harness.ssh_id = element(&ssh, "SSHPublicKeyId");
        let certificate = harness
            .root(
                &iam::META,
                &format!(
                    "Action=UploadSigningCertificate&Version=2010-05-08&UserName=dave&CertificateBody={}",
                    form_encoded(CERT_1)
                ),
            )
            .await;
        harness.certificate_id = element(&certificate, "CertificateId");
        // dave may read his own user and who he is, and tries both.
        harness
            .root(
                &iam::META,
                &format!(
                    "Action=PutUserPolicy&Version=2010-05-08&UserName=dave&PolicyName=self&PolicyDocument={}",
                    form_encoded(
                        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","sts:GetCallerIdentity","sts:AssumeRole"],"Resource":"*"}]}"#
                    )
                ),
            )
            .await;
        let (dave_key, dave_secret) = harness.dave.clone();
        for (meta, body) in [
            (&sts::META, "Action=GetCallerIdentity&Version=2011-06-15"),
            (&iam::META, "Action=GetUser&Version=2010-05-08"),
        ] {
            let (status, answer) = harness
                .send(query_request(meta, body, &dave_key, &dave_secret))
                .await;
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
        let job = harness
            .root(
                &iam::META,
                "Action=GenerateServiceLastAccessedDetails&Version=2010-05-08&Arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Fdave&Granularity=ACTION_LEVEL",
            )
            .await;
        harness.job_id = element(&job, "JobId");
        harness.web_identity().await;
        // A refusal of nobody's, whose encoded authorization message DecodeAuthorizationMessage's
        // sample decodes.
        let (nobody_key, nobody_secret) = harness.nobody.clone();
        let (status, refused) = harness
            .send(query_request(
                &iam::META,
                "Action=ListUsers&Version=2010-05-08",
                &nobody_key,
                &nobody_secret,
            ))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        harness.authorization_message = element(&refused, "Message")
            .rsplit(' ')
            .next()
            .unwrap()
            .to_owned();
        harness.kms = harness.kms_fixtures().await;
        // The test IdP as provider TestIdP, and a role it may assume (AssumeRoleWithSAML).
        harness
            .root(
                &iam::META,
                &format!(
                    "Action=CreateSAMLProvider&Version=2010-05-08&Name=TestIdP&SAMLMetadataDocument={}",
                    form_encoded(saml_federation::METADATA)
                ),
            )
            .await;
        harness
            .root(
                &iam::META,
                &format!(
                    "Action=CreateRole&Version=2010-05-08&RoleName=saml-admins&AssumeRolePolicyDocument={}",
                    form_encoded(&saml_federation::trust_policy(""))
                ),
            )
            .await;
        harness.saml_response = saml_federation::encoded_response(
            &format!("arn:aws:iam::{ACCOUNT}:role/saml-admins"),
            NOW,
        );
        harness
    }

    /// A loopback OpenID Connect issuer registered as a provider, the role `web-federated`
    /// trusting it, and an ID token of it for AssumeRoleWithWebIdentity's sample.
    async fn web_identity(&mut self) {
        let key = super::web_identity::SigningKey::new("samples");
        let issuer = super::web_identity::Issuer::start(&[key.jwk()], None);
        let (_, provider_arn) = issuer.provider();
        self.root(
            &iam::META,
            &format!(
                "Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url={}&ClientIDList.member.1=samples-client",
                form_encoded(&issuer.url)
            ),
        )
        .await;
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider_arn}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
        );
        self.root(
            &iam::META,
            &format!(
                "Action=CreateRole&Version=2010-05-08&RoleName=web-federated&AssumeRolePolicyDocument={}",
                form_encoded(&trust)
            ),
        )
        .await;
        self.web_token = form_encoded(&key.sign(
            &serde_json::json!({
                "iss": issuer.url,
                "sub": "samples-user",
                "aud": "samples-client",
                "iat": NOW,
                "exp": NOW + 3600,
            }),
            None,
        ));
        self.issuer_authority = issuer.url.trim_start_matches("http://").to_owned();
    }

    /// A JSON call as root that must succeed; its answer.
    async fn root_json(&self, meta: &'static ServiceMeta, operation: &str, body: &str) -> Value {
        let (status, body) = self
            .send(json_request(meta, operation, body, ROOT_KEY, ROOT_SECRET))
            .await;
        assert_eq!(status, StatusCode::OK, "{operation}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    async fn kms_fixtures(&self) -> KmsFixtures {
        let text = |value: &Value, member: &str| value[member].as_str().unwrap().to_owned();
        let key_of = |value: &Value| text(&value["KeyMetadata"], "KeyId");
        let key = key_of(&self.root_json(&kms::META, "CreateKey", "{}").await);
        self.root_json(
            &kms::META,
            "CreateAlias",
            &format!(r#"{{"AliasName":"alias/harness","TargetKeyId":"{key}"}}"#),
        )
        .await;
        let blob = text(
            &self
                .root_json(
                    &kms::META,
                    "Encrypt",
                    &format!(
                        r#"{{"KeyId":"{key}","Plaintext":"aGVsbG8=","EncryptionContext":{{"purpose":"harness"}}}}"#
                    ),
                )
                .await,
            "CiphertextBlob",
        );
        let sign_key = key_of(
            &self
                .root_json(
                    &kms::META,
                    "CreateKey",
                    r#"{"KeySpec":"ECC_NIST_P256","KeyUsage":"SIGN_VERIFY"}"#,
                )
                .await,
        );
        let signature = text(
            &self
                .root_json(
                    &kms::META,
                    "Sign",
                    &format!(
                        r#"{{"KeyId":"{sign_key}","Message":"aGVsbG8=","SigningAlgorithm":"ECDSA_SHA_256"}}"#
                    ),
                )
                .await,
            "Signature",
        );
        let mac_key = key_of(
            &self
                .root_json(
                    &kms::META,
                    "CreateKey",
                    r#"{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}"#,
                )
                .await,
        );
        let mac = text(
            &self
                .root_json(
                    &kms::META,
                    "GenerateMac",
                    &format!(
                        r#"{{"KeyId":"{mac_key}","Message":"aGVsbG8=","MacAlgorithm":"HMAC_SHA_256"}}"#
                    ),
                )
                .await,
            "Mac",
        );
        let mut grants: [String; 2] = Default::default();
        for grant in &mut grants {
            *grant = text(
                &self
                    .root_json(
                        &kms::META,
                        "CreateGrant",
                        &format!(
                            r#"{{"KeyId":"{key}","GranteePrincipal":"arn:aws:iam::123456789012:user/carol","Operations":["Encrypt"]}}"#
                        ),
                    )
                    .await,
                "GrantId",
            );
        }
        KmsFixtures {
            key,
            blob,
            sign_key,
            signature,
            mac_key,
            mac,
            grants,
        }
    }

    /// A Query call as root that must succeed; its body.
    async fn root(&self, meta: &'static ServiceMeta, body: &str) -> String {
        let (status, body) = self
            .send(query_request(meta, body, ROOT_KEY, ROOT_SECRET))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub(super) async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// `sample` called by root, or by dave for the samples only an IAM user can call.
    fn by_its_caller(&self, sample: &Sample) -> Request<Body> {
        if sample.as_dave {
            self.request(sample, &self.dave.0, &self.dave.1)
        } else {
            self.request(sample, ROOT_KEY, ROOT_SECRET)
        }
    }

    /// `sample` called with this key pair.
    fn request(&self, sample: &Sample, key: &str, secret: &str) -> Request<Body> {
        let input = sample
            .input
            .replace("{KEY}", &self.alice_key)
            .replace("{DAVE_KEY}", &self.dave.0)
            .replace("{SSC}", &self.dave_credential)
            .replace("{MFA}", HARNESS_MFA)
            .replace("{MFA1}", &self.mfa_codes[0])
            .replace("{MFA2}", &self.mfa_codes[1])
            .replace("{MFA3}", &self.mfa_codes[2])
            .replace("{MFA4}", &self.mfa_codes[3])
            .replace("{SSH_ID}", &self.ssh_id)
            .replace("{SSH_KEY_2}", &form_encoded(SSH_KEY_2))
            .replace("{CERT_ID}", &self.certificate_id)
            .replace("{CERT_2}", &form_encoded(CERT_2))
            .replace("{JOB}", &self.job_id)
            .replace("{SERVER_CERT}", &form_encoded(SERVER_CERT))
            .replace("{SERVER_KEY}", &form_encoded(SERVER_KEY))
            .replace("{SERVER_CHAIN}", &form_encoded(SERVER_CHAIN))
            .replace("{SAML_METADATA}", &form_encoded(SAML_METADATA))
            .replace("{SAML_KEY}", &form_encoded(SAML_KEY))
            .replace("{WEB_TOKEN}", &self.web_token)
            .replace("{SAML_RESPONSE}", &form_encoded(&self.saml_response))
            .replace("{AUTHZ_MESSAGE}", &self.authorization_message)
            .replace("{KMS_KEY}", &self.kms.key)
            .replace("{KMS_BLOB}", &self.kms.blob)
            .replace("{KMS_SIGN_KEY}", &self.kms.sign_key)
            .replace("{KMS_SIG}", &self.kms.signature)
            .replace("{KMS_MAC_KEY}", &self.kms.mac_key)
            .replace("{KMS_MAC}", &self.kms.mac)
            .replace("{KMS_GRANT1}", &self.kms.grants[0])
            .replace("{KMS_GRANT2}", &self.kms.grants[1]);
        let input = self.with_organization_ids(&input);
        match sample.wire {
            Wire::Query(meta) => {
                let mut body = format!("Action={}&Version={}", sample.operation, meta.api_version);
                if !input.is_empty() {
                    body.push('&');
                    body.push_str(&input);
                }
                query_request(meta, &body, key, secret)
            }
            Wire::Json(meta) => json_request(meta, sample.operation, &input, key, secret),
        }
    }

    /// `input` with the ids of the root account's organization filled in: `{ROOT}`, `{OU}`
    /// (its first OU), `{MEMBER}` (its first member account), `{POLICY}` (its first
    /// customer policy) and `{CAR}` (its first CreateAccount request); well-formed ids of
    /// nothing while they do not exist.
    fn with_organization_ids(&self, input: &str) -> String {
        use warden_store::{OrgNodeKind, StoreExt as _};
        let (state, statuses) = self
            .warden
            .store()
            .read(|tx| {
                let Some(org_id) = tx.organizations().of_account(ACCOUNT)? else {
                    return Ok::<_, warden_store::StoreError>((None, Vec::new()));
                };
                Ok((
                    tx.organizations().load(&org_id)?,
                    tx.organizations().create_account_statuses(&org_id)?,
                ))
            })
            .unwrap();
        let node = |kind: OrgNodeKind| {
            state.as_ref().and_then(|state| {
                state
                    .nodes
                    .iter()
                    .find(|node| node.kind == kind && node.node_id != ACCOUNT)
                    .map(|node| node.node_id.clone())
            })
        };
        input
            .replace(
                "{ROOT}",
                &node(OrgNodeKind::Root).unwrap_or_else(|| "r-none".to_owned()),
            )
            .replace(
                "{OU}",
                &node(OrgNodeKind::OrganizationalUnit)
                    .unwrap_or_else(|| "ou-none-00000000".to_owned()),
            )
            .replace(
                "{MEMBER}",
                &node(OrgNodeKind::Account).unwrap_or_else(|| "111111111111".to_owned()),
            )
            .replace(
                "{POLICY}",
                &state
                    .as_ref()
                    .and_then(|state| state.policies.first())
                    .map_or_else(|| "p-00000000".to_owned(), |p| p.policy_id.clone()),
            )
            .replace(
                "{CAR}",
                &statuses.first().map_or_else(
                    || "car-00000000".to_owned(),
                    |status| status.request_id.clone(),
                ),
            )
    }

    /// Every recorded event, oldest first, as JSON.
    pub(super) fn events(&self) -> Vec<Value> {
        self.warden
            .audit_log()
            .records_after(0, 100_000)
            .unwrap()
            .into_iter()
            .map(|stored| serde_json::from_slice(&stored.record.body).unwrap())
            .collect()
    }
}

/// The codes at steps t-1, t, t+1 and t+2 (t: the fixed clock's step) of the virtual MFA
/// device in a CreateVirtualMFADevice response.
fn codes_of(body: &str) -> [String; 4] {
    use base64::Engine as _;
    let start = body.find("<Base32StringSeed>").unwrap() + "<Base32StringSeed>".len();
    let end = body.find("</Base32StringSeed>").unwrap();
    let base32 = base64::engine::general_purpose::STANDARD
        .decode(&body[start..end])
        .unwrap();
    let seed = totp_rs::Secret::try_from_base32(String::from_utf8(base32).unwrap()).unwrap();
    let device = warden_crypto::totp::Device::new(seed.as_bytes()).unwrap();
    let now = warden_crypto::totp::step_at(NOW as u64);
    [now - 1, now, now + 1, now + 2].map(|step| device.code(step).to_string())
}

/// The access key id and secret in a CreateAccessKey response.
fn key_pair(body: &str) -> (String, String) {
    (
        element(body, "AccessKeyId"),
        element(body, "SecretAccessKey"),
    )
}

fn signed(
    method_url: (&str, &str),
    headers: &[(&str, &str)],
    body: &str,
    service: &str,
    key: &str,
    secret: &str,
) -> Request<Body> {
    let identity = Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW.unsigned_abs()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        method_url.0,
        method_url.1,
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = Request::builder().method(method_url.0).uri("/");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(body.to_owned())).unwrap();
    instructions.apply_to_request_http1x(&mut request);
    request
}

pub(super) fn query_request(
    meta: &ServiceMeta,
    body: &str,
    key: &str,
    secret: &str,
) -> Request<Body> {
    signed(
        ("POST", "http://127.0.0.1/"),
        &[
            ("host", "127.0.0.1"),
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
        ],
        body,
        meta.signing_name,
        key,
        secret,
    )
}

pub(super) fn json_request(
    meta: &ServiceMeta,
    operation: &str,
    body: &str,
    key: &str,
    secret: &str,
) -> Request<Body> {
    let target = format!("{}.{operation}", meta.target_prefix);
    signed(
        ("POST", "http://127.0.0.1/"),
        &[
            ("host", "127.0.0.1"),
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", &target),
        ],
        body,
        meta.signing_name,
        key,
        secret,
    )
}

#[test]
fn every_served_operation_has_a_sample() {
    let served: Vec<&str> = [
        warden_core::iam::SERVED,
        warden_core::sts::SERVED,
        warden_core::cloudtrail::SERVED,
        warden_core::kms::SERVED,
        warden_core::organizations::SERVED,
    ]
    .concat();
    for operation in &served {
        assert!(
            SAMPLES.iter().any(|sample| sample.operation == *operation),
            "{operation} is served but has no sample in this table"
        );
    }
    assert_eq!(served.len(), SAMPLES.len());
}

/// Every IAM operation the "IAM in full" issue (#13) names.
const IAM_IN_FULL: &[&str] = &[
    "CreateGroup",
    "GetGroup",
    "ListGroups",
    "UpdateGroup",
    "DeleteGroup",
    "AddUserToGroup",
    "RemoveUserFromGroup",
    "ListGroupsForUser",
    "PutGroupPolicy",
    "GetGroupPolicy",
    "ListGroupPolicies",
    "DeleteGroupPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
    "ListAttachedGroupPolicies",
    "UpdateUser",
    "TagUser",
    "UntagUser",
    "ListUserTags",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "ListAttachedUserPolicies",
    "PutUserPermissionsBoundary",
    "DeleteUserPermissionsBoundary",
    "CreateRole",
    "GetRole",
    "ListRoles",
    "UpdateRole",
    "DeleteRole",
    "UpdateRoleDescription",
    "UpdateAssumeRolePolicy",
    "PutRolePolicy",
    "GetRolePolicy",
    "ListRolePolicies",
    "DeleteRolePolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "ListAttachedRolePolicies",
    "PutRolePermissionsBoundary",
    "DeleteRolePermissionsBoundary",
    "TagRole",
    "UntagRole",
    "ListRoleTags",
    "CreateServiceLinkedRole",
    "DeleteServiceLinkedRole",
    "GetServiceLinkedRoleDeletionStatus",
    "CreatePolicy",
    "GetPolicy",
    "ListPolicies",
    "DeletePolicy",
    "CreatePolicyVersion",
    "GetPolicyVersion",
    "ListPolicyVersions",
    "DeletePolicyVersion",
    "SetDefaultPolicyVersion",
    "ListEntitiesForPolicy",
    "TagPolicy",
    "UntagPolicy",
    "ListPolicyTags",
    "CreateInstanceProfile",
    "GetInstanceProfile",
    "ListInstanceProfiles",
    "DeleteInstanceProfile",
    "AddRoleToInstanceProfile",
    "RemoveRoleFromInstanceProfile",
    "ListInstanceProfilesForRole",
    "TagInstanceProfile",
    "UntagInstanceProfile",
    "ListInstanceProfileTags",
    "GetAccountAuthorizationDetails",
    "GetContextKeysForCustomPolicy",
    "GetContextKeysForPrincipalPolicy",
    "SimulatePrincipalPolicy",
    "SimulateCustomPolicy",
];

/// The operations the credentials issue (#14) names.
const CREDENTIALS_AND_REPORTS: &[&str] = &[
    "CreateLoginProfile",
    "GetLoginProfile",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "ChangePassword",
    "GetAccountPasswordPolicy",
    "UpdateAccountPasswordPolicy",
    "DeleteAccountPasswordPolicy",
    "CreateVirtualMFADevice",
    "EnableMFADevice",
    "ResyncMFADevice",
    "DeactivateMFADevice",
    "DeleteVirtualMFADevice",
    "ListMFADevices",
    "ListVirtualMFADevices",
    "GetMFADevice",
    "TagMFADevice",
    "UntagMFADevice",
    "ListMFADeviceTags",
    "GetAccessKeyLastUsed",
    "CreateAccessKey",
    "UploadSSHPublicKey",
    "GetSSHPublicKey",
    "ListSSHPublicKeys",
    "UpdateSSHPublicKey",
    "DeleteSSHPublicKey",
    "UploadSigningCertificate",
    "ListSigningCertificates",
    "UpdateSigningCertificate",
    "DeleteSigningCertificate",
    "UploadServerCertificate",
    "GetServerCertificate",
    "ListServerCertificates",
    "UpdateServerCertificate",
    "DeleteServerCertificate",
    "CreateServiceSpecificCredential",
    "ListServiceSpecificCredentials",
    "UpdateServiceSpecificCredential",
    "ResetServiceSpecificCredential",
    "DeleteServiceSpecificCredential",
    "GetAccountSummary",
    "CreateAccountAlias",
    "DeleteAccountAlias",
    "ListAccountAliases",
    "GenerateCredentialReport",
    "GetCredentialReport",
    "GenerateServiceLastAccessedDetails",
    "GetServiceLastAccessedDetails",
    "GetServiceLastAccessedDetailsWithEntities",
];

/// Every operation in `operations` is in the model, served, and has a sample — so the
/// wire-output test above runs it and shows its answer (never `InvalidAction`, never an
/// internal error: the transcript records every status).
fn assert_served_with_samples(operations: &[&str]) {
    for operation in operations {
        assert!(
            iam::META.operation(operation).is_some(),
            "{operation} is not in the model"
        );
        assert!(
            warden_core::iam::SERVED.contains(operation),
            "{operation} is not served"
        );
        assert!(
            SAMPLES.iter().any(|sample| sample.operation == *operation),
            "{operation} has no sample"
        );
    }
}

/// The KMS operations the KMS issue (#17) names that Warden serves; the rest (custom key
/// stores, imported key material, multi-Region keys, key agreement, ML-KEM, key last usage)
/// answer `UnknownOperationException` and are listed in docs/COMPATIBILITY.md.
const KMS_SERVED: &[&str] = &[
    "CreateKey",
    "DescribeKey",
    "ListKeys",
    "EnableKey",
    "DisableKey",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "UpdateKeyDescription",
    "TagResource",
    "UntagResource",
    "ListResourceTags",
    "EnableKeyRotation",
    "DisableKeyRotation",
    "GetKeyRotationStatus",
    "RotateKeyOnDemand",
    "ListKeyRotations",
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateRandom",
    "Sign",
    "Verify",
    "GetPublicKey",
    "GenerateMac",
    "VerifyMac",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "ListAliases",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "ListKeyPolicies",
    "CreateGrant",
    "ListGrants",
    "ListRetirableGrants",
    "RetireGrant",
    "RevokeGrant",
];

/// Coverage of the KMS issue (#17): what is served has a sample.
#[test]
fn every_kms_operation_built_is_served_with_a_sample() {
    for operation in KMS_SERVED {
        assert!(kms::META.operation(operation).is_some(), "{operation}");
        assert!(warden_core::kms::SERVED.contains(operation), "{operation}");
        assert!(
            SAMPLES.iter().any(|sample| sample.operation == *operation),
            "{operation} has no sample"
        );
    }
    assert_eq!(KMS_SERVED.len(), warden_core::kms::SERVED.len());
}

/// Coverage of the IAM issue (#13).
#[test]
fn every_operation_the_iam_issue_names_is_served() {
    assert_served_with_samples(IAM_IN_FULL);
}

/// Coverage of the web identity part of the STS issue (#15): every operation is in its
/// service's model, served, and has a sample.
#[test]
fn every_web_identity_operation_of_the_sts_issue_is_served() {
    let operations: [(&ServiceMeta, &[&str], &str); 5] = [
        (
            &sts::META,
            warden_core::sts::SERVED,
            "AssumeRoleWithWebIdentity",
        ),
        (&sts::META, warden_core::sts::SERVED, "GetWebIdentityToken"),
        (
            &iam::META,
            warden_core::iam::SERVED,
            "EnableOutboundWebIdentityFederation",
        ),
        (
            &iam::META,
            warden_core::iam::SERVED,
            "DisableOutboundWebIdentityFederation",
        ),
        (
            &iam::META,
            warden_core::iam::SERVED,
            "GetOutboundWebIdentityFederationInfo",
        ),
    ];
    for (meta, served, operation) in operations {
        assert!(meta.operation(operation).is_some(), "{operation}");
        assert!(served.contains(&operation), "{operation} is not served");
        assert!(
            SAMPLES.iter().any(|sample| sample.operation == operation),
            "{operation} has no sample"
        );
    }
}

/// Coverage of the credentials issue (#14).
#[test]
fn every_operation_the_credentials_issue_names_is_served() {
    assert_served_with_samples(CREDENTIALS_AND_REPORTS);
}

#[tokio::test]
async fn every_sample_succeeds_for_the_root_user() {
    let harness = Harness::for_samples().await;
    for sample in SAMPLES {
        let (status, body) = harness.send(harness.by_its_caller(sample)).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", sample.operation);
    }
}

#[tokio::test]
async fn a_caller_without_policies_is_denied_every_served_operation_and_the_denial_recorded() {
    let harness = Harness::for_samples().await;
    let (key, secret) = harness.nobody.clone();
    for sample in SAMPLES {
        let (status, body) = harness.send(harness.request(sample, &key, &secret)).await;
        if matches!(
            sample.operation,
            "GetCallerIdentity"
                | "GetSessionToken"
                | "AssumeRoleWithWebIdentity"
                | "AssumeRoleWithSAML"
        ) {
            // Documented: need no permission and cannot be denied (the federation call is
            // decided by its token and the role's trust policy, whoever signs it).
            assert_eq!(status, StatusCode::OK, "{body}");
            continue;
        }
        let action = sample.info().actions[0];
        match sample.wire {
            Wire::Query(_) => {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{}: {body}",
                    sample.operation
                );
                assert!(
                    body.contains("<Code>AccessDenied</Code>"),
                    "{}: {body}",
                    sample.operation
                );
            }
            Wire::Json(_) => {
                assert_eq!(
                    status,
                    StatusCode::BAD_REQUEST,
                    "{}: {body}",
                    sample.operation
                );
                assert!(
                    body.contains("AccessDeniedException"),
                    "{}: {body}",
                    sample.operation
                );
            }
        }
        let expected = format!(
            "User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: {action} on resource: "
        );
        assert!(body.contains(&expected), "{}: {body}", sample.operation);
    }
    let events = harness.events();
    for sample in SAMPLES.iter().filter(|s| {
        !matches!(
            s.operation,
            "GetCallerIdentity"
                | "GetSessionToken"
                | "AssumeRoleWithWebIdentity"
                | "AssumeRoleWithSAML"
        )
    }) {
        let denied = events.iter().any(|event| {
            event["eventName"] == sample.operation
                && event["userIdentity"]["userName"] == "nobody"
                && event["errorCode"]
                    .as_str()
                    .is_some_and(|code| code.starts_with("AccessDenied"))
        });
        assert!(denied, "no AccessDenied record for {}", sample.operation);
    }
}

#[tokio::test]
async fn no_member_the_model_marks_sensitive_is_ever_recorded() {
    let harness = Harness::for_samples().await;
    let mut secrets = vec![harness.nobody.1.clone(), ROOT_SECRET.to_owned()];
    // Every line of the server certificate's and the SAML provider's private keys (between
    // their PEM armour).
    secrets.extend(
        SERVER_KEY
            .lines()
            .chain(SAML_KEY.lines())
            .filter(|line| !line.starts_with("-----"))
            .map(str::to_owned),
    );
    // The SAML response is a credential (the model marks it sensitive).
    secrets.push(harness.saml_response.clone());
    // The SAML response is a credential (the model marks it sensitive).
    secrets.push(harness.saml_response.clone());
    for sample in SAMPLES {
        let (status, body) = harness.send(harness.by_its_caller(sample)).await;
        assert_eq!(status, StatusCode::OK, "{}: {body}", sample.operation);
        if matches!(
            sample.operation,
            "CreateAccessKey"
                | "AssumeRole"
                | "GetSessionToken"
                | "GetFederationToken"
                | "AssumeRoleWithWebIdentity"
                | "AssumeRoleWithSAML"
        ) {
            secrets.push(key_pair(&body).1);
        }
        if matches!(
            sample.operation,
            "AssumeRole"
                | "GetSessionToken"
                | "GetFederationToken"
                | "AssumeRoleWithWebIdentity"
                | "AssumeRoleWithSAML"
        ) {
            secrets.push(element(&body, "SessionToken"));
        }
        if sample.operation == "GetWebIdentityToken" {
            secrets.push(element(&body, "WebIdentityToken"));
        }
        if sample.operation == "AssumeRoleWithWebIdentity" {
            secrets.push(harness.web_token.clone());
        }
    }
    let events = harness.events();
    assert!(events.len() > SAMPLES.len());
    for event in &events {
        let text = event.to_string();
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret was recorded: {text}"
            );
        }
        let name = event["eventName"].as_str().unwrap();
        let Some(info) = [
            &iam::META,
            &sts::META,
            &cloudtrail::META,
            &kms::META,
            &organizations::META,
        ]
        .iter()
        .find_map(|meta| {
            meta.operation(name).filter(|_| {
                event["eventSource"]
                    .as_str()
                    .unwrap()
                    .starts_with(meta.signing_name)
            })
        }) else {
            continue;
        };
        for (part, sensitive) in [
            ("requestParameters", info.sensitive_input),
            ("responseElements", info.sensitive_output),
        ] {
            for member in sensitive {
                assert!(
                    !has_key(&event[part], member),
                    "{name}: {part} holds sensitive {member}: {text}"
                );
            }
        }
    }
}

/// Whether `value` has an object key spelling `member` (any case) at any depth.
fn has_key(value: &Value, member: &str) -> bool {
    match value {
        Value::Object(map) => map
            .iter()
            .any(|(key, value)| key.eq_ignore_ascii_case(member) || has_key(value, member)),
        Value::Array(items) => items.iter().any(|item| has_key(item, member)),
        _ => false,
    }
}

#[tokio::test]
async fn wire_output_of_every_served_operation() {
    let harness = Harness::for_samples().await;
    let mut transcript = String::new();
    for sample in SAMPLES {
        let (status, body) = harness.send(harness.by_its_caller(sample)).await;
        transcript.push_str(&format!(
            "== {} {}\n{}\n\n",
            sample.operation,
            status.as_u16(),
            scrub(&body)
                .replace(&harness.issuer_authority, "127.0.0.1:<port>")
                .replace(
                    &form_encoded(&harness.issuer_authority),
                    "127.0.0.1%3A<port>"
                )
        ));
    }
    insta::assert_snapshot!(transcript);
}

/// The body without its request id (random per call) and, in JSON, without LookupEvents'
/// event ids and records.
fn scrub(body: &str) -> String {
    let mut out = body.to_owned();
    for (element, stand_in) in [
        ("RequestId", "<request-id>"),
        ("QRCodePNG", "<png>"),
        ("Base32StringSeed", "<seed>"),
        ("Content", "<csv>"),
        ("ServicePassword", "<password>"),
        ("SessionToken", "<session-token>"),
        ("WebIdentityToken", "<jwt>"),
    ] {
        let (open, close) = (format!("<{element}>"), format!("</{element}>"));
        if let (Some(start), Some(end)) = (out.find(&open), out.find(&close))
            && start < end
        {
            out.replace_range(start + open.len()..end, stand_in);
        }
    }
    match serde_json::from_str::<Value>(&out) {
        Ok(mut value) => {
            scrub_json(&mut value);
            // Key order must not depend on whether some crate in the build turned on
            // serde_json's `preserve_order` (the workspace-wide test run does).
            value.sort_all_objects();
            serde_json::to_string_pretty(&value).unwrap()
        }
        Err(_) => out,
    }
}

/// LookupEvents' records carry random event and request ids; the digest key is generated
/// from the system's randomness.
fn scrub_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if matches!(
                    key.as_str(),
                    "EventId"
                        | "CloudTrailEvent"
                        | "Value"
                        | "Fingerprint"
                        // Asymmetric keys come from aws-lc-rs's own generator.
                        | "Signature"
                        | "PublicKey"
                        | "PrivateKeyPlaintext"
                        | "PrivateKeyCiphertextBlob"
                ) {
                    *value = Value::String("<scrubbed>".to_owned());
                } else {
                    scrub_json(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub_json),
        _ => {}
    }
}
