//! The last attempts of IAM users and roles to use each action of each service: what
//! IAM's service and action last accessed reports (GetServiceLastAccessedDetails) are
//! computed from. Plain data: no secret.

/// The last authenticated attempt of one principal to call one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccess {
    /// The principal's account.
    pub account_id: String,
    /// The principal's unique id (`AIDA…` for a user, `AROA…` for a role): ids are never
    /// reused, so a re-created user of the same name does not inherit the record.
    pub principal_id: String,
    /// The service prefix (`iam`, `kms`, …).
    pub service: String,
    /// The action's name without the prefix (`CreateUser`).
    pub action: String,
    /// When (epoch milliseconds).
    pub when: i64,
    /// The Region of the request.
    pub region: String,
}
