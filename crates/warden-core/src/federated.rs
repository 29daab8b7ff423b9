//! The identity a federation call authenticated — not a caller of Warden's (it signed
//! nothing), but the identity provider's user AssumeRoleWithWebIdentity (or
//! AssumeRoleWithSAML) starts a role session for — as its CloudTrail record names it.

/// How a federated identity was vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FederationKind {
    /// An OpenID Connect ID token (`WebIdentityUser`).
    WebIdentity,
    /// A SAML assertion (`SAMLUser`).
    Saml,
}

/// A federated identity, for the call's audit record (`userIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedIdentity {
    /// How it was vouched for.
    pub kind: FederationKind,
    /// `principalId`: `<identityProvider>:<audience>:<subject>`.
    pub principal_id: String,
    /// `userName`: the subject.
    pub user_name: String,
    /// `identityProvider`: the IAM identity provider's ARN.
    pub identity_provider: String,
    /// The account of the role assumed, which receives the record.
    pub account_id: String,
}
