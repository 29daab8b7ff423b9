//! The authenticated caller of a request: who signed it, in which account.

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
}

/// The authenticated principal behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The 12-digit account the principal belongs to.
    pub account_id: String,
    /// The principal's ARN (`arn:aws:iam::ACCT:root`, `arn:aws:iam::ACCT:user/path/name`).
    pub arn: String,
    /// Root or user.
    pub kind: CallerKind,
    /// The access key that signed the request.
    pub access_key_id: String,
}

impl Caller {
    /// `aws:userid` / GetCallerIdentity's `UserId`: the account id for root, `AIDA…` for users.
    pub fn user_id(&self) -> &str {
        match &self.kind {
            CallerKind::Root => &self.account_id,
            CallerKind::User { user_id, .. } => user_id,
        }
    }

    /// The unique id of the IAM entity behind the call, whose attempts IAM's service last
    /// accessed reports count: the user's (`AIDA…`); none for the root user, which is not
    /// an IAM entity.
    pub fn iam_entity_id(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::Root => None,
            CallerKind::User { user_id, .. } => Some(user_id),
        }
    }

    /// The user name, for IAM users only (`aws:username`).
    pub fn user_name(&self) -> Option<&str> {
        match &self.kind {
            CallerKind::Root => None,
            CallerKind::User { user_name, .. } => Some(user_name),
        }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self.kind {
            CallerKind::Root => "Account",
            CallerKind::User { .. } => "User",
        }
    }

    /// The principal as the policy engine sees it.
    pub fn to_policy_principal(&self) -> Principal {
        Principal {
            arn: self.arn.clone(),
            account: self.account_id.clone(),
            kind: match self.kind {
                CallerKind::Root => PrincipalKind::Root,
                CallerKind::User { .. } => PrincipalKind::User,
            },
            role_arn: None,
            federating_user_arn: None,
            unique_id: match &self.kind {
                CallerKind::Root => None,
                CallerKind::User { user_id, .. } => Some(user_id.clone()),
            },
        }
    }
}
