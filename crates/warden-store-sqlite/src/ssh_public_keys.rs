//! Users' SSH public keys.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    AccessKeyStatus, EntityKind, SSH_PUBLIC_KEYS_PER_USER, SshPublicKeyRecord, SshPublicKeys,
    StoreError,
};

use crate::access_keys::status_at;
use crate::failure::Outcome;
use crate::holders::USERS;
use crate::tx::{SqliteTx, settle};
use crate::users;

/// The table of SSH public keys, keyed by id, each row naming its user's case-folded name.
const SSH_PUBLIC_KEYS: &str = "ssh_public_keys";

impl SshPublicKeys for SqliteTx<'_> {
    fn upload(&self, key: &SshPublicKeyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &key.account_id;
            let user_key = users::require(connection, account_id, &key.user_name)?;
            let duplicate = connection
                .prepare_cached(
                    "SELECT 1 FROM ssh_public_keys \
                     WHERE account_id = ?1 AND user_key = ?2 AND fingerprint = ?3",
                )?
                .exists(params![account_id, user_key, key.fingerprint])?;
            if duplicate {
                return Err(
                    StoreError::already_exists(EntityKind::SshPublicKey, &key.fingerprint).into(),
                );
            }
            let taken = connection
                .prepare_cached("SELECT 1 FROM ssh_public_keys WHERE ssh_public_key_id = ?1")?
                .exists([&key.ssh_public_key_id])?;
            if taken {
                return Err(StoreError::already_exists(
                    EntityKind::SshPublicKey,
                    &key.ssh_public_key_id,
                )
                .into());
            }
            if count(connection, account_id, &user_key)? >= SSH_PUBLIC_KEYS_PER_USER {
                return Err(StoreError::ssh_public_key_quota_exceeded().into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO ssh_public_keys (ssh_public_key_id, account_id, user_key, \
                     fingerprint, body_ssh, body_pem, status, upload_date) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    key.ssh_public_key_id,
                    account_id,
                    user_key,
                    key.fingerprint,
                    key.body_ssh,
                    key.body_pem,
                    key.status.as_str(),
                    key.upload_date,
                ])?;
            Ok(())
        })
    }

    fn get(
        &self,
        account_id: &str,
        user_name: &str,
        ssh_public_key_id: &str,
    ) -> Result<Option<SshPublicKeyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, account_id, user_name)?;
            let sql = format!(
                "{} WHERE t.account_id = ?1 AND t.user_key = ?2 AND t.ssh_public_key_id = ?3",
                select_keys()
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(
                    params![account_id, user_key, ssh_public_key_id],
                    key_from_row,
                )
                .optional()?)
        })
    }

    fn list(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<SshPublicKeyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = user_name
                .map(|name| users::require(connection, account_id, name))
                .transpose()?;
            let sql = format!(
                "{} WHERE t.account_id = ?1 AND (?2 IS NULL OR t.user_key = ?2) \
                 ORDER BY t.user_key, t.upload_date, t.ssh_public_key_id",
                select_keys()
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, user_key], key_from_row)?
                .collect::<Result<_, _>>()?)
        })
    }

    fn set_status(
        &self,
        account_id: &str,
        user_name: &str,
        ssh_public_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, account_id, user_name)?;
            let updated = connection
                .prepare_cached(
                    "UPDATE ssh_public_keys SET status = ?4 \
                     WHERE account_id = ?1 AND user_key = ?2 AND ssh_public_key_id = ?3",
                )?
                .execute(params![
                    account_id,
                    user_key,
                    ssh_public_key_id,
                    status.as_str()
                ])?;
            found(updated, ssh_public_key_id)
        })
    }

    fn delete(
        &self,
        account_id: &str,
        user_name: &str,
        ssh_public_key_id: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, account_id, user_name)?;
            let deleted = connection
                .prepare_cached(
                    "DELETE FROM ssh_public_keys \
                     WHERE account_id = ?1 AND user_key = ?2 AND ssh_public_key_id = ?3",
                )?
                .execute(params![account_id, user_key, ssh_public_key_id])?;
            found(deleted, ssh_public_key_id)
        })
    }
}

/// Whether the user with this case-folded key has SSH public keys.
pub(crate) fn user_has_keys(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
) -> Outcome<bool> {
    USERS.has_rows(connection, SSH_PUBLIC_KEYS, account_id, user_key)
}

/// How many keys the user with this case-folded key has.
fn count(connection: &Connection, account_id: &str, user_key: &str) -> Outcome<usize> {
    let count: i64 = connection
        .prepare_cached(
            "SELECT count(*) FROM ssh_public_keys WHERE account_id = ?1 AND user_key = ?2",
        )?
        .query_row(params![account_id, user_key], |row| row.get(0))?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// NotFound for the key unless `changed` rows were.
fn found(changed: usize, ssh_public_key_id: &str) -> Outcome<()> {
    if changed == 0 {
        return Err(StoreError::not_found(EntityKind::SshPublicKey, ssh_public_key_id).into());
    }
    Ok(())
}

/// Selects keys (aliased `t`) with their user's stored name, in [`key_from_row`]'s order.
fn select_keys() -> String {
    USERS.select(
        SSH_PUBLIC_KEYS,
        "t.ssh_public_key_id, t.fingerprint, t.body_ssh, t.body_pem, t.status, t.upload_date",
    )
}

/// Reads a row selected by [`select_keys`].
fn key_from_row(row: &Row<'_>) -> rusqlite::Result<SshPublicKeyRecord> {
    Ok(SshPublicKeyRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        ssh_public_key_id: row.get(2)?,
        fingerprint: row.get(3)?,
        body_ssh: row.get(4)?,
        body_pem: row.get(5)?,
        status: status_at(row, 6)?,
        upload_date: row.get(7)?,
    })
}
