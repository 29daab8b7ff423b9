//! Roles and their tags.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};
use warden_store::{
    EntityKind, Page, PageRequest, RoleRecord, RoleUpdate, Roles, StoreError, name_key,
};

use crate::failure::Outcome;
use crate::tags::ROLE_TAGS;
use crate::tx::{SqliteTx, settle};
use crate::{accounts, instance_profiles, managed_policies, paging, policies};

impl Roles for SqliteTx<'_> {
    fn create(&self, role: &RoleRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &role.account_id)?;
            if find_key(connection, &role.account_id, &role.role_name)?.is_some() {
                return Err(StoreError::already_exists(EntityKind::Role, &role.role_name).into());
            }
            let id_taken = connection
                .prepare_cached("SELECT 1 FROM roles WHERE role_id = ?1")?
                .exists([&role.role_id])?;
            if id_taken {
                return Err(StoreError::already_exists(EntityKind::Role, &role.role_id).into());
            }
            let key = name_key(&role.role_name);
            let (last_used_date, last_used_region) = role
                .last_used
                .as_ref()
                .map(|(when, region)| (*when, region.as_str()))
                .unzip();
            connection
                .prepare_cached(
                    "INSERT INTO roles (account_id, name_key, role_name, role_id, path, arn, \
                     create_date, assume_role_policy_document, description, \
                     max_session_duration, permissions_boundary, last_used_date, \
                     last_used_region) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )?
                .execute(params![
                    role.account_id,
                    key,
                    role.role_name,
                    role.role_id,
                    role.path,
                    role.arn,
                    role.create_date,
                    role.assume_role_policy_document,
                    role.description,
                    role.max_session_duration,
                    role.permissions_boundary,
                    last_used_date,
                    last_used_region,
                ])?;
            ROLE_TAGS.insert(connection, &role.account_id, &key, &role.tags)
        })
    }

    fn get(&self, account_id: &str, role_name: &str) -> Result<Option<RoleRecord>, StoreError> {
        let connection = self.connection;
        settle(|| get(connection, account_id, &name_key(role_name)))
    }

    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<RoleRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let (max_items, limit) = paging::limits(page);
            let sql = format!(
                "SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = ?1 \
                 AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2) \
                 AND (?3 IS NULL OR name_key > ?3) \
                 ORDER BY name_key LIMIT ?4"
            );
            let rows: Vec<RoleRecord> = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, path_prefix, page.marker, limit],
                    role_from_row,
                )?
                .collect::<Result<_, _>>()?;
            let page = paging::page_of(rows, max_items, |last| name_key(&last.role_name));
            let items = page
                .items
                .into_iter()
                .map(|role| with_tags(connection, role))
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
        role_name: &str,
        update: &RoleUpdate,
    ) -> Result<RoleRecord, StoreError> {
        let connection = self.connection;
        settle(|| {
            // `Some("")` clears the description (NULLIF), `None` keeps it (CASE).
            let key = set(
                connection,
                account_id,
                role_name,
                "description = CASE WHEN ?3 THEN NULLIF(?4, '') ELSE description END, \
                 max_session_duration = coalesce(?5, max_session_duration)",
                &[
                    &update.description.is_some(),
                    &update.description,
                    &update.max_session_duration,
                ],
            )?;
            Ok(get(connection, account_id, &key)?
                .ok_or_else(|| StoreError::not_found(EntityKind::Role, role_name))?)
        })
    }

    fn set_trust_policy(
        &self,
        account_id: &str,
        role_name: &str,
        document: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            set(
                connection,
                account_id,
                role_name,
                "assume_role_policy_document = ?3",
                &[&document],
            )
            .map(drop)
        })
    }

    fn set_permissions_boundary(
        &self,
        account_id: &str,
        role_name: &str,
        policy_arn: Option<&str>,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            set(
                connection,
                account_id,
                role_name,
                "permissions_boundary = ?3",
                &[&policy_arn],
            )
            .map(drop)
        })
    }

    fn record_use(
        &self,
        account_id: &str,
        role_name: &str,
        when: i64,
        region: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            set(
                connection,
                account_id,
                role_name,
                "last_used_date = ?3, last_used_region = ?4",
                &[&when, &region],
            )
            .map(drop)
        })
    }

    fn tag(
        &self,
        account_id: &str,
        role_name: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, role_name)?;
            ROLE_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(
        &self,
        account_id: &str,
        role_name: &str,
        tag_keys: &[String],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, role_name)?;
            ROLE_TAGS.untag(connection, account_id, &key, tag_keys)
        })
    }

    fn delete(&self, account_id: &str, role_name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, role_name)?;
            if policies::ROLE_POLICIES.any(connection, account_id, &key)? {
                return Err(StoreError::has_inline_policies().into());
            }
            if managed_policies::ROLE_ATTACHMENTS.any(connection, account_id, &key)? {
                return Err(StoreError::has_attached_policies().into());
            }
            if instance_profiles::has_role(connection, account_id, &key)? {
                return Err(StoreError::instance_profile_in_use().into());
            }
            // Its tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached("DELETE FROM roles WHERE account_id = ?1 AND name_key = ?2")?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

