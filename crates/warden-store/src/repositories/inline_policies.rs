//! [`InlinePolicies`].

use crate::{InlinePolicyRecord, StoreError};

/// Inline policies embedded in one kind of holder: users ([`Tx::user_policies`]), groups
/// ([`Tx::group_policies`]) or roles ([`Tx::role_policies`]). A policy's holder is named by [`InlinePolicyRecord::holder_name`].
///
/// [`Tx::user_policies`]: crate::Tx::user_policies
/// [`Tx::group_policies`]: crate::Tx::group_policies
/// [`Tx::role_policies`]: crate::Tx::role_policies
pub trait InlinePolicies {
    /// Creates or replaces the holder's inline policy of this name (matched
    /// case-insensitively; the stored name takes the new spelling).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (the holder: user, group or role).
    fn put(&self, policy: &InlinePolicyRecord) -> Result<(), StoreError>;

    /// The holder's inline policy of this name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (a missing holder has no policies).
    fn get(
        &self,
        account_id: &str,
        holder_name: &str,
        policy_name: &str,
    ) -> Result<Option<InlinePolicyRecord>, StoreError>;

    /// All of the holder's inline policies, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (the holder).
    fn list(
        &self,
        account_id: &str,
        holder_name: &str,
    ) -> Result<Vec<InlinePolicyRecord>, StoreError>;

    /// Deletes the holder's inline policy of this name.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (the holder, or the policy: [`EntityKind::UserPolicy`],
    /// [`EntityKind::GroupPolicy`] or [`EntityKind::RolePolicy`]).
    ///
    /// [`EntityKind::UserPolicy`]: crate::EntityKind::UserPolicy
    /// [`EntityKind::GroupPolicy`]: crate::EntityKind::GroupPolicy
    /// [`EntityKind::RolePolicy`]: crate::EntityKind::RolePolicy
    fn delete(
        &self,
        account_id: &str,
        holder_name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError>;
}
