//! [`OpenIdConnectProviders`] and [`SamlProviders`].

use crate::{
    OpenIdConnectProviderRecord, OpenIdConnectProviderUpdate, SamlEncryption, SamlMetadata,
    SamlProviderRecord, StoreError,
};

/// The OpenID Connect providers of an account and their tags, found by their URL without
/// scheme (exactly as stored). Records come back with `tags` filled in.
pub trait OpenIdConnectProviders {
    /// Creates an OpenID Connect provider.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::OpenIdConnectProvider`](crate::EntityKind::OpenIdConnectProvider), by
    /// ARN) if the account has one for this URL; [`StoreError::LimitExceeded`]
    /// ([`StoreError::open_id_connect_provider_quota_exceeded`]) if the account has
    /// [`OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT`](crate::OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT)
    /// already.
    fn create(&self, provider: &OpenIdConnectProviderRecord) -> Result<(), StoreError>;

    /// The account's OpenID Connect provider for this URL (without scheme).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(
        &self,
        account_id: &str,
        url: &str,
    ) -> Result<Option<OpenIdConnectProviderRecord>, StoreError>;

    /// All of the account's OpenID Connect providers, ordered by URL.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self, account_id: &str) -> Result<Vec<OpenIdConnectProviderRecord>, StoreError>;

    /// How many OpenID Connect providers the account has (GetAccountSummary).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn count(&self, account_id: &str) -> Result<usize, StoreError>;

    /// Replaces a provider's client ids and thumbprints.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider).
    fn update(
        &self,
        account_id: &str,
        url: &str,
        update: &OpenIdConnectProviderUpdate,
    ) -> Result<(), StoreError>;

    /// Adds tags, as [`Users::tag`](crate::Users::tag) does; over the quota the error is
    /// [`StoreError::tag_quota_exceeded`] for
    /// [`EntityKind::OpenIdConnectProvider`](crate::EntityKind::OpenIdConnectProvider).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider); [`StoreError::LimitExceeded`].
    fn tag(&self, account_id: &str, url: &str, tags: &[(String, String)])
    -> Result<(), StoreError>;

    /// Removes the tags with these keys (case-insensitively); others are ignored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider).
    fn untag(&self, account_id: &str, url: &str, tag_keys: &[String]) -> Result<(), StoreError>;

    /// Deletes a provider with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider).
    fn delete(&self, account_id: &str, url: &str) -> Result<(), StoreError>;
}

/// The SAML providers of an account and their tags, found by name (case-insensitively).
/// Records come back with `tags` filled in.
pub trait SamlProviders {
    /// Creates a SAML provider.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::SamlProvider`](crate::EntityKind::SamlProvider)) if the account has
    /// one of this name in any case; [`StoreError::LimitExceeded`]
    /// ([`StoreError::saml_provider_quota_exceeded`]) if the account has
    /// [`SAML_PROVIDERS_PER_ACCOUNT`](crate::SAML_PROVIDERS_PER_ACCOUNT) already.
    fn create(&self, provider: &SamlProviderRecord) -> Result<(), StoreError>;

    /// The account's SAML provider of this name (in any case).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(&self, account_id: &str, name: &str) -> Result<Option<SamlProviderRecord>, StoreError>;

    /// All of the account's SAML providers, ordered by case-folded name.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self, account_id: &str) -> Result<Vec<SamlProviderRecord>, StoreError>;

    /// How many SAML providers the account has (GetAccountSummary).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn count(&self, account_id: &str) -> Result<usize, StoreError>;

    /// Replaces a provider's metadata and assertion encryption (mode and keys).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider).
    fn update(
        &self,
        account_id: &str,
        name: &str,
        metadata: &SamlMetadata,
        encryption: &SamlEncryption,
    ) -> Result<(), StoreError>;

    /// Adds tags, as [`Users::tag`](crate::Users::tag) does; over the quota the error is
    /// [`StoreError::tag_quota_exceeded`] for
    /// [`EntityKind::SamlProvider`](crate::EntityKind::SamlProvider).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider); [`StoreError::LimitExceeded`].
    fn tag(
        &self,
        account_id: &str,
        name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError>;

    /// Removes the tags with these keys (case-insensitively); others are ignored.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider).
    fn untag(&self, account_id: &str, name: &str, tag_keys: &[String]) -> Result<(), StoreError>;

    /// Deletes a provider with its tags.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (provider).
    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError>;
}
