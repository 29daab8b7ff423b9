//! Inline user policies.

use rusqlite::{OptionalExtension, Row, params};
use warden_store::{EntityKind, StoreError, UserPolicies, UserPolicyRecord, name_key};

use crate::tx::{SqliteTx, settle};
use crate::users;

impl UserPolicies for SqliteTx<'_> {
    fn put(&self, policy: &UserPolicyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, &policy.account_id, &policy.user_name)?;
            connection.execute(
        "INSERT INTO user_policies (account_id, user_key, policy_key, policy_name, document) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (account_id, user_key, policy_key) \
         DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document",
        params![
            policy.account_id,
            user_key,
            name_key(&policy.policy_name),
            policy.policy_name,
            policy.document,
        ],
    )?;
            Ok(())
        })
    }

    fn get(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<Option<UserPolicyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!(
                "{SELECT_POLICIES} WHERE p.account_id = ?1 AND p.user_key = ?2 AND p.policy_key = ?3"
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(
                    params![account_id, name_key(user_name), name_key(policy_name)],
                    policy_from_row,
                )
                .optional()?)
        })
    }

    fn list(&self, account_id: &str, user_name: &str) -> Result<Vec<UserPolicyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, account_id, user_name)?;
            let sql = format!(
                "{SELECT_POLICIES} WHERE p.account_id = ?1 AND p.user_key = ?2 ORDER BY p.policy_key"
            );
            let policies = connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, user_key], policy_from_row)?
                .collect::<Result<_, _>>()?;
            Ok(policies)
        })
    }

    fn delete(
        &self,
        account_id: &str,
        user_name: &str,
        policy_name: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let user_key = users::require(connection, account_id, user_name)?;
            let deleted = connection.execute(
        "DELETE FROM user_policies WHERE account_id = ?1 AND user_key = ?2 AND policy_key = ?3",
        params![account_id, user_key, name_key(policy_name)],
    )?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::UserPolicy, policy_name).into());
            }
            Ok(())
        })
    }
}

/// Selects policies with their user's stored name; callers append a WHERE clause.
pub(crate) const SELECT_POLICIES: &str = "SELECT p.account_id, u.user_name, p.policy_name, p.document \
     FROM user_policies p JOIN users u ON u.account_id = p.account_id AND u.name_key = p.user_key";

/// Reads a row selected by [`SELECT_POLICIES`].
pub(crate) fn policy_from_row(row: &Row<'_>) -> rusqlite::Result<UserPolicyRecord> {
    Ok(UserPolicyRecord {
        account_id: row.get(0)?,
        user_name: row.get(1)?,
        policy_name: row.get(2)?,
        document: row.get(3)?,
    })
}
