//! Instance profiles, their tags and the roles in them.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    EntityKind, InstanceProfileRecord, InstanceProfiles, Page, PageRequest,
    ROLES_PER_INSTANCE_PROFILE, StoreError, name_key,
};

use crate::failure::Outcome;
use crate::holders::{INSTANCE_PROFILES, ROLES};
use crate::tags::INSTANCE_PROFILE_TAGS;
use crate::tx::{SqliteTx, settle};
use crate::{accounts, paging, roles};

/// The table of the roles in instance profiles.
const PROFILE_ROLES: &str = "instance_profile_roles";

impl InstanceProfiles for SqliteTx<'_> {
    fn create(&self, profile: &InstanceProfileRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let name = &profile.instance_profile_name;
            accounts::require(connection, &profile.account_id)?;
            if find_key(connection, &profile.account_id, name)?.is_some() {
                return Err(StoreError::already_exists(EntityKind::InstanceProfile, name).into());
            }
            let id = &profile.instance_profile_id;
            let id_taken = connection
                .prepare_cached("SELECT 1 FROM instance_profiles WHERE instance_profile_id = ?1")?
                .exists([id])?;
            if id_taken {
                return Err(StoreError::already_exists(EntityKind::InstanceProfile, id).into());
            }
            let key = name_key(name);
            connection
                .prepare_cached(
                    "INSERT INTO instance_profiles (account_id, name_key, \
                     instance_profile_name, instance_profile_id, path, arn, create_date) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    profile.account_id,
                    key,
                    name,
                    id,
                    profile.path,
                    profile.arn,
                    profile.create_date,
                ])?;
            INSTANCE_PROFILE_TAGS.insert(connection, &profile.account_id, &key, &profile.tags)
        })
    }

    fn get(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<InstanceProfileRecord>, StoreError> {
        let connection = self.connection;
        settle(|| get(connection, account_id, &name_key(name)))
    }

    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<InstanceProfileRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let (max_items, limit) = paging::limits(page);
            let sql = format!(
                "SELECT {PROFILE_COLUMNS} FROM instance_profiles WHERE account_id = ?1 \
                 AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2) \
                 AND (?3 IS NULL OR name_key > ?3) \
                 ORDER BY name_key LIMIT ?4"
            );
            let rows: Vec<InstanceProfileRecord> = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, path_prefix, page.marker, limit],
                    profile_from_row,
                )?
                .collect::<Result<_, _>>()?;
            let page = paging::page_of(rows, max_items, |last| {
                name_key(&last.instance_profile_name)
            });
            Ok(Page {
                items: with_details(connection, page.items)?,
                next_marker: page.next_marker,
            })
        })
    }

    fn for_role(
        &self,
        account_id: &str,
        role_name: &str,
    ) -> Result<Vec<InstanceProfileRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let role_key = roles::require(connection, account_id, role_name)?;
            let sql = format!(
                "SELECT {PROFILE_COLUMNS} FROM instance_profiles WHERE account_id = ?1 \
                 AND name_key IN (SELECT profile_key FROM {PROFILE_ROLES} \
                 INDEXED BY instance_profile_roles_by_role \
                 WHERE account_id = ?1 AND role_key = ?2) \
                 ORDER BY name_key"
            );
            let profiles: Vec<InstanceProfileRecord> = connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, role_key], profile_from_row)?
                .collect::<Result<_, _>>()?;
            with_details(connection, profiles)
        })
    }

    fn add_role(&self, account_id: &str, name: &str, role_name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let profile_key = require(connection, account_id, name)?;
            let role_key = roles::require(connection, account_id, role_name)?;
            let count: i64 = connection
                .prepare_cached(
                    "SELECT count(*) FROM instance_profile_roles \
                     WHERE account_id = ?1 AND profile_key = ?2",
                )?
                .query_row(params![account_id, profile_key], |row| row.get(0))?;
            // A full profile refuses the role even if it is the one already in it.
            if usize::try_from(count).unwrap_or(usize::MAX) >= ROLES_PER_INSTANCE_PROFILE {
                return Err(StoreError::instance_profile_role_quota_exceeded().into());
            }
            // Below the quota a role already in the profile stays in it once.
            connection
                .prepare_cached(
                    "INSERT OR IGNORE INTO instance_profile_roles \
                     (account_id, profile_key, role_key) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![account_id, profile_key, role_key])?;
            Ok(())
        })
    }

    fn remove_role(&self, account_id: &str, name: &str, role_name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let profile_key = require(connection, account_id, name)?;
            let role_key = roles::require(connection, account_id, role_name)?;
            let removed = connection
                .prepare_cached(
                    "DELETE FROM instance_profile_roles \
                     WHERE account_id = ?1 AND profile_key = ?2 AND role_key = ?3",
                )?
                .execute(params![account_id, profile_key, role_key])?;
            if removed == 0 {
                return Err(StoreError::not_found(EntityKind::Role, role_name).into());
            }
            Ok(())
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
            let key = require(connection, account_id, name)?;
            INSTANCE_PROFILE_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(&self, account_id: &str, name: &str, tag_keys: &[String]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, name)?;
            INSTANCE_PROFILE_TAGS.untag(connection, account_id, &key, tag_keys)
        })
    }

    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, name)?;
            if INSTANCE_PROFILES.has_rows(connection, PROFILE_ROLES, account_id, &key)? {
                return Err(StoreError::instance_profile_in_use().into());
            }
            // Its tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached(
                    "DELETE FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2",
                )?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

