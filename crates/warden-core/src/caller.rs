//! The authenticated caller of a request: who signed it, in which account, and — for
//! temporary credentials — the facts of the session the credentials belong to.

use std::sync::Arc;

use warden_policy::{Principal, PrincipalKind};

/// What kind of identity signed the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerKind {
    /// The account's root user.
    Root,
    /// An IAM user.
    User {
        /// The user's name.
        user_name: String,
        /// The user's unique id (`AIDA…`).
        user_id: String,
    },
    /// A session of an IAM role (`AssumeRole`).
    AssumedRole {
        /// The role's name.
        role_name: String,
        /// The role's unique id (`AROA…`).
        role_id: String,
        /// The role's ARN (with its path).
        role_arn: String,
        /// The session's name (`RoleSessionName`).
        session_name: String,
        /// `AROA…:session`, the session's `aws:userid`.
        principal_id: String,
    },
    /// A federated user (`GetFederationToken`), on behalf of an IAM user or the root user.
    FederatedUser {
        /// The federated user's name (`Name`).
        name: String,
        /// `ACCOUNT:name`, the session's `aws:userid`.
        principal_id: String,
        /// The IAM user that federated it; `None` for the account's root user.
        federating_user: Option<FederatingUser>,
    },
}

/// The IAM user behind a federated user's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatingUser {
    /// The user's name.
    pub user_name: String,
    /// The user's unique id (`AIDA…`).
    pub user_id: String,
    /// The user's ARN.
    pub arn: String,
}

/// The facts of the session behind temporary credentials, as its token carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// When the session was issued (`aws:TokenIssueTime`).
    pub issued_at: jiff::Timestamp,
    /// When its credentials expire.
    pub expires_at: jiff::Timestamp,
    /// When the session's principal authenticated with MFA; `None` without MFA.
    pub mfa_authenticated_at: Option<jiff::Timestamp>,
    /// The source identity set when the session was created.
    pub source_identity: Option<String>,
    /// The session policies passed when the session was created.
    pub policies: Arc<SessionPolicies>,
    /// How the session was created.
    pub origin: SessionOrigin,
    /// The session tags (passed or inherited), keys as given: they override the principal's
    /// own tags with the same key, ignoring case (`aws:PrincipalTag/…`).
    pub tags: Vec<(String, String)>,
    /// The keys of the session tags that pass on to sessions it chains to.
    pub transitive_tag_keys: Vec<String>,
}

impl Session {
    /// The session's tags that a session it chains to inherits.
    pub fn transitive_tags(&self) -> impl Iterator<Item = &(String, String)> {
        self.tags.iter().filter(|(key, _)| {
            self.transitive_tag_keys
                .iter()
                .any(|transitive| transitive.eq_ignore_ascii_case(key))
        })
    }
}

/// How a session was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOrigin {
    /// `sts:AssumeRole` (its sessions may chain: assume another role).
    AssumeRole,
    /// `sts:GetSessionToken`.
    GetSessionToken,
    /// `sts:GetFederationToken`.
    GetFederationToken,
}

/// The session policies of a session: an inline document and managed policy ARNs.
#[derive(Debug, Default)]
pub struct SessionPolicies {
    /// The inline session policy (`Policy`), compiled.
    pub inline: Option<warden_policy::Policy>,
    /// The inline session policy's text, as passed.
    pub inline_text: Option<String>,
    /// The managed session policies (`PolicyArns`).
    pub arns: Vec<String>,
}

impl SessionPolicies {
    /// Whether any session policy was passed.
    pub fn is_empty(&self) -> bool {
        self.inline.is_none() && self.arns.is_empty()
    }
}

impl PartialEq for SessionPolicies {
    fn eq(&self, other: &Self) -> bool {
        self.inline_text == other.inline_text && self.arns == other.arns
    }
}

impl Eq for SessionPolicies {}

