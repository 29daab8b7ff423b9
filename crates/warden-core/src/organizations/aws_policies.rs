//! The Organizations policies AWS manages: `FullAWSAccess` (SCP) and `RCPFullAWSAccess`
//! (RCP), attached to every root, OU and account while their type is enabled.

/// `SERVICE_CONTROL_POLICY`.
pub(crate) const SCP: &str = "SERVICE_CONTROL_POLICY";
/// `RESOURCE_CONTROL_POLICY`.
pub(crate) const RCP: &str = "RESOURCE_CONTROL_POLICY";

/// One AWS managed Organizations policy.
#[derive(Debug)]
pub(crate) struct AwsOrgPolicy {
    /// `p-FullAWSAccess`.
    pub(crate) id: &'static str,
    /// Its name.
    pub(crate) name: &'static str,
    /// Its description.
    pub(crate) description: &'static str,
    /// Its type.
    pub(crate) policy_type: &'static str,
    /// Its document.
    pub(crate) content: &'static str,
}

/// The AWS managed SCP that allows everything.
pub(crate) const FULL_AWS_ACCESS: AwsOrgPolicy = AwsOrgPolicy {
    id: "p-FullAWSAccess",
    name: "FullAWSAccess",
    description: "Allows access to every operation",
    policy_type: SCP,
    content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
};

/// The AWS managed RCP that allows everything.
pub(crate) const RCP_FULL_AWS_ACCESS: AwsOrgPolicy = AwsOrgPolicy {
    id: "p-RCPFullAWSAccess",
    name: "RCPFullAWSAccess",
    description: "Allows access to every operation",
    policy_type: RCP,
    content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
};

/// Every AWS managed Organizations policy.
pub(crate) const ALL: [&AwsOrgPolicy; 2] = [&FULL_AWS_ACCESS, &RCP_FULL_AWS_ACCESS];

/// The AWS managed policy with this id.
pub(crate) fn by_id(policy_id: &str) -> Option<&'static AwsOrgPolicy> {
    ALL.into_iter().find(|policy| policy.id == policy_id)
}

/// The AWS managed policy of this type, attached by default when the type is enabled.
pub(crate) fn default_for(policy_type: &str) -> Option<&'static AwsOrgPolicy> {
    ALL.into_iter()
        .find(|policy| policy.policy_type == policy_type)
}

/// The policy kind the engine compiles a policy of this type as (`None` for the types
/// that are not authorization policies).
pub(crate) fn engine_kind(policy_type: &str) -> Option<warden_policy::PolicyKind> {
    match policy_type {
        SCP => Some(warden_policy::PolicyKind::Scp),
        RCP => Some(warden_policy::PolicyKind::Rcp),
        _ => None,
    }
}
