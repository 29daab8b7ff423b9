//! OpenID Connect and SAML identity providers and their tags.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    EntityKind, OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT, OpenIdConnectProviderRecord,
    OpenIdConnectProviderUpdate, OpenIdConnectProviders, SAML_PROVIDERS_PER_ACCOUNT,
    SamlEncryption, SamlMetadata, SamlPrivateKey, SamlProviderRecord, SamlProviders, StoreError,
    name_key,
};

use crate::accounts;
use crate::failure::Outcome;
use crate::tags::{OPEN_ID_CONNECT_PROVIDER_TAGS, SAML_PROVIDER_TAGS};
use crate::tx::{SqliteTx, settle};

impl OpenIdConnectProviders for SqliteTx<'_> {
    fn create(&self, provider: &OpenIdConnectProviderRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &provider.account_id;
            accounts::require(connection, account_id)?;
            if oidc_exists(connection, account_id, &provider.url)? {
                return Err(StoreError::already_exists(
                    EntityKind::OpenIdConnectProvider,
                    &provider.arn,
                )
                .into());
            }
            if count(connection, "oidc_providers", account_id)?
                >= OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT
            {
                return Err(StoreError::open_id_connect_provider_quota_exceeded().into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO oidc_providers (account_id, name_key, url, arn, thumbprints, \
                     create_date) VALUES (?1, ?2, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    account_id,
                    provider.url,
                    provider.arn,
                    provider.thumbprints.join(","),
                    provider.create_date,
                ])?;
            insert_client_ids(connection, account_id, &provider.url, &provider.client_ids)?;
            OPEN_ID_CONNECT_PROVIDER_TAGS.insert(
                connection,
                account_id,
                &provider.url,
                &provider.tags,
            )
        })
    }

    fn get(
        &self,
        account_id: &str,
        url: &str,
    ) -> Result<Option<OpenIdConnectProviderRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let provider = connection
                .prepare_cached(&format!(
                    "SELECT {OIDC_COLUMNS} FROM oidc_providers \
                     WHERE account_id = ?1 AND name_key = ?2"
                ))?
                .query_row(params![account_id, url], oidc_from_row)
                .optional()?;
            provider
                .map(|p| with_oidc_details(connection, p))
                .transpose()
        })
    }

    fn list(&self, account_id: &str) -> Result<Vec<OpenIdConnectProviderRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let providers: Vec<OpenIdConnectProviderRecord> = connection
                .prepare_cached(&format!(
                    "SELECT {OIDC_COLUMNS} FROM oidc_providers WHERE account_id = ?1 \
                     ORDER BY name_key"
                ))?
                .query_map([account_id], oidc_from_row)?
                .collect::<Result<_, _>>()?;
            providers
                .into_iter()
                .map(|p| with_oidc_details(connection, p))
                .collect()
        })
    }

    fn count(&self, account_id: &str) -> Result<usize, StoreError> {
        let connection = self.connection;
        settle(|| count(connection, "oidc_providers", account_id))
    }

    fn update(
        &self,
        account_id: &str,
        url: &str,
        update: &OpenIdConnectProviderUpdate,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_open_id_connect(connection, account_id, url)?;
            connection
                .prepare_cached(
                    "UPDATE oidc_providers SET thumbprints = ?1 \
                     WHERE account_id = ?2 AND name_key = ?3",
                )?
                .execute(params![update.thumbprints.join(","), account_id, key])?;
            connection
                .prepare_cached(
                    "DELETE FROM oidc_provider_client_ids \
                     WHERE account_id = ?1 AND provider_key = ?2",
                )?
                .execute(params![account_id, key])?;
            insert_client_ids(connection, account_id, &key, &update.client_ids)
        })
    }

    fn tag(
        &self,
        account_id: &str,
        url: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_open_id_connect(connection, account_id, url)?;
            OPEN_ID_CONNECT_PROVIDER_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(&self, account_id: &str, url: &str, tag_keys: &[String]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_open_id_connect(connection, account_id, url)?;
            OPEN_ID_CONNECT_PROVIDER_TAGS.untag(connection, account_id, &key, tag_keys)
        })
    }

    fn delete(&self, account_id: &str, url: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_open_id_connect(connection, account_id, url)?;
            // Its client ids and tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached(
                    "DELETE FROM oidc_providers WHERE account_id = ?1 AND name_key = ?2",
                )?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

