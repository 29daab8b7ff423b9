//! Users' service-specific credentials.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    AccessKeyStatus, EntityKind, SERVICE_CREDENTIALS_PER_SERVICE, ServiceCredentialRecord,
    ServiceCredentials, StoreError,
};

use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};
use crate::users;

/// The credential columns with the owner's stored name, as [`credential_from_row`] reads them.
const SELECT: &str = "SELECT c.account_id, u.user_name, c.credential_id, c.service_name, \
     c.service_user_name, c.secret_sealed, c.status, c.create_date, c.expiration_date \
     FROM service_credentials c JOIN users u \
     ON u.account_id = c.account_id AND u.name_key = c.user_key";

impl ServiceCredentials for SqliteTx<'_> {
    fn create(&self, credential: &ServiceCredentialRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &credential.account_id;
            let key = users::require(connection, account_id, &credential.user_name)?;
            let count: i64 = connection
                .prepare_cached(
                    "SELECT count(*) FROM service_credentials \
                     WHERE account_id = ?1 AND user_key = ?2 AND service_name = ?3",
                )?
                .query_row(params![account_id, key, credential.service_name], |row| {
                    row.get(0)
                })?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= SERVICE_CREDENTIALS_PER_SERVICE {
                return Err(StoreError::service_credential_quota_exceeded().into());
            }
            let taken = connection
                .prepare_cached("SELECT 1 FROM service_credentials WHERE credential_id = ?1")?
                .exists([&credential.credential_id])?;
            if taken {
                return Err(StoreError::already_exists(
                    EntityKind::ServiceCredential,
                    &credential.credential_id,
                )
                .into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO service_credentials (credential_id, account_id, user_key, \
                     service_name, service_user_name, secret_sealed, status, create_date, \
                     expiration_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    credential.credential_id,
                    account_id,
                    key,
                    credential.service_name,
                    credential.service_user_name,
                    credential.secret_sealed,
                    credential.status.as_str(),
                    credential.create_date,
                    credential.expiration_date,
                ])?;
            Ok(())
        })
    }

    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        service_name: Option<&str>,
    ) -> Result<Vec<ServiceCredentialRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = user_name
                .map(|name| users::require(connection, account_id, name))
                .transpose()?;
            let sql = format!(
                "{SELECT} WHERE c.account_id = ?1 AND (?2 IS NULL OR c.user_key = ?2) \
                 AND (?3 IS NULL OR c.service_name = ?3) \
                 ORDER BY c.create_date, c.credential_id"
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, key, service_name], credential_from_row)?
                .collect::<Result<_, _>>()?)
        })
    }

    fn get(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
    ) -> Result<Option<ServiceCredentialRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = users::require(connection, account_id, user_name)?;
            find(connection, account_id, &key, credential_id)
        })
    }

    fn update_status(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = users::require(connection, account_id, user_name)?;
            let changed = connection
                .prepare_cached(
                    "UPDATE service_credentials SET status = ?1 \
                     WHERE credential_id = ?2 AND account_id = ?3 AND user_key = ?4",
                )?
                .execute(params![status.as_str(), credential_id, account_id, key])?;
            found(changed, credential_id)
        })
    }

    fn reset_secret(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        secret_sealed: &[u8],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = users::require(connection, account_id, user_name)?;
            let changed = connection
                .prepare_cached(
                    "UPDATE service_credentials SET secret_sealed = ?1 \
                     WHERE credential_id = ?2 AND account_id = ?3 AND user_key = ?4",
                )?
                .execute(params![secret_sealed, credential_id, account_id, key])?;
            found(changed, credential_id)
        })
    }

    fn delete(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = users::require(connection, account_id, user_name)?;
            let changed = connection
                .prepare_cached(
                    "DELETE FROM service_credentials \
                     WHERE credential_id = ?1 AND account_id = ?2 AND user_key = ?3",
                )?
                .execute(params![credential_id, account_id, key])?;
            found(changed, credential_id)
        })
    }
}

/// Whether the user with this key has any service-specific credential (DeleteUser).
pub(crate) fn user_has_credentials(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
) -> Outcome<bool> {
    Ok(connection
        .prepare_cached(
            "SELECT 1 FROM service_credentials WHERE account_id = ?1 AND user_key = ?2",
        )?
        .exists(params![account_id, user_key])?)
}

fn find(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
    credential_id: &str,
) -> Outcome<Option<ServiceCredentialRecord>> {
    let sql =
        format!("{SELECT} WHERE c.credential_id = ?1 AND c.account_id = ?2 AND c.user_key = ?3");
    Ok(connection
        .prepare_cached(&sql)?
        .query_row(
            params![credential_id, account_id, user_key],
            credential_from_row,
        )
        .optional()?)
}

/// `NotFound` when an update or delete touched no row.
fn found(changed: usize, credential_id: &str) -> Outcome<()> {
    if changed == 0 {
        return Err(StoreError::not_found(EntityKind::ServiceCredential, credential_id).into());
    }
    Ok(())
}

fn credential_from_row(row: &Row<'_>) -> rusqlite::Result<ServiceCredentialRecord> {
    let status: String = row.get(6)?;
    let status = AccessKeyStatus::parse(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(6, Type::Text, "unknown credential status".into())
    })?;
    Ok(ServiceCredentialRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        credential_id: row.get(2)?,
        service_name: row.get(3)?,
        service_user_name: row.get(4)?,
        secret_sealed: row.get(5)?,
        status,
        create_date: row.get(7)?,
        expiration_date: row.get(8)?,
    })
}
