//! AWS Organizations records: an organization, its nodes (the root, OUs and member
//! accounts, one tree), its policies and their attachments, the policy types enabled on its
//! root, tags, and CreateAccount requests.

/// An organization: its management account and feature set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRecord {
    /// `o-…`.
    pub org_id: String,
    /// The account that created it.
    pub management_account_id: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// Milliseconds since the epoch.
    pub create_date: i64,
}

/// What a node of an organization's tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgNodeKind {
    /// The root (`r-…`), the only node without a parent.
    Root,
    /// An organizational unit (`ou-…`).
    OrganizationalUnit,
    /// A member account (its 12-digit id).
    Account,
}

impl OrgNodeKind {
    /// The stored spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Root => "ROOT",
            Self::OrganizationalUnit => "ORGANIZATIONAL_UNIT",
            Self::Account => "ACCOUNT",
        }
    }

    /// The kind of a stored spelling.
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Root, Self::OrganizationalUnit, Self::Account]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// One node of an organization's tree: the root, an OU or a member account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNodeRecord {
    /// The organization.
    pub org_id: String,
    /// `r-…`, `ou-…` or the account id; unique across organizations.
    pub node_id: String,
    /// What it is.
    pub kind: OrgNodeKind,
    /// Its parent (`None` for the root).
    pub parent_id: Option<String>,
    /// The root's, OU's or account's name.
    pub name: String,
    /// An account's email address, unique across organizations.
    pub email: Option<String>,
    /// An account's state (`ACTIVE`, `SUSPENDED`, …).
    pub status: Option<String>,
    /// How an account joined (`CREATED`, `INVITED`).
    pub joined_method: Option<String>,
    /// When it was created or joined, in milliseconds since the epoch.
    pub create_date: i64,
}

/// A customer managed Organizations policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPolicyRecord {
    /// The organization.
    pub org_id: String,
    /// `p-…`.
    pub policy_id: String,
    /// `SERVICE_CONTROL_POLICY`, `RESOURCE_CONTROL_POLICY`, …
    pub policy_type: String,
    /// Unique per organization and type.
    pub name: String,
    /// Its description (may be empty).
    pub description: String,
    /// The policy document, as given.
    pub content: String,
}

/// A CreateAccount request and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAccountStatusRecord {
    /// The organization.
    pub org_id: String,
    /// `car-…`.
    pub request_id: String,
    /// The account name requested.
    pub account_name: String,
    /// `IN_PROGRESS`, `SUCCEEDED` or `FAILED`.
    pub state: String,
    /// When it was requested.
    pub requested: i64,
    /// When it completed.
    pub completed: Option<i64>,
    /// The new account, once created.
    pub account_id: Option<String>,
    /// Why it failed.
    pub failure_reason: Option<String>,
}

/// Everything of one organization but its CreateAccount requests, as one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationState {
    /// The organization.
    pub organization: OrganizationRecord,
    /// Its nodes, ordered by id.
    pub nodes: Vec<OrgNodeRecord>,
    /// Its customer managed policies, ordered by id.
    pub policies: Vec<OrgPolicyRecord>,
    /// (policy id, target id), ordered.
    pub attachments: Vec<(String, String)>,
    /// The policy types enabled on its root, ordered.
    pub policy_types: Vec<String>,
    /// (resource id, key, value), ordered by resource and key.
    pub tags: Vec<(String, String, String)>,
}
