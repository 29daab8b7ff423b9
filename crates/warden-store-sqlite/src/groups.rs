//! Groups and their members.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    EntityKind, GROUPS_PER_USER, GroupRecord, GroupUpdate, Groups, Page, PageRequest, StoreError,
    UserRecord, name_key,
};

use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};
use crate::{accounts, managed_policies, paging, policies, users};

impl Groups for SqliteTx<'_> {
    fn create(&self, group: &GroupRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &group.account_id)?;
            if find_key(connection, &group.account_id, &group.group_name)?.is_some() {
                return Err(
                    StoreError::already_exists(EntityKind::Group, &group.group_name).into(),
                );
            }
            let id_taken = connection
                .prepare_cached("SELECT 1 FROM groups WHERE group_id = ?1")?
                .exists([&group.group_id])?;
            if id_taken {
                return Err(StoreError::already_exists(EntityKind::Group, &group.group_id).into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO groups (account_id, name_key, group_name, group_id, path, arn, \
                     create_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    group.account_id,
                    name_key(&group.group_name),
                    group.group_name,
                    group.group_id,
                    group.path,
                    group.arn,
                    group.create_date,
                ])?;
            Ok(())
        })
    }

    fn get(&self, account_id: &str, group_name: &str) -> Result<Option<GroupRecord>, StoreError> {
        let connection = self.connection;
        settle(|| get(connection, account_id, &name_key(group_name)))
    }

    fn list(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<GroupRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let (max_items, limit) = paging::limits(page);
            let sql = format!(
                "SELECT {GROUP_COLUMNS} FROM groups WHERE account_id = ?1 \
                 AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2) \
                 AND (?3 IS NULL OR name_key > ?3) \
                 ORDER BY name_key LIMIT ?4"
            );
            let rows: Vec<GroupRecord> = connection
                .prepare_cached(&sql)?
                .query_map(
                    params![account_id, path_prefix, page.marker, limit],
                    group_from_row,
                )?
                .collect::<Result<_, _>>()?;
            Ok(paging::page_of(rows, max_items, |last| {
                name_key(&last.group_name)
            }))
        })
    }

    fn update(
        &self,
        account_id: &str,
        group_name: &str,
        update: &GroupUpdate,
    ) -> Result<GroupRecord, StoreError> {
        let connection = self.connection;
        settle(|| {
            let old_key = require(connection, account_id, group_name)?;
            let current = get(connection, account_id, &old_key)?
                .ok_or_else(|| StoreError::not_found(EntityKind::Group, group_name))?;
            let new_key = name_key(&update.group_name);
            if update.group_name != current.group_name
                && (new_key == old_key
                    || find_key(connection, account_id, &update.group_name)?.is_some())
            {
                return Err(
                    StoreError::already_exists(EntityKind::Group, &update.group_name).into(),
                );
            }
            // Members and policies follow through ON UPDATE CASCADE.
            connection
                .prepare_cached(
                    "UPDATE groups SET name_key = ?1, group_name = ?2, path = ?3, arn = ?4 \
                     WHERE account_id = ?5 AND name_key = ?6",
                )?
                .execute(params![
                    new_key,
                    update.group_name,
                    update.path,
                    update.arn,
                    account_id,
                    old_key
                ])?;
            Ok(get(connection, account_id, &new_key)?
                .ok_or_else(|| StoreError::not_found(EntityKind::Group, &update.group_name))?)
        })
    }

    fn delete(&self, account_id: &str, group_name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = require(connection, account_id, group_name)?;
            let has_members = connection
                .prepare_cached(
                    "SELECT 1 FROM group_members WHERE account_id = ?1 AND group_key = ?2",
                )?
                .exists(params![account_id, key])?;
            if has_members {
                return Err(StoreError::group_has_members().into());
            }
            if policies::GROUP_POLICIES.any(connection, account_id, &key)? {
                return Err(StoreError::has_inline_policies().into());
            }
            if managed_policies::GROUP_ATTACHMENTS.any(connection, account_id, &key)? {
                return Err(StoreError::has_attached_policies().into());
            }
            connection
                .prepare_cached("DELETE FROM groups WHERE account_id = ?1 AND name_key = ?2")?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }

    fn add_member(
        &self,
        account_id: &str,
        group_name: &str,
        user_name: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let group_key = require(connection, account_id, group_name)?;
            let user_key = users::require(connection, account_id, user_name)?;
            let already = connection
                .prepare_cached(
                    "SELECT 1 FROM group_members \
                     WHERE account_id = ?1 AND group_key = ?2 AND user_key = ?3",
                )?
                .exists(params![account_id, group_key, user_key])?;
            if already {
                return Ok(());
            }
            let count: i64 = connection
                .prepare_cached(
                    "SELECT count(*) FROM group_members WHERE account_id = ?1 AND user_key = ?2",
                )?
                .query_row(params![account_id, user_key], |row| row.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= GROUPS_PER_USER {
                return Err(StoreError::group_quota_exceeded().into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO group_members (account_id, group_key, user_key) \
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(params![account_id, group_key, user_key])?;
            Ok(())
        })
    }

    fn remove_member(
        &self,
        account_id: &str,
        group_name: &str,
        user_name: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let group_key = require(connection, account_id, group_name)?;
            let user_key = users::require(connection, account_id, user_name)?;
            let removed = connection
                .prepare_cached(
                    "DELETE FROM group_members \
                     WHERE account_id = ?1 AND group_key = ?2 AND user_key = ?3",
                )?
                .execute(params![account_id, group_key, user_key])?;
            if removed == 0 {
                return Err(StoreError::not_found(EntityKind::User, user_name).into());
            }
            Ok(())
        })
    }

    fn members(&self, account_id: &str, group_name: &str) -> Result<Vec<UserRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let group_key = require(connection, account_id, group_name)?;
            let names: Vec<String> = connection
                .prepare_cached(
                    "SELECT user_key FROM group_members \
                     WHERE account_id = ?1 AND group_key = ?2 ORDER BY user_key",
                )?
                .query_map(params![account_id, group_key], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            let mut members = Vec::with_capacity(names.len());
            for name in names {
                if let Some(user) = users::get(connection, account_id, &name)? {
                    members.push(user);
                }
            }
            Ok(members)
        })
    }

    fn groups_of(&self, account_id: &str, user_name: &str) -> Result<Vec<GroupRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, account_id, user_name)?;
            // Without INDEXED BY, SQLite (no statistics) prefers to walk every membership of
            // the account in group order over sorting this user's few groups: a scan of the
            // account on every refresh of a user.
            let sql = format!(
                "SELECT {} FROM group_members m INDEXED BY group_members_by_user JOIN groups g \
                 ON g.account_id = m.account_id AND g.name_key = m.group_key \
                 WHERE m.account_id = ?1 AND m.user_key = ?2 ORDER BY g.name_key",
                qualified("g")
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, user_key], group_from_row)?
                .collect::<Result<_, _>>()?)
        })
    }
}

