//! Service-specific credentials: a user name and password (CodeCommit, Keyspaces) or an API
//! key (Bedrock, CloudWatch Logs) that work for one service only. Plain data; the secret
//! only ever sealed.

use std::fmt;

use crate::AccessKeyStatus;

/// AWS's quota of service-specific credentials per user and service.
pub const SERVICE_CREDENTIALS_PER_SERVICE: usize = 2;

/// One service-specific credential of a user.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceCredentialRecord {
    /// The owning account.
    pub account_id: String,
    /// The user, as stored (case-insensitive lookups).
    pub user_name: String,
    /// The id (`ACCA…`), unique across all accounts.
    pub credential_id: String,
    /// The service it works for (`codecommit.amazonaws.com`, …).
    pub service_name: String,
    /// The user name it signs in with (`jane-at-123456789012`), or for an API key its public
    /// part (AWS's `ServiceCredentialAlias`).
    pub service_user_name: String,
    /// The sealed password or API-key secret.
    pub secret_sealed: Vec<u8>,
    /// Whether it may be used.
    pub status: AccessKeyStatus,
    /// When it was created (epoch milliseconds).
    pub create_date: i64,
    /// When it stops working (epoch milliseconds), for API keys created with an age.
    pub expiration_date: Option<i64>,
}

impl fmt::Debug for ServiceCredentialRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceCredentialRecord")
            .field("account_id", &self.account_id)
            .field("user_name", &self.user_name)
            .field("credential_id", &self.credential_id)
            .field("service_name", &self.service_name)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