impl SamlProviders for SqliteTx<'_> {
    fn create(&self, provider: &SamlProviderRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &provider.account_id;
            accounts::require(connection, account_id)?;
            let key = name_key(&provider.name);
            if saml_exists(connection, account_id, &key)? {
                return Err(
                    StoreError::already_exists(EntityKind::SamlProvider, &provider.name).into(),
                );
            }
            if count(connection, "saml_providers", account_id)? >= SAML_PROVIDERS_PER_ACCOUNT {
                return Err(StoreError::saml_provider_quota_exceeded().into());
            }
            let metadata = &provider.metadata;
            connection
                .prepare_cached(
                    "INSERT INTO saml_providers (account_id, name_key, name, arn, uuid, \
                     create_date, metadata_document, entity_id, signing_certificates, \
                     valid_until, encryption_mode) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    account_id,
                    key,
                    provider.name,
                    provider.arn,
                    provider.uuid,
                    provider.create_date,
                    metadata.document,
                    metadata.entity_id,
                    metadata.signing_certificates.join("\n"),
                    metadata.valid_until,
                    provider.encryption.mode,
                ])?;
            insert_private_keys(
                connection,
                account_id,
                &key,
                &provider.encryption.private_keys,
            )?;
            SAML_PROVIDER_TAGS.insert(connection, account_id, &key, &provider.tags)
        })
    }

    fn get(&self, account_id: &str, name: &str) -> Result<Option<SamlProviderRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let provider = connection
                .prepare_cached(&format!(
                    "SELECT {SAML_COLUMNS} FROM saml_providers \
                     WHERE account_id = ?1 AND name_key = ?2"
                ))?
                .query_row(params![account_id, name_key(name)], saml_from_row)
                .optional()?;
            provider
                .map(|p| with_saml_details(connection, p))
                .transpose()
        })
    }

    fn list(&self, account_id: &str) -> Result<Vec<SamlProviderRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let providers: Vec<SamlProviderRecord> = connection
                .prepare_cached(&format!(
                    "SELECT {SAML_COLUMNS} FROM saml_providers WHERE account_id = ?1 \
                     ORDER BY name_key"
                ))?
                .query_map([account_id], saml_from_row)?
                .collect::<Result<_, _>>()?;
            providers
                .into_iter()
                .map(|p| with_saml_details(connection, p))
                .collect()
        })
    }

    fn count(&self, account_id: &str) -> Result<usize, StoreError> {
        let connection = self.connection;
        settle(|| count(connection, "saml_providers", account_id))
    }

    fn update(
        &self,
        account_id: &str,
        name: &str,
        metadata: &SamlMetadata,
        encryption: &SamlEncryption,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_saml(connection, account_id, name)?;
            connection
                .prepare_cached(
                    "UPDATE saml_providers SET metadata_document = ?1, entity_id = ?2, \
                     signing_certificates = ?3, valid_until = ?4, encryption_mode = ?5 \
                     WHERE account_id = ?6 AND name_key = ?7",
                )?
                .execute(params![
                    metadata.document,
                    metadata.entity_id,
                    metadata.signing_certificates.join("\n"),
                    metadata.valid_until,
                    encryption.mode,
                    account_id,
                    key,
                ])?;
            connection
                .prepare_cached(
                    "DELETE FROM saml_provider_private_keys \
                     WHERE account_id = ?1 AND provider_key = ?2",
                )?
                .execute(params![account_id, key])?;
            insert_private_keys(connection, account_id, &key, &encryption.private_keys)
        })
    }

    fn tag(
        &self,
        account_id: &str,
        name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_saml(connection, account_id, name)?;
            SAML_PROVIDER_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(&self, account_id: &str, name: &str, tag_keys: &[String]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_saml(connection, account_id, name)?;
            SAML_PROVIDER_TAGS.untag(connection, account_id, &key, tag_keys)
        })
    }

    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require_saml(connection, account_id, name)?;
            // Its tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached(
                    "DELETE FROM saml_providers WHERE account_id = ?1 AND name_key = ?2",
                )?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

/// The OpenID Connect provider columns, in the order [`oidc_from_row`] reads them.
const OIDC_COLUMNS: &str = "account_id, url, arn, thumbprints, create_date";

/// Reads an OpenID Connect provider row (columns [`OIDC_COLUMNS`]), without client ids and
/// tags.
fn oidc_from_row(row: &Row<'_>) -> rusqlite::Result<OpenIdConnectProviderRecord> {
    let thumbprints: String = row.get(3)?;
    Ok(OpenIdConnectProviderRecord {
        account_id: row.get(0)?,
        url: row.get(1)?,
        arn: row.get(2)?,
        client_ids: Vec::new(),
        thumbprints: split_list(&thumbprints, ','),
        create_date: row.get(4)?,
        tags: Vec::new(),
    })
}

/// The SAML provider columns, in the order [`saml_from_row`] reads them.
const SAML_COLUMNS: &str = "account_id, name, arn, uuid, create_date, metadata_document, \
     entity_id, signing_certificates, valid_until, encryption_mode";

/// Reads a SAML provider row (columns [`SAML_COLUMNS`]), without private keys and tags.
fn saml_from_row(row: &Row<'_>) -> rusqlite::Result<SamlProviderRecord> {
    let certificates: String = row.get(7)?;
    Ok(SamlProviderRecord {
        account_id: row.get(0)?,
        name: row.get(1)?,
        arn: row.get(2)?,
        uuid: row.get(3)?,
        create_date: row.get(4)?,
        metadata: SamlMetadata {
            document: row.get(5)?,
            entity_id: row.get(6)?,
            signing_certificates: split_list(&certificates, '\n'),
            valid_until: row.get(8)?,
        },
        encryption: SamlEncryption {
            mode: row.get(9)?,
            private_keys: Vec::new(),
        },
        tags: Vec::new(),
    })
}

