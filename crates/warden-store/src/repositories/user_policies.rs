//! [`UserPolicies`].

use crate::{StoreError, UserPolicyRecord};

/// Inline policies embedded in users.
pub trait UserPolicies {
    /// Creates or replaces the user's inline policy of this name (matched
    /// case-insensitively; the stored name takes the new spelling).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn put(&self, policy: &UserPolicyRecord) -> Result<(), StoreError>;

    /// The user's inline policy of this name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (a missing user has no policies).
    fn get(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<Option<UserPolicyRecord>, StoreError>;

    /// All of the user's inline policies, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user).
    fn list(&self, account_id: &str, user_name: &str) -> Result<Vec<UserPolicyRecord>, StoreError>;

    /// Deletes the user's inline policy of this name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, or user policy).
    fn delete(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError>;
}