/// The instance profile columns, in the order [`profile_from_row`] reads them.
const PROFILE_COLUMNS: &str =
    "account_id, instance_profile_name, instance_profile_id, path, arn, create_date";

/// Reads an instance profile row (columns [`PROFILE_COLUMNS`]), without tags or roles.
fn profile_from_row(row: &Row<'_>) -> rusqlite::Result<InstanceProfileRecord> {
    Ok(InstanceProfileRecord {
        account_id: row.get(0)?,
        instance_profile_name: row.get(1)?,
        instance_profile_id: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
        tags: Vec::new(),
        roles: Vec::new(),
    })
}

/// The case-folded key of the instance profile of this name, if it exists.
fn find_key(connection: &Connection, account_id: &str, name: &str) -> Outcome<Option<String>> {
    let key = name_key(name);
    let exists = connection
        .prepare_cached("SELECT 1 FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2")?
        .exists(params![account_id, key])?;
    Ok(exists.then_some(key))
}

/// The case-folded key of the instance profile of this name, or [`StoreError::NotFound`].
pub(crate) fn require(connection: &Connection, account_id: &str, name: &str) -> Outcome<String> {
    find_key(connection, account_id, name)?
        .ok_or_else(|| StoreError::not_found(EntityKind::InstanceProfile, name).into())
}

/// Whether the role with this case-folded key is in any instance profile.
pub(crate) fn has_role(connection: &Connection, account_id: &str, role_key: &str) -> Outcome<bool> {
    ROLES.has_rows(connection, PROFILE_ROLES, account_id, role_key)
}

/// The instance profile with this case-folded key, with its tags and roles.
fn get(
    connection: &Connection,
    account_id: &str,
    key: &str,
) -> Outcome<Option<InstanceProfileRecord>> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2"
    );
    let profile = connection
        .prepare_cached(&sql)?
        .query_row(params![account_id, key], profile_from_row)
        .optional()?;
    let Some(profile) = profile else {
        return Ok(None);
    };
    Ok(with_details(connection, vec![profile])?.pop())
}

/// Fills in the instance profiles' tags and the names (as stored) of their roles.
fn with_details(
    connection: &Connection,
    mut profiles: Vec<InstanceProfileRecord>,
) -> Outcome<Vec<InstanceProfileRecord>> {
    let mut role_names = connection.prepare_cached(
        // CROSS JOIN keeps the profile's memberships as the outer loop (SQLite without
        // statistics would walk every role of the account in name order instead).
        "SELECT r.role_name FROM instance_profile_roles m CROSS JOIN roles r \
         ON r.account_id = m.account_id AND r.name_key = m.role_key \
         WHERE m.account_id = ?1 AND m.profile_key = ?2 ORDER BY r.name_key",
    )?;
    for profile in &mut profiles {
        let key = name_key(&profile.instance_profile_name);
        profile.tags = INSTANCE_PROFILE_TAGS.of(connection, &profile.account_id, &key)?;
        profile.roles = role_names
            .query_map(params![profile.account_id, key], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
    }
    Ok(profiles)
}
