//! [`LoginProfiles`].

use crate::{LoginProfileRecord, StoreError};

/// Users' console passwords (at most one login profile per user). A user that has one
/// cannot be deleted ([`StoreError::login_profile_conflict`]).
pub trait LoginProfiles {
    /// Creates the user's login profile.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::LoginProfile`](crate::EntityKind::LoginProfile), named by the user) if
    /// the user already has one.
    fn create(&self, profile: &LoginProfileRecord) -> Result<(), StoreError>;

    /// The login profile of this user (name in any case), if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Option<LoginProfileRecord>, StoreError>;

    /// Every login profile of the account, by case-folded user name (for the credential
    /// report and the account summary).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self, account_id: &str) -> Result<Vec<LoginProfileRecord>, StoreError>;

    /// Replaces the stored fields of the user's login profile (hashes, reset flag, dates)
    /// with `profile`'s; `create_date` and `user_name` are kept as stored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, then login profile, named by the user).
    fn update(&self, profile: &LoginProfileRecord) -> Result<(), StoreError>;

    /// Deletes the user's login profile.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (user, then login profile, named by the user).
    fn delete(&self, account_id: &str, user_name: &str) -> Result<(), StoreError>;
}
