//! GetAccountSummary: the account's entity counts and AWS's default quotas, every key AWS
//! returns, counted from the snapshot and the store at the time of the call.

use std::collections::BTreeMap;

use warden_protocol::iam::{GetAccountSummaryResponse, operations};
use warden_store::{MfaAssignment, PageRequest};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

crate::operation::no_input!(
    /// GetAccountSummary's (absent) input.
    GetAccountSummary,
    operations::GET_ACCOUNT_SUMMARY,
    GetAccountSummaryResponse
);

/// AWS's default quotas, as GetAccountSummary reports them.
const QUOTAS: [(&str, i32); 17] = [
    ("UsersQuota", 5000),
    ("GroupsQuota", 300),
    ("RolesQuota", 1000),
    ("PoliciesQuota", 1500),
    ("InstanceProfilesQuota", 1000),
    ("ServerCertificatesQuota", 20),
    ("PolicyVersionsInUseQuota", 10000),
    ("VersionsPerPolicyQuota", 5),
    ("GroupsPerUserQuota", 10),
    ("AccessKeysPerUserQuota", 2),
    ("SigningCertificatesPerUserQuota", 2),
    ("AttachedPoliciesPerUserQuota", 10),
    ("AttachedPoliciesPerGroupQuota", 10),
    ("AttachedPoliciesPerRoleQuota", 10),
    ("UserPolicySizeQuota", 2048),
    ("GroupPolicySizeQuota", 5120),
    ("RolePolicySizeQuota", 10240),
];

impl Handle for GetAccountSummary {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetAccountSummaryResponse, ServiceError> {
        let ctx = call.ctx;
        let account = ctx.account();
        let counts = ctx.warden.snapshot().account_counts(account);
        let mut profiles = 0;
        let mut page = PageRequest::first(1000);
        loop {
            let found = call.read(|tx| tx.instance_profiles().list(account, None, &page))?;
            profiles += found.items.len();
            match found.next_marker {
                Some(marker) => page.marker = Some(marker),
                None => break,
            }
        }
        let devices = call.read(|tx| tx.mfa_devices().list(account))?;
        let in_use = devices.iter().filter(|d| d.assignment.is_some()).count();
        let root_mfa = devices
            .iter()
            .any(|d| d.assignment == Some(MfaAssignment::Root));
        let root_certificates = call.read(|tx| tx.signing_certificates().list(account, None))?;
        let server_certificates = call.read(|tx| tx.server_certificates().count(account))?;
        let providers = call.read(|tx| crate::iam::identity_provider::count(tx, account))?;
        let number = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let mut summary: BTreeMap<String, i32> = QUOTAS
            .iter()
            .map(|(key, value)| ((*key).to_owned(), *value))
            .collect();
        for (key, value) in [
            ("Users", number(counts.users)),
            ("Groups", number(counts.groups)),
            ("Roles", number(counts.roles)),
            ("Policies", number(counts.policies)),
            ("PolicyVersionsInUse", number(counts.attachments)),
            ("InstanceProfiles", number(profiles)),
            ("ServerCertificates", number(server_certificates)),
            ("Providers", number(providers)),
            ("MFADevices", number(devices.len())),
            ("MFADevicesInUse", number(in_use)),
            ("AccountMFAEnabled", i32::from(root_mfa)),
            ("AccountAccessKeysPresent", i32::from(counts.root_keys > 0)),
            ("AccountPasswordPresent", 0),
            (
                "AccountSigningCertificatesPresent",
                i32::from(!root_certificates.is_empty()),
            ),
            ("AssumeRolePolicySizeQuota", 2048),
            ("PolicySizeQuota", 6144),
            ("GlobalEndpointTokenVersion", 1),
        ] {
            summary.insert(key.to_owned(), value);
        }
        Ok(GetAccountSummaryResponse {
            summary_map: Some(summary),
        })
    }
}
