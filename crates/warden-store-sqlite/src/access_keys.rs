//! Access keys of users and of root users.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    ACCESS_KEYS_PER_USER, AccessKeyRecord, AccessKeyStatus, AccessKeyUse, AccessKeys, EntityKind,
    StoreError,
};

use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};
use crate::{accounts, users};

impl AccessKeys for SqliteTx<'_> {
    fn create(&self, key: &AccessKeyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, &key.account_id, key.user_name.as_deref())?;
            let taken = connection
                .prepare_cached("SELECT 1 FROM access_keys WHERE access_key_id = ?1")?
                .exists([&key.access_key_id])?;
            if taken {
                return Err(
                    StoreError::already_exists(EntityKind::AccessKey, &key.access_key_id).into(),
                );
            }
            let count: i64 = connection
                .prepare_cached(
                    "SELECT count(*) FROM access_keys WHERE account_id = ?1 AND user_key IS ?2",
                )?
                .query_row(params![key.account_id, owner], |row| row.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= ACCESS_KEYS_PER_USER {
                return Err(StoreError::access_key_quota_exceeded().into());
            }
            connection.execute(
        "INSERT INTO access_keys (access_key_id, account_id, user_key, secret_sealed, status, \
         create_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            key.access_key_id,
            key.account_id,
            owner,
            key.secret_sealed,
            key.status.as_str(),
            key.create_date,
        ],
    )?;
            Ok(())
        })
    }

    fn get(&self, access_key_id: &str) -> Result<Option<AccessKeyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!("{SELECT_KEYS} WHERE k.access_key_id = ?1");
            Ok(connection
                .prepare_cached(&sql)?
                .query_row([access_key_id], key_from_row)
                .optional()?)
        })
    }

    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<AccessKeyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, account_id, user_name)?;
            let sql = format!(
                "{SELECT_KEYS} WHERE k.account_id = ?1 AND k.user_key IS ?2 \
         ORDER BY k.create_date, k.access_key_id"
            );
            let keys = connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, owner], key_from_row)?
                .collect::<Result<_, _>>()?;
            Ok(keys)
        })
    }

    fn update_status(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, account_id, user_name)?;
            let updated = connection.execute(
                "UPDATE access_keys SET status = ?1 \
         WHERE access_key_id = ?2 AND account_id = ?3 AND user_key IS ?4",
                params![status.as_str(), access_key_id, account_id, owner],
            )?;
            if updated == 0 {
                return Err(StoreError::not_found(EntityKind::AccessKey, access_key_id).into());
            }
            Ok(())
        })
    }

    fn delete(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        access_key_id: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let owner = owner_key(connection, account_id, user_name)?;
            let deleted = connection.execute(
        "DELETE FROM access_keys WHERE access_key_id = ?1 AND account_id = ?2 AND user_key IS ?3",
        params![access_key_id, account_id, owner],
    )?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::AccessKey, access_key_id).into());
            }
            Ok(())
        })
    }

    fn record_uses(&self, uses: &[AccessKeyUse]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            // Only for keys that exist; a later use replaces the stored one, an earlier (or
            // equally old) one leaves it.
            let mut record = connection.prepare_cached(
                "INSERT INTO access_key_uses (access_key_id, used_at, service, region) \
                 SELECT ?1, ?2, ?3, ?4 WHERE EXISTS \
                 (SELECT 1 FROM access_keys WHERE access_key_id = ?1) \
                 ON CONFLICT (access_key_id) DO UPDATE SET used_at = excluded.used_at, \
                 service = excluded.service, region = excluded.region \
                 WHERE excluded.used_at > used_at",
            )?;
            for used in uses {
                record.execute(params![
                    used.access_key_id,
                    used.when,
                    used.service,
                    used.region
                ])?;
            }
            Ok(())
        })
    }

    fn last_used(&self, access_key_id: &str) -> Result<Option<AccessKeyUse>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(
                    "SELECT access_key_id, used_at, service, region FROM access_key_uses \
                     WHERE access_key_id = ?1",
                )?
                .query_row([access_key_id], |row| {
                    Ok(AccessKeyUse {
                        access_key_id: row.get(0)?,
                        when: row.get(1)?,
                        service: row.get(2)?,
                        region: row.get(3)?,
                    })
                })
                .optional()?)
        })
    }
}

/// Selects keys with their owner's stored name (NULL for root); callers append a WHERE.
pub(crate) const SELECT_KEYS: &str = "SELECT k.account_id, u.user_name, k.access_key_id, k.secret_sealed, k.status, \
     k.create_date FROM access_keys k \
     LEFT JOIN users u ON u.account_id = k.account_id AND u.name_key = k.user_key";

/// The `user_key` column value of a key owner: the user's case-folded name, or `None` for
/// the root user. Fails with [`StoreError::NotFound`] for a missing user or account.
pub(crate) fn owner_key(
    connection: &Connection,
    account_id: &str,
    user_name: Option<&str>,
) -> Outcome<Option<String>> {
    match user_name {
        Some(user_name) => users::require(connection, account_id, user_name).map(Some),
        None => accounts::require(connection, account_id).map(|()| None),
    }
}

/// Reads a row selected by [`SELECT_KEYS`].
pub(crate) fn key_from_row(row: &Row<'_>) -> rusqlite::Result<AccessKeyRecord> {
    let status = status_at(row, 4)?;
    Ok(AccessKeyRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        access_key_id: row.get(2)?,
        secret_sealed: row.get(3)?,
        status,
        create_date: row.get(5)?,
    })
}

/// The `Active`/`Inactive` status in column `index` (access keys, SSH public keys, signing
/// certificates).
pub(crate) fn status_at(row: &Row<'_>, index: usize) -> rusqlite::Result<AccessKeyStatus> {
    let status: String = row.get(index)?;
    AccessKeyStatus::parse(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(index, Type::Text, "unknown status".into())
    })
}