/// The group columns, in the order [`group_from_row`] reads them.
pub(crate) const GROUP_COLUMNS: &str = "account_id, group_name, group_id, path, arn, create_date";

/// [`GROUP_COLUMNS`] of the table aliased `alias`.
fn qualified(alias: &str) -> String {
    GROUP_COLUMNS
        .split(", ")
        .map(|column| format!("{alias}.{column}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a group row (columns [`GROUP_COLUMNS`]).
pub(crate) fn group_from_row(row: &Row<'_>) -> rusqlite::Result<GroupRecord> {
    Ok(GroupRecord {
        account_id: row.get(0)?,
        group_name: row.get(1)?,
        group_id: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        create_date: row.get(5)?,
    })
}

/// The group with this case-folded key.
fn get(connection: &Connection, account_id: &str, key: &str) -> Outcome<Option<GroupRecord>> {
    let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE account_id = ?1 AND name_key = ?2");
    Ok(connection
        .prepare_cached(&sql)?
        .query_row(params![account_id, key], group_from_row)
        .optional()?)
}

/// The case-folded key of the group of this name, if the group exists.
fn find_key(
    connection: &Connection,
    account_id: &str,
    group_name: &str,
) -> Outcome<Option<String>> {
    let key = name_key(group_name);
    let exists = connection
        .prepare_cached("SELECT 1 FROM groups WHERE account_id = ?1 AND name_key = ?2")?
        .exists(params![account_id, key])?;
    Ok(exists.then_some(key))
}

/// The case-folded key of the group of this name, or [`StoreError::NotFound`].
pub(crate) fn require(
    connection: &Connection,
    account_id: &str,
    group_name: &str,
) -> Outcome<String> {
    find_key(connection, account_id, group_name)?
        .ok_or_else(|| StoreError::not_found(EntityKind::Group, group_name).into())
}
