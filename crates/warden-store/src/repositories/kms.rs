//! [`Kms`].

use crate::{KmsAliasRecord, KmsGrantRecord, KmsKeyRecord, StoreError};

/// KMS keys (by id, unique everywhere), their aliases (by account, Region and exact name)
/// and their grants.
pub trait Kms {
    /// Creates a key, or replaces every field of the key with its id (tags and materials
    /// too).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (a missing account included).
    fn put_key(&self, key: &KmsKeyRecord) -> Result<(), StoreError>;

    /// The key with this id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn key(&self, key_id: &str) -> Result<Option<KmsKeyRecord>, StoreError>;

    /// The ids of one account's keys in one Region, in id order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn key_ids(&self, account_id: &str, region: &str) -> Result<Vec<String>, StoreError>;

    /// Deletes a key with its material, tags, aliases and grants; whether it existed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn delete_key(&self, key_id: &str) -> Result<bool, StoreError>;

    /// Creates an alias, or points the existing alias of that name elsewhere.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn put_alias(&self, alias: &KmsAliasRecord) -> Result<(), StoreError>;

    /// The alias of this exact name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn alias(
        &self,
        account_id: &str,
        region: &str,
        name: &str,
    ) -> Result<Option<KmsAliasRecord>, StoreError>;

    /// One account's aliases in one Region, in name order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn aliases(&self, account_id: &str, region: &str) -> Result<Vec<KmsAliasRecord>, StoreError>;

    /// Deletes an alias; whether it existed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn delete_alias(&self, account_id: &str, region: &str, name: &str) -> Result<bool, StoreError>;

    /// Creates a grant.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn put_grant(&self, grant: &KmsGrantRecord) -> Result<(), StoreError>;

    /// A key's grants, in creation order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn grants(&self, key_id: &str) -> Result<Vec<KmsGrantRecord>, StoreError>;

    /// Every grant naming this retiring principal, in creation order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn retirable_grants(&self, retiring_principal: &str)
    -> Result<Vec<KmsGrantRecord>, StoreError>;

    /// Deletes a grant; whether it existed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn delete_grant(&self, key_id: &str, grant_id: &str) -> Result<bool, StoreError>;
}
