//! Inline policies of users, groups and roles: one implementation over each holder kind's
//! table ([`USER_POLICIES`], [`GROUP_POLICIES`], [`ROLE_POLICIES`]), each row keyed by its
//! holder's case-folded name and following the holder's renames through `ON UPDATE CASCADE`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{EntityKind, InlinePolicies, InlinePolicyRecord, StoreError, name_key};

use crate::failure::Outcome;
use crate::holders::{GROUPS, Holder, ROLES, USERS};
use crate::tx::settle;

/// Where one kind of holder's inline policies live.
pub(crate) struct PolicyTable {
    /// The kind named when a policy is missing.
    policy_kind: EntityKind,
    /// The policies' table.
    table: &'static str,
    /// Whose policies they are.
    holder: &'static Holder,
}

/// Inline policies embedded in users.
pub(crate) const USER_POLICIES: PolicyTable = PolicyTable {
    policy_kind: EntityKind::UserPolicy,
    table: "user_policies",
    holder: &USERS,
};

/// Inline policies embedded in groups.
pub(crate) const GROUP_POLICIES: PolicyTable = PolicyTable {
    policy_kind: EntityKind::GroupPolicy,
    table: "group_policies",
    holder: &GROUPS,
};

/// Inline policies embedded in roles.
pub(crate) const ROLE_POLICIES: PolicyTable = PolicyTable {
    policy_kind: EntityKind::RolePolicy,
    table: "role_policies",
    holder: &ROLES,
};

impl PolicyTable {
    /// Selects policies (aliased `t`) with their holder's stored name; callers append a
    /// WHERE clause on `t.account_id`, the holder's key and `t.policy_key`.
    pub(crate) fn select(&self) -> String {
        self.holder.select(self.table, "t.policy_name, t.document")
    }

    /// Whether the holder with this key has any inline policy.
    pub(crate) fn any(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
    ) -> Outcome<bool> {
        self.holder
            .has_rows(connection, self.table, account_id, key)
    }

    /// Every policy of this kind, by account, holder, then policy name (for the snapshot).
    pub(crate) fn all(&self, connection: &Connection) -> Outcome<Vec<InlinePolicyRecord>> {
        let sql = format!(
            "{} ORDER BY t.account_id, t.{}, t.policy_key",
            self.select(),
            self.holder.key
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
            let holder =
                (table.holder.require)(connection, &policy.account_id, &policy.holder_name)?;
            let sql = format!(
                "INSERT INTO {t} (account_id, {k}, policy_key, policy_name, document) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (account_id, {k}, policy_key) \
                 DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document",
                t = table.table,
                k = table.holder.key,
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
                "{} WHERE t.account_id = ?1 AND t.{} = ?2 AND t.policy_key = ?3",
                table.select(),
                table.holder.key
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
            let holder = (table.holder.require)(connection, account_id, holder_name)?;
            let sql = format!(
                "{} WHERE t.account_id = ?1 AND t.{} = ?2 ORDER BY t.policy_key",
                table.select(),
                table.holder.key
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
            let holder = (table.holder.require)(connection, account_id, holder_name)?;
            let sql = format!(
                "DELETE FROM {} WHERE account_id = ?1 AND {} = ?2 AND policy_key = ?3",
                table.table, table.holder.key
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