/// A stored list joined with `separator` (none when empty).
fn split_list(joined: &str, separator: char) -> Vec<String> {
    if joined.is_empty() {
        return Vec::new();
    }
    joined.split(separator).map(str::to_owned).collect()
}

/// Fills in an OpenID Connect provider's client ids and tags.
fn with_oidc_details(
    connection: &Connection,
    mut provider: OpenIdConnectProviderRecord,
) -> Outcome<OpenIdConnectProviderRecord> {
    provider.client_ids = connection
        .prepare_cached(
            "SELECT client_id FROM oidc_provider_client_ids \
             WHERE account_id = ?1 AND provider_key = ?2 ORDER BY position",
        )?
        .query_map(params![provider.account_id, provider.url], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    provider.tags =
        OPEN_ID_CONNECT_PROVIDER_TAGS.of(connection, &provider.account_id, &provider.url)?;
    Ok(provider)
}

/// Fills in a SAML provider's private keys and tags.
fn with_saml_details(
    connection: &Connection,
    mut provider: SamlProviderRecord,
) -> Outcome<SamlProviderRecord> {
    let key = name_key(&provider.name);
    provider.encryption.private_keys = connection
        .prepare_cached(
            "SELECT key_id, private_key_sealed, upload_date FROM saml_provider_private_keys \
             WHERE account_id = ?1 AND provider_key = ?2 ORDER BY position",
        )?
        .query_map(params![provider.account_id, key], |row| {
            Ok(SamlPrivateKey {
                key_id: row.get(0)?,
                private_key_sealed: row.get(1)?,
                upload_date: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    provider.tags = SAML_PROVIDER_TAGS.of(connection, &provider.account_id, &key)?;
    Ok(provider)
}

/// Stores the private keys of the SAML provider with this key, which has none, in order.
fn insert_private_keys(
    connection: &Connection,
    account_id: &str,
    key: &str,
    private_keys: &[SamlPrivateKey],
) -> Outcome<()> {
    let mut insert = connection.prepare_cached(
        "INSERT INTO saml_provider_private_keys (account_id, provider_key, position, key_id, \
         private_key_sealed, upload_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, private_key) in (0i64..).zip(private_keys) {
        insert.execute(params![
            account_id,
            key,
            position,
            private_key.key_id,
            private_key.private_key_sealed,
            private_key.upload_date,
        ])?;
    }
    Ok(())
}

/// Stores the client ids of the provider with this key, which has none, in order.
fn insert_client_ids(
    connection: &Connection,
    account_id: &str,
    key: &str,
    client_ids: &[String],
) -> Outcome<()> {
    let mut insert = connection.prepare_cached(
        "INSERT INTO oidc_provider_client_ids (account_id, provider_key, position, client_id) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, client_id) in (0i64..).zip(client_ids) {
        insert.execute(params![account_id, key, position, client_id])?;
    }
    Ok(())
}

/// How many rows of `table` (a providers table) the account has.
fn count(connection: &Connection, table: &str, account_id: &str) -> Outcome<usize> {
    let count: i64 = connection
        .prepare_cached(&format!(
            "SELECT count(*) FROM {table} WHERE account_id = ?1"
        ))?
        .query_row([account_id], |row| row.get(0))?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Whether the account has an OpenID Connect provider for this URL (without scheme).
fn oidc_exists(connection: &Connection, account_id: &str, url: &str) -> Outcome<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM oidc_providers WHERE account_id = ?1 AND name_key = ?2")?
        .exists(params![account_id, url])?)
}

/// Whether the account has a SAML provider with this case-folded name.
fn saml_exists(connection: &Connection, account_id: &str, key: &str) -> Outcome<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM saml_providers WHERE account_id = ?1 AND name_key = ?2")?
        .exists(params![account_id, key])?)
}

/// The key of the OpenID Connect provider for this URL, or [`StoreError::NotFound`].
pub(crate) fn require_open_id_connect(
    connection: &Connection,
    account_id: &str,
    url: &str,
) -> Outcome<String> {
    if oidc_exists(connection, account_id, url)? {
        Ok(url.to_owned())
    } else {
        Err(StoreError::not_found(EntityKind::OpenIdConnectProvider, url).into())
    }
}

/// The case-folded key of the SAML provider of this name, or [`StoreError::NotFound`].
pub(crate) fn require_saml(
    connection: &Connection,
    account_id: &str,
    name: &str,
) -> Outcome<String> {
    let key = name_key(name);
    if saml_exists(connection, account_id, &key)? {
        Ok(key)
    } else {
        Err(StoreError::not_found(EntityKind::SamlProvider, name).into())
    }
}
