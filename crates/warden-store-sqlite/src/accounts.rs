//! Accounts, their aliases, and wrapped keys.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    AccountRecord, Accounts, EntityKind, OutboundFederationRecord, StoreError, WrappedKeyRecord,
    WrappedKeys,
};

use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};

impl Accounts for SqliteTx<'_> {
    fn create(&self, account: &AccountRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            if exists(connection, &account.account_id)? {
                return Err(
                    StoreError::already_exists(EntityKind::Account, &account.account_id).into(),
                );
            }
            connection.execute(
                "INSERT INTO accounts (account_id, create_date) VALUES (?1, ?2)",
                params![account.account_id, account.create_date],
            )?;
            Ok(())
        })
    }

    fn get(&self, account_id: &str) -> Result<Option<AccountRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(
                    "SELECT account_id, create_date FROM accounts WHERE account_id = ?1",
                )?
                .query_row([account_id], account_from_row)
                .optional()?)
        })
    }

    fn list(&self) -> Result<Vec<AccountRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let mut statement = connection.prepare_cached(
                "SELECT account_id, create_date FROM accounts ORDER BY account_id",
            )?;
            let accounts = statement
                .query_map([], account_from_row)?
                .collect::<Result<_, _>>()?;
            Ok(accounts)
        })
    }

    fn alias(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached("SELECT alias FROM account_aliases WHERE account_id = ?1")?
                .query_row([account_id], |row| row.get(0))
                .optional()?)
        })
    }

    fn set_alias(&self, account_id: &str, alias: Option<&str>) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, account_id)?;
            let Some(alias) = alias else {
                connection
                    .prepare_cached("DELETE FROM account_aliases WHERE account_id = ?1")?
                    .execute([account_id])?;
                return Ok(());
            };
            let taken = connection
                .prepare_cached(
                    "SELECT 1 FROM account_aliases WHERE alias = ?1 AND account_id <> ?2",
                )?
                .exists([alias, account_id])?;
            if taken {
                return Err(StoreError::already_exists(EntityKind::AccountAlias, alias).into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO account_aliases (account_id, alias) VALUES (?1, ?2) \
                     ON CONFLICT (account_id) DO UPDATE SET alias = excluded.alias",
                )?
                .execute([account_id, alias])?;
            Ok(())
        })
    }

    fn outbound_federation(
        &self,
        account_id: &str,
    ) -> Result<Option<OutboundFederationRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(
                    "SELECT issuer_id, enabled FROM outbound_federation WHERE account_id = ?1",
                )?
                .query_row([account_id], |row| {
                    Ok(OutboundFederationRecord {
                        issuer_id: row.get(0)?,
                        enabled: row.get(1)?,
                    })
                })
                .optional()?)
        })
    }

    fn set_outbound_federation(
        &self,
        account_id: &str,
        federation: &OutboundFederationRecord,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, account_id)?;
            connection
                .prepare_cached(
                    "INSERT INTO outbound_federation (account_id, issuer_id, enabled) \
                     VALUES (?1, ?2, ?3) ON CONFLICT (account_id) DO UPDATE SET \
                     issuer_id = excluded.issuer_id, enabled = excluded.enabled",
                )?
                .execute(params![
                    account_id,
                    federation.issuer_id,
                    federation.enabled
                ])?;
            Ok(())
        })
    }
}

impl WrappedKeys for SqliteTx<'_> {
    fn create(&self, key: &WrappedKeyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let taken = connection
                .prepare_cached("SELECT 1 FROM wrapped_keys WHERE name = ?1")?
                .exists([&key.name])?;
            if taken {
                return Err(StoreError::already_exists(EntityKind::WrappedKey, &key.name).into());
            }
            connection.execute(
                "INSERT INTO wrapped_keys (name, wrapped, create_date) VALUES (?1, ?2, ?3)",
                params![key.name, key.wrapped, key.create_date],
            )?;
            Ok(())
        })
    }

    fn get(&self, name: &str) -> Result<Option<WrappedKeyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(
                    "SELECT name, wrapped, create_date FROM wrapped_keys WHERE name = ?1",
                )?
                .query_row([name], |row| {
                    Ok(WrappedKeyRecord {
                        name: row.get(0)?,
                        wrapped: row.get(1)?,
                        create_date: row.get(2)?,
                    })
                })
                .optional()?)
        })
    }
}

/// Whether the account exists.
pub(crate) fn exists(connection: &Connection, account_id: &str) -> Outcome<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM accounts WHERE account_id = ?1")?
        .exists([account_id])?)
}

/// Fails with [`StoreError::NotFound`] unless the account exists.
pub(crate) fn require(connection: &Connection, account_id: &str) -> Outcome<()> {
    if exists(connection, account_id)? {
        Ok(())
    } else {
        Err(StoreError::not_found(EntityKind::Account, account_id).into())
    }
}

pub(crate) fn account_from_row(row: &Row<'_>) -> rusqlite::Result<AccountRecord> {
    Ok(AccountRecord {
        account_id: row.get(0)?,
        create_date: row.get(1)?,
    })
}
