//! Users and their tags.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    EntityKind, Page, PageRequest, StoreError, UserRecord, UserUpdate, Users, name_key,
};

use crate::accounts;
use crate::failure::Outcome;
use crate::tags::USER_TAGS;
use crate::tx::{SqliteTx, settle};

impl Users for SqliteTx<'_> {
    fn create(&self, user: &UserRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &user.account_id)?;
            let key = name_key(&user.user_name);
            if find_key(connection, &user.account_id, &user.user_name)?.is_some() {
                return Err(StoreError::already_exists(EntityKind::User, &user.user_name).into());
            }
            let id_taken = connection
                .prepare_cached("SELECT 1 FROM users WHERE user_id = ?1")?
                .exists([&user.user_id])?;
            if id_taken {
                return Err(StoreError::already_exists(EntityKind::User, &user.user_id).into());
            }
            connection.execute(
        "INSERT INTO users (account_id, name_key, user_name, user_id, path, arn, create_date, \
         permissions_boundary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            user.account_id,
            key,
            user.user_name,
            user.user_id,
            user.path,
            user.arn,
            user.create_date,
            user.permissions_boundary,
        ],
    )?;
            USER_TAGS.insert(connection, &user.account_id, &key, &user.tags)
        })
    }

    fn get(&self, account_id: &str, user_name: &str) -> Result<Option<UserRecord>, StoreError> {
        let connection = self.connection;
        settle(|| get(connection, account_id, &name_key(user_name)))
    }

    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<UserRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let (max_items, limit) = crate::paging::limits(page);
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users WHERE account_id = ?1 \
         AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2) \
         AND (?3 IS NULL OR name_key > ?3) \
         ORDER BY name_key LIMIT ?4"
            );
            let rows: Vec<UserRecord> = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, path_prefix, page.marker, limit],
                    user_from_row,
                )?
                .collect::<Result<_, _>>()?;
            let page = crate::paging::page_of(rows, max_items, |last| name_key(&last.user_name));
            let items = page
                .items
                .into_iter()
                .map(|user| with_tags(connection, user))
                .collect::<Outcome<_>>()?;
            Ok(Page {
                items,
                next_marker: page.next_marker,
            })
        })
    }

    fn update(
        &self,
        account_id: &str,
        user_name: &str,
        update: &UserUpdate,
    ) -> Result<UserRecord, StoreError> {
        let connection = self.connection;
        settle(|| {
            let old_key = require(connection, account_id, user_name)?;
            let current: String = connection
                .prepare_cached(
                    "SELECT user_name FROM users WHERE account_id = ?1 AND name_key = ?2",
                )?
                .query_row(params![account_id, old_key], |row| row.get(0))?;
            let new_key = name_key(&update.user_name);
            if update.user_name != current
                && (new_key == old_key
                    || find_key(connection, account_id, &update.user_name)?.is_some())
            {
                return Err(StoreError::already_exists(EntityKind::User, &update.user_name).into());
            }
            // Tags, policies, keys, the login profile and MFA assignments follow through ON
            // UPDATE CASCADE.
            connection.execute(
                "UPDATE users SET name_key = ?1, user_name = ?2, path = ?3, arn = ?4 \
         WHERE account_id = ?5 AND name_key = ?6",
                params![
                    new_key,
                    update.user_name,
                    update.path,
                    update.arn,
                    account_id,
                    old_key
                ],
            )?;
            Ok(self
                .get(account_id, &update.user_name)?
                .ok_or_else(|| StoreError::not_found(EntityKind::User, &update.user_name))?)
        })
    }

    fn tag(
        &self,
        account_id: &str,
        user_name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, user_name)?;
            USER_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(
        &self,
        account_id: &str,
        user_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, user_name)?;
            USER_TAGS.untag(connection, account_id, &key, tag_keys)
        })
    }

    fn set_permissions_boundary(
        &self,
        account_id: &str,
        user_name: &str,
        policy_arn: Option<&str>,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, user_name)?;
            connection
                .prepare_cached(
                    "UPDATE users SET permissions_boundary = ?1 \
                     WHERE account_id = ?2 AND name_key = ?3",
                )?
                .execute(params![policy_arn, account_id, key])?;
            Ok(())
        })
    }

    fn delete(&self, account_id: &str, user_name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, user_name)?;
            // AWS's order: login profile, access keys, signing certificates, SSH public keys,
            // MFA devices, then the rest.
            if crate::login_profiles::has_profile(connection, account_id, &key)? {
                return Err(StoreError::login_profile_conflict().into());
            }
            let has_keys = connection
                .prepare_cached(
                    "SELECT 1 FROM access_keys WHERE account_id = ?1 AND user_key = ?2",
                )?
                .exists(params![account_id, key])?;
            if has_keys {
                return Err(StoreError::user_has_access_keys().into());
            }
            if crate::signing_certificates::user_has_certificates(connection, account_id, &key)? {
                return Err(StoreError::signing_certificate_conflict().into());
            }
            if crate::ssh_public_keys::user_has_keys(connection, account_id, &key)? {
                return Err(StoreError::ssh_public_key_conflict().into());
            }
            if crate::mfa_devices::user_has_device(connection, account_id, &key)? {
                return Err(StoreError::mfa_device_conflict().into());
            }
            if crate::service_credentials::user_has_credentials(connection, account_id, &key)? {
                return Err(StoreError::service_credential_conflict().into());
            }
            if crate::policies::USER_POLICIES.any(connection, account_id, &key)? {
                return Err(StoreError::has_inline_policies().into());
            }
            let in_groups = connection
                .prepare_cached(
                    "SELECT 1 FROM group_members WHERE account_id = ?1 AND user_key = ?2",
                )?
                .exists(params![account_id, key])?;
            if in_groups {
                return Err(StoreError::user_in_groups().into());
            }
            if crate::managed_policies::USER_ATTACHMENTS.any(connection, account_id, &key)? {
                return Err(StoreError::has_attached_policies().into());
            }
            connection.execute(
                "DELETE FROM users WHERE account_id = ?1 AND name_key = ?2",
                params![account_id, key],
            )?;
            Ok(())
        })
    }
}

