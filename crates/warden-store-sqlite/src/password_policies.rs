//! Accounts' password policies.

use rusqlite::{OptionalExtension, Row, params};
use warden_store::{EntityKind, PasswordPolicies, PasswordPolicyRecord, StoreError};

use crate::accounts;
use crate::tx::{SqliteTx, settle};

impl PasswordPolicies for SqliteTx<'_> {
    fn get(&self, account_id: &str) -> Result<Option<PasswordPolicyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql =
                format!("SELECT {POLICY_COLUMNS} FROM password_policies WHERE account_id = ?1");
            Ok(connection
                .prepare_cached(&sql)?
                .query_row([account_id], policy_from_row)
                .optional()?)
        })
    }

    fn put(&self, policy: &PasswordPolicyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &policy.account_id)?;
            let sql = format!(
                "INSERT OR REPLACE INTO password_policies ({POLICY_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            );
            connection.prepare_cached(&sql)?.execute(params![
                policy.account_id,
                policy.minimum_password_length,
                policy.require_symbols,
                policy.require_numbers,
                policy.require_uppercase_characters,
                policy.require_lowercase_characters,
                policy.allow_users_to_change_password,
                policy.max_password_age,
                policy.password_reuse_prevention,
                policy.hard_expiry,
            ])?;
            Ok(())
        })
    }

    fn delete(&self, account_id: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let deleted = connection
                .prepare_cached("DELETE FROM password_policies WHERE account_id = ?1")?
                .execute([account_id])?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::PasswordPolicy, account_id).into());
            }
            Ok(())
        })
    }
}

/// The password policy columns, in the order [`policy_from_row`] reads them.
const POLICY_COLUMNS: &str = "account_id, minimum_password_length, require_symbols, \
     require_numbers, require_uppercase_characters, require_lowercase_characters, \
     allow_users_to_change_password, max_password_age, password_reuse_prevention, hard_expiry";

/// Reads a password policy row (columns [`POLICY_COLUMNS`]).
fn policy_from_row(row: &Row<'_>) -> rusqlite::Result<PasswordPolicyRecord> {
    Ok(PasswordPolicyRecord {
        account_id: row.get(0)?,
        minimum_password_length: row.get(1)?,
        require_symbols: row.get(2)?,
        require_numbers: row.get(3)?,
        require_uppercase_characters: row.get(4)?,
        require_lowercase_characters: row.get(5)?,
        allow_users_to_change_password: row.get(6)?,
        max_password_age: row.get(7)?,
        password_reuse_prevention: row.get(8)?,
        hard_expiry: row.get(9)?,
    })
}
