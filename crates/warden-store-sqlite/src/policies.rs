//! Inline policies of users and groups: one implementation over each holder kind's table
//! ([`USER_POLICIES`], [`GROUP_POLICIES`]), each row keyed by its holder's case-folded name
//! and following the holder's renames through `ON UPDATE CASCADE`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{EntityKind, InlinePolicies, InlinePolicyRecord, StoreError, name_key};

use crate::failure::Outcome;
use crate::tx::settle;
use crate::{groups, users};

/// Where one kind of holder's inline policies live.
pub(crate) struct PolicyTable {
    /// The kind named when a policy is missing.
    policy_kind: EntityKind,
    /// The policies' table.
    table: &'static str,
    /// Its column holding the holder's case-folded name.
    holder_key: &'static str,
    /// The holders' table and its name column (for the stored spelling).
    holder_table: &'static str,
    holder_name: &'static str,
    /// The holder's key, or NotFound for the holder.
    require: fn(&Connection, &str, &str) -> Outcome<String>,
}

/// Inline policies embedded in users.
pub(crate) const USER_POLICIES: PolicyTable = PolicyTable {
    policy_kind: EntityKind::UserPolicy,
    table: "user_policies",
    holder_key: "user_key",
    holder_table: "users",
    holder_name: "user_name",
    require: users::require,
};

/// Inline policies embedded in groups.
pub(crate) const GROUP_POLICIES: PolicyTable = PolicyTable {
    policy_kind: EntityKind::GroupPolicy,
    table: "group_policies",
    holder_key: "group_key",
    holder_table: "groups",
    holder_name: "group_name",
    require: groups::require,
};

impl PolicyTable {
    /// Selects policies with their holder's stored name; callers append a WHERE clause on
    /// `p.account_id`, `p.holder` and `p.policy_key`.
    pub(crate) fn select(&self) -> String {
        format!(
            "SELECT p.account_id, h.{name}, p.policy_name, p.document \
             FROM {table} p JOIN {holders} h \
             ON h.account_id = p.account_id AND h.name_key = p.{key}",
            name = self.holder_name,
            table = self.table,
            holders = self.holder_table,
            key = self.holder_key,
        )
    }

    /// Whether the holder with this key has any inline policy.
    pub(crate) fn any(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
    ) -> Outcome<bool> {
        let sql = format!(
            "SELECT 1 FROM {} WHERE account_id = ?1 AND {} = ?2",
            self.table, self.holder_key
        );
        Ok(connection
            .prepare_cached(&sql)?
            .exists(params![account_id, key])?)
    }

    /// Every policy of this kind, by account, holder, then policy name (for the snapshot).
    pub(crate) fn all(&self, connection: &Connection) -> Outcome<Vec<InlinePolicyRecord>> {
        let sql = format!(
            "{} ORDER BY p.account_id, p.{}, p.policy_key",
            self.select(),
            self.holder_key
        );
        Ok(connection
            .prepare_cached(&sql)?
            .query_map([], policy_from_row)?
            .collect::<Result<_, _>>()?)
    }
}

/// One transaction's view of one holder kind's inline policies.
pub(crate) struct SqlitePolicies<'c> {
    pub(crate) connection: &'c Connection,
    pub(crate) table: &'static PolicyTable,
}

impl InlinePolicies for SqlitePolicies<'_> {
    fn put(&self, policy: &InlinePolicyRecord) -> Result<(), StoreError> {
        let (connection, table) = (self.connection, self.table);
        settle(|| {
            let holder = (table.require)(connection, &policy.account_id, &policy.holder_name)?;
            let sql = format!(
                "INSERT INTO {t} (account_id, {k}, policy_key, policy_name, document) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (account_id, {k}, policy_key) \
                 DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document",
                t = table.table,
                k = table.holder_key,
            );
            connection.prepare_cached(&sql)?.execute(params![
                policy.account_id,
                holder,
                name_key(&policy.policy_name),
                policy.policy_name,
                policy.document,
            ])?;
            Ok(())
        })
    }

    fn get(
        &self,
        account_id: &str,
        holder_name: &str,
        policy_name: &str,
    ) -> Result<Option<InlinePolicyRecord>, StoreError> {
        let (connection, table) = (self.connection, self.table);
        settle(|| {
            let sql = format!(
                "{} WHERE p.account_id = ?1 AND p.{} = ?2 AND p.policy_key = ?3",
                table.select(),
                table.holder_key
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(
                    params![account_id, name_key(holder_name), name_key(policy_name)],
                    policy_from_row,
                )
                .optional()?)
        })
    }

    fn list(
        &self,
        account_id: &str,
        holder_name: &str,
    ) -> Result<Vec<InlinePolicyRecord>, StoreError> {
        let (connection, table) = (self.connection, self.table);
        settle(|| {
            let holder = (table.require)(connection, account_id, holder_name)?;
            let sql = format!(
                "{} WHERE p.account_id = ?1 AND p.{} = ?2 ORDER BY p.policy_key",
                table.select(),
                table.holder_key
            );
            let policies = connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, holder], policy_from_row)?
                .collect::<Result<_, _>>()?;
            Ok(policies)
        })
    }

    fn delete(
        &self,
        account_id: &str,
        holder_name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError> {
        let (connection, table) = (self.connection, self.table);
        settle(|| {
            let holder = (table.require)(connection, account_id, holder_name)?;
            let sql = format!(
                "DELETE FROM {} WHERE account_id = ?1 AND {} = ?2 AND policy_key = ?3",
                table.table, table.holder_key
            );
            let deleted = connection.prepare_cached(&sql)?.execute(params![
                account_id,
                holder,
                name_key(policy_name)
            ])?;
            if deleted == 0 {
                return Err(StoreError::not_found(table.policy_kind, policy_name).into());
            }
            Ok(())
        })
    }
}

/// Reads a row selected by [`PolicyTable::select`].
fn policy_from_row(row: &Row<'_>) -> rusqlite::Result<InlinePolicyRecord> {
    Ok(InlinePolicyRecord {
        account_id: row.get(0)?,
        holder_name: row.get(1)?,
        policy_name: row.get(2)?,
        document: row.get(3)?,
    })
}