/// The role columns, in the order [`role_from_row`] reads them.
const ROLE_COLUMNS: &str = "account_id, role_name, role_id, path, arn, create_date, \
     assume_role_policy_document, description, max_session_duration, permissions_boundary, \
     last_used_date, last_used_region";

/// Reads a role row (columns [`ROLE_COLUMNS`]), without tags.
fn role_from_row(row: &Row<'_>) -> rusqlite::Result<RoleRecord> {
    let last_used_date: Option<i64> = row.get(10)?;
    let last_used_region: Option<String> = row.get(11)?;
    Ok(RoleRecord {
        account_id: row.get(0)?,
        role_name: row.get(1)?,
        role_id: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
        assume_role_policy_document: row.get(6)?,
        description: row.get(7)?,
        max_session_duration: row.get(8)?,
        permissions_boundary: row.get(9)?,
        tags: Vec::new(),
        last_used: last_used_date.zip(last_used_region),
    })
}

/// The case-folded key of the role of this name, if the role exists.
fn find_key(connection: &Connection, account_id: &str, role_name: &str) -> Outcome<Option<String>> {
    let key = name_key(role_name);
    let exists = connection
        .prepare_cached("SELECT 1 FROM roles WHERE account_id = ?1 AND name_key = ?2")?
        .exists(params![account_id, key])?;
    Ok(exists.then_some(key))
}

/// The case-folded key of the role of this name, or [`StoreError::NotFound`].
pub(crate) fn require(
    connection: &Connection,
    account_id: &str,
    role_name: &str,
) -> Outcome<String> {
    find_key(connection, account_id, role_name)?
        .ok_or_else(|| StoreError::not_found(EntityKind::Role, role_name).into())
}

/// Runs `UPDATE roles SET {assignments}` on the role of this name, whose account and key
/// are `?1` and `?2` and `values` `?3` onwards; returns the role's key, or
/// [`StoreError::NotFound`].
fn set(
    connection: &Connection,
    account_id: &str,
    role_name: &str,
    assignments: &str,
    values: &[&dyn ToSql],
) -> Outcome<String> {
    let key = require(connection, account_id, role_name)?;
    let sql = format!("UPDATE roles SET {assignments} WHERE account_id = ?1 AND name_key = ?2");
    let mut bound: Vec<&dyn ToSql> = vec![&account_id, &key];
    bound.extend_from_slice(values);
    connection.prepare_cached(&sql)?.execute(bound.as_slice())?;
    Ok(key)
}

/// The role with this case-folded key, with its tags.
fn get(connection: &Connection, account_id: &str, key: &str) -> Outcome<Option<RoleRecord>> {
    let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = ?1 AND name_key = ?2");
    let role = connection
        .prepare_cached(&sql)?
        .query_row(params![account_id, key], role_from_row)
        .optional()?;
    role.map(|role| with_tags(connection, role)).transpose()
}

/// Every role with its tags, by account then case-folded name (for the snapshot).
pub(crate) fn all(connection: &Connection) -> Outcome<Vec<RoleRecord>> {
    let mut tags = ROLE_TAGS.all(connection)?;
    let sql = format!("SELECT {ROLE_COLUMNS} FROM roles ORDER BY account_id, name_key");
    let mut roles: Vec<RoleRecord> = connection
        .prepare_cached(&sql)?
        .query_map([], role_from_row)?
        .collect::<Result<_, _>>()?;
    for role in &mut roles {
        let key = (role.account_id.clone(), name_key(&role.role_name));
        role.tags = tags.remove(&key).unwrap_or_default();
    }
    Ok(roles)
}

/// Fills in the role's tags.
fn with_tags(connection: &Connection, mut role: RoleRecord) -> Outcome<RoleRecord> {
    role.tags = ROLE_TAGS.of(connection, &role.account_id, &name_key(&role.role_name))?;
    Ok(role)
}