/// The user columns, in the order [`user_from_row`] reads them.
pub(crate) const USER_COLUMNS: &str =
    "account_id, user_name, user_id, path, arn, create_date, permissions_boundary";

/// The case-folded key of the user of this name, if the user exists.
pub(crate) fn find_key(
    connection: &Connection,
    account_id: &str,
    user_name: &str,
) -> Outcome<Option<String>> {
    let key = name_key(user_name);
    let exists = connection
        .prepare_cached("SELECT 1 FROM users WHERE account_id = ?1 AND name_key = ?2")?
        .exists(params![account_id, key])?;
    Ok(exists.then_some(key))
}

/// The case-folded key of the user of this name, or [`StoreError::NotFound`].
pub(crate) fn require(
    connection: &Connection,
    account_id: &str,
    user_name: &str,
) -> Outcome<String> {
    find_key(connection, account_id, user_name)?
        .ok_or_else(|| StoreError::not_found(EntityKind::User, user_name).into())
}

/// Reads a user row (columns [`USER_COLUMNS`]), without tags.
pub(crate) fn user_from_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        user_id: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
        tags: Vec::new(),
        permissions_boundary: row.get(6)?,
    })
}

/// The user with this case-folded key, with its tags.
pub(crate) fn get(
    connection: &Connection,
    account_id: &str,
    key: &str,
) -> Outcome<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE account_id = ?1 AND name_key = ?2");
    let user = connection
        .prepare_cached(&sql)?
        .query_row(params![account_id, key], user_from_row)
        .optional()?;
    user.map(|user| with_tags(connection, user)).transpose()
}

/// Fills in the user's tags.
fn with_tags(connection: &Connection, mut user: UserRecord) -> Outcome<UserRecord> {
    user.tags = USER_TAGS.of(connection, &user.account_id, &name_key(&user.user_name))?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use crate::SqliteStore;
    use crate::tags::USER_TAGS;

    /// A cached statement runs its prepared plan again instead of re-preparing itself on
    /// every execution (as the tags query did before the planner stability guarantee).
    #[test]
    fn cached_tag_query_is_not_re_prepared() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.writer.with_connection(|connection| {
            for round in 0..3 {
                let user = format!("user-{round}");
                let tags = USER_TAGS.of(connection, "123456789012", &user).unwrap();
                assert!(tags.is_empty());
            }
            let statement = connection.prepare_cached(&USER_TAGS.of_holder()).unwrap();
            assert_eq!(statement.get_status(StatementStatus::RePrepare), 0);
        });
    }
}