/// The authenticated principal behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The 12-digit account the principal belongs to.
    pub account_id: String,
    /// The principal's ARN (`arn:aws:iam::ACCT:root`, `arn:aws:iam::ACCT:user/path/name`,
    /// `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`).
    pub arn: String,
    /// Root, user or role session.
    pub kind: CallerKind,
    /// The access key that signed the request.
    pub access_key_id: String,
    /// The session, for temporary credentials; `None` for long-term access keys.
    pub session: Option<Session>,
}

impl Caller {
    /// `aws:userid` / GetCallerIdentity's `UserId`: the account id for root, `AIDA…` for
    /// users, `AROA…:session` for role sessions.
    pub fn user_id(&self) -> &str {
        match &self.kind {
            CallerKind::Root => &self.account_id,
            CallerKind::User { user_id, .. } => user_id,
            CallerKind::AssumedRole { principal_id, .. }
            | CallerKind::FederatedUser { principal_id, .. } => principal_id,
        }
    }

    /// The unique id of the IAM entity behind the call, whose attempts IAM's service last
    /// accessed reports count: the user's (`AIDA…`) or the role's (`AROA…`); none for the
    /// root user, which is not an IAM entity.
    pub fn iam_entity_id(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::Root => None,
            CallerKind::User { user_id, .. } => Some(user_id),
            CallerKind::AssumedRole { role_id, .. } => Some(role_id),
            // A federated user's activity is its federating IAM user's.
            CallerKind::FederatedUser {
                federating_user, ..
            } => federating_user.as_ref().map(|user| user.user_id.as_str()),
        }
    }

    /// The user name, for IAM users only (`aws:username`).
    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::User { user_name, .. } => Some(user_name),
            CallerKind::Root
            | CallerKind::AssumedRole { .. }
            | CallerKind::FederatedUser { .. } => None,
        }
    }

    /// Whether the account's root user signed the request (with its keys or a session).
    pub fn is_root(&self) -> bool {
        matches!(self.kind, CallerKind::Root)
    }

    /// Whether the caller is a session of a service-linked role (exempt from SCPs).
    pub fn is_service_linked_role(&self) -> bool {
        matches!(&self.kind, CallerKind::AssumedRole { role_arn, .. } if role_arn.contains(":role/aws-service-role/"))
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self.kind {
            CallerKind::Root => "Account",
            CallerKind::User { .. } => "User",
            CallerKind::AssumedRole { .. } => "AssumedRole",
            CallerKind::FederatedUser { .. } => "FederatedUser",
        }
    }

    /// `aws:PrincipalArn`: the role's ARN for a role session, else the caller's ARN.
    pub fn principal_arn(&self) -> &str {
        match &self.kind {
            CallerKind::AssumedRole { role_arn, .. } => role_arn,
            CallerKind::Root | CallerKind::User { .. } | CallerKind::FederatedUser { .. } => {
                &self.arn
            }
        }
    }

    /// The principal as the policy engine sees it.
    pub fn to_policy_principal(&self) -> Principal {
        let mut federating_user_arn = None;
        let (kind, role_arn, unique_id) = match &self.kind {
            CallerKind::Root => (PrincipalKind::Root, None, None),
            CallerKind::User { user_id, .. } => (PrincipalKind::User, None, Some(user_id.clone())),
            CallerKind::AssumedRole {
                role_arn, role_id, ..
            } => (
                PrincipalKind::AssumedRole,
                Some(role_arn.clone()),
                Some(role_id.clone()),
            ),
            CallerKind::FederatedUser {
                federating_user, ..
            } => {
                federating_user_arn = Some(federating_user.as_ref().map_or_else(
                    || {
                        let partition = self.arn.split(':').nth(1).unwrap_or("aws");
                        format!("arn:{partition}:iam::{}:root", self.account_id)
                    },
                    |user| user.arn.clone(),
                ));
                (PrincipalKind::FederatedUser, None, None)
            }
        };
        Principal {
            arn: self.arn.clone(),
            account: self.account_id.clone(),
            kind,
            role_arn,
            federating_user_arn,
            unique_id,
        }
    }
}
