//! [`PasswordPolicies`].

use crate::{PasswordPolicyRecord, StoreError};

/// Each account's password policy (at most one).
pub trait PasswordPolicies {
    /// The account's password policy, if it has one.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str) -> Result<Option<PasswordPolicyRecord>, StoreError>;

    /// Creates or replaces the account's password policy.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account).
    fn put(&self, policy: &PasswordPolicyRecord) -> Result<(), StoreError>;

    /// Deletes the account's password policy.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`]
    /// ([`EntityKind::PasswordPolicy`](crate::EntityKind::PasswordPolicy)) if it has none.
    fn delete(&self, account_id: &str) -> Result<(), StoreError>;
}
