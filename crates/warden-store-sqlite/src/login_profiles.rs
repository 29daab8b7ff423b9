//! Users' login profiles (console passwords) and the hashes of their earlier passwords.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{EntityKind, LoginProfileRecord, LoginProfiles, StoreError, name_key};

use crate::failure::Outcome;
use crate::holders::USERS;
use crate::tx::{SqliteTx, settle};
use crate::users;

/// The table of login profiles, keyed by their user's case-folded name.
const LOGIN_PROFILES: &str = "login_profiles";

impl LoginProfiles for SqliteTx<'_> {
    fn create(&self, profile: &LoginProfileRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &profile.account_id;
            let key = users::require(connection, account_id, &profile.user_name)?;
            if has_profile(connection, account_id, &key)? {
                return Err(StoreError::already_exists(
                    EntityKind::LoginProfile,
                    &profile.user_name,
                )
                .into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO login_profiles (account_id, user_key, password_hash_sealed, \
                     password_reset_required, create_date, password_last_changed, \
                     password_last_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    account_id,
                    key,
                    profile.password_hash_sealed,
                    profile.password_reset_required,
                    profile.create_date,
                    profile.password_last_changed,
                    profile.password_last_used,
                ])?;
            insert_previous(
                connection,
                account_id,
                &key,
                &profile.previous_hashes_sealed,
            )
        })
    }

    fn get(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Option<LoginProfileRecord>, StoreError> {
        let connection = self.connection;
        settle(|| get(connection, account_id, &name_key(user_name)))
    }

    fn list(&self, account_id: &str) -> Result<Vec<LoginProfileRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!(
                "{} WHERE t.account_id = ?1 ORDER BY t.user_key",
                select_profiles()
            );
            let profiles: Vec<LoginProfileRecord> = connection
                .prepare_cached(&sql)?
                .query_map([account_id], profile_from_row)?
                .collect::<Result<_, _>>()?;
            profiles
                .into_iter()
                .map(|profile| with_previous(connection, profile))
                .collect()
        })
    }

    fn update(&self, profile: &LoginProfileRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &profile.account_id;
            let key = require(connection, account_id, &profile.user_name)?;
            connection
                .prepare_cached(
                    "UPDATE login_profiles SET password_hash_sealed = ?3, \
                     password_reset_required = ?4, password_last_changed = ?5, \
                     password_last_used = ?6 WHERE account_id = ?1 AND user_key = ?2",
                )?
                .execute(params![
                    account_id,
                    key,
                    profile.password_hash_sealed,
                    profile.password_reset_required,
                    profile.password_last_changed,
                    profile.password_last_used,
                ])?;
            connection
                .prepare_cached(
                    "DELETE FROM login_profile_previous_hashes \
                     WHERE account_id = ?1 AND user_key = ?2",
                )?
                .execute(params![account_id, key])?;
            insert_previous(
                connection,
                account_id,
                &key,
                &profile.previous_hashes_sealed,
            )
        })
    }

    fn delete(&self, account_id: &str, user_name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, user_name)?;
            // The previous hashes go with it (ON DELETE CASCADE).
            connection
                .prepare_cached(
                    "DELETE FROM login_profiles WHERE account_id = ?1 AND user_key = ?2",
                )?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

/// Whether the user with this case-folded key has a login profile.
pub(crate) fn has_profile(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
) -> Outcome<bool> {
    USERS.has_rows(connection, LOGIN_PROFILES, account_id, user_key)
}

/// The case-folded key of the user of this name if it has a login profile, or
/// [`StoreError::NotFound`] for the user, then for its login profile.
fn require(connection: &Connection, account_id: &str, user_name: &str) -> Outcome<String> {
    let key = users::require(connection, account_id, user_name)?;
    if has_profile(connection, account_id, &key)? {
        Ok(key)
    } else {
        Err(StoreError::not_found(EntityKind::LoginProfile, user_name).into())
    }
}

/// Selects login profiles (aliased `t`) with their user's stored name, in the order
/// [`profile_from_row`] reads them; callers append WHERE and ORDER BY clauses.
fn select_profiles() -> String {
    USERS.select(
        LOGIN_PROFILES,
        "t.password_hash_sealed, t.password_reset_required, t.create_date, \
         t.password_last_changed, t.password_last_used",
    )
}

/// Reads a row selected by [`select_profiles`], without the previous hashes.
fn profile_from_row(row: &Row<'_>) -> rusqlite::Result<LoginProfileRecord> {
    Ok(LoginProfileRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        password_hash_sealed: row.get(2)?,
        previous_hashes_sealed: Vec::new(),
        password_reset_required: row.get(3)?,
        create_date: row.get(4)?,
        password_last_changed: row.get(5)?,
        password_last_used: row.get(6)?,
    })
}

/// The login profile of the user with this case-folded key, with its previous hashes.
fn get(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
) -> Outcome<Option<LoginProfileRecord>> {
    let sql = format!(
        "{} WHERE t.account_id = ?1 AND t.user_key = ?2",
        select_profiles()
    );
    let profile = connection
        .prepare_cached(&sql)?
        .query_row(params![account_id, user_key], profile_from_row)
        .optional()?;
    profile
        .map(|profile| with_previous(connection, profile))
        .transpose()
}

/// Fills in the login profile's previous hashes, newest first.
fn with_previous(
    connection: &Connection,
    mut profile: LoginProfileRecord,
) -> Outcome<LoginProfileRecord> {
    profile.previous_hashes_sealed = connection
        .prepare_cached(
            "SELECT hash_sealed FROM login_profile_previous_hashes \
             WHERE account_id = ?1 AND user_key = ?2 ORDER BY position",
        )?
        .query_map(
            params![profile.account_id, name_key(&profile.user_name)],
            |row| row.get(0),
        )?
        .collect::<Result<_, _>>()?;
    Ok(profile)
}

/// Stores the previous hashes of the login profile of the user with this key, which has
/// none, in order.
fn insert_previous(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
    hashes: &[Vec<u8>],
) -> Outcome<()> {
    let mut insert = connection.prepare_cached(
        "INSERT INTO login_profile_previous_hashes (account_id, user_key, position, hash_sealed) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, hash) in (0i64..).zip(hashes) {
        insert.execute(params![account_id, user_key, position, hash])?;
    }
    Ok(())
}
