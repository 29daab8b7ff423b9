//! [`Accounts`] and [`WrappedKeys`].

use crate::{AccountRecord, OutboundFederationRecord, StoreError, WrappedKeyRecord};

/// Accounts: the owners of every other record.
pub trait Accounts {
    /// Creates an account.
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`] if the id is taken.
    fn create(&self, account: &AccountRecord) -> Result<(), StoreError>;

    /// The account with this id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str) -> Result<Option<AccountRecord>, StoreError>;

    /// All accounts, ordered by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self) -> Result<Vec<AccountRecord>, StoreError>;

    /// The account's alias (at most one), if it has one.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn alias(&self, account_id: &str) -> Result<Option<String>, StoreError>;

    /// Sets (`Some`, replacing any other) or removes (`None`) the account's alias. Aliases
    /// are unique across all accounts (exact match; AWS's are lower case).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::AccountAlias`](crate::EntityKind::AccountAlias)) if another account
    /// has this alias.
    fn set_alias(&self, account_id: &str, alias: Option<&str>) -> Result<(), StoreError>;

    /// The account's outbound identity federation, if it was ever enabled.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn outbound_federation(
        &self,
        account_id: &str,
    ) -> Result<Option<OutboundFederationRecord>, StoreError>;

    /// Sets (creating or replacing) the account's outbound identity federation.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account).
    fn set_outbound_federation(
        &self,
        account_id: &str,
        federation: &OutboundFederationRecord,
    ) -> Result<(), StoreError>;
}

/// Data keys wrapped under the root key, by name (exact match).
pub trait WrappedKeys {
    /// Stores a wrapped data key under a new name. The first writer wins: on
    /// [`StoreError::AlreadyExists`], read the stored one with [`WrappedKeys::get`].
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`] (wrapped key).
    fn create(&self, key: &WrappedKeyRecord) -> Result<(), StoreError>;

    /// The wrapped data key of this name (exact match).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, name: &str) -> Result<Option<WrappedKeyRecord>, StoreError>;
}
