//! KMS keys (with their sealed material versions and tags), aliases and grants.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    Kms, KmsAliasRecord, KmsGrantRecord, KmsKeyMaterialRecord, KmsKeyRecord, StoreError,
};

use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};

/// The key columns, in the order [`key_from_row`] reads them.
const KEY_COLUMNS: &str = "key_id, account_id, region, arn, description, key_spec, key_usage, \
     origin, state, created, deletion_date, pending_window_days, policy, rotation_period_days, \
     next_rotation";

/// The alias columns, in the order [`alias_from_row`] reads them.
const ALIAS_COLUMNS: &str = "account_id, region, name, target_key_id, created, updated";

/// The grant columns, in the order [`grant_from_row`] reads them.
const GRANT_COLUMNS: &str = "key_id, grant_id, name, grantee_principal, retiring_principal, \
     issuing_account, operations, has_context_equals, has_context_subset, created";

impl Kms for SqliteTx<'_> {
    fn put_key(&self, key: &KmsKeyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            connection.execute(
                &format!(
                    "INSERT OR REPLACE INTO kms_keys ({KEY_COLUMNS}) VALUES \
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
                ),
                params![
                    key.key_id,
                    key.account_id,
                    key.region,
                    key.arn,
                    key.description,
                    key.key_spec,
                    key.key_usage,
                    key.origin,
                    key.state,
                    key.created,
                    key.deletion_date,
                    key.pending_window_days,
                    key.policy,
                    key.rotation_period_days,
                    key.next_rotation,
                ],
            )?;
            delete_children(connection, &key.key_id)?;
            let mut insert_tag = connection.prepare_cached(
                "INSERT INTO kms_key_tags (key_id, ordinal, tag_key, tag_value) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (ordinal, (tag_key, value)) in (0_i64..).zip(&key.tags) {
                insert_tag.execute(params![key.key_id, ordinal, tag_key, value])?;
            }
            let mut insert_material = connection.prepare_cached(
                "INSERT INTO kms_key_materials \
                 (key_id, ordinal, material_id, sealed, created, rotation_type) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (ordinal, material) in (0_i64..).zip(&key.materials) {
                insert_material.execute(params![
                    key.key_id,
                    ordinal,
                    material.material_id,
                    material.sealed,
                    material.created,
                    material.rotation_type,
                ])?;
            }
            Ok(())
        })
    }

    fn key(&self, key_id: &str) -> Result<Option<KmsKeyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let key = connection
                .prepare_cached(&format!(
                    "SELECT {KEY_COLUMNS} FROM kms_keys WHERE key_id = ?1"
                ))?
                .query_row([key_id], key_from_row)
                .optional()?;
            let Some(mut key) = key else {
                return Ok(None);
            };
            key.tags = connection
                .prepare_cached(
                    "SELECT tag_key, tag_value FROM kms_key_tags WHERE key_id = ?1 \
                     ORDER BY ordinal",
                )?
                .query_map([key_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            key.materials = connection
                .prepare_cached(
                    "SELECT material_id, sealed, created, rotation_type FROM kms_key_materials \
                     WHERE key_id = ?1 ORDER BY ordinal",
                )?
                .query_map([key_id], |row| {
                    Ok(KmsKeyMaterialRecord {
                        material_id: row.get(0)?,
                        sealed: row.get(1)?,
                        created: row.get(2)?,
                        rotation_type: row.get(3)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            Ok(Some(key))
        })
    }

    fn key_ids(&self, account_id: &str, region: &str) -> Result<Vec<String>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(
                    "SELECT key_id FROM kms_keys WHERE account_id = ?1 AND region = ?2 \
                     ORDER BY key_id",
                )?
                .query_map([account_id, region], |row| row.get(0))?
                .collect::<Result<_, _>>()?)
        })
    }

    fn delete_key(&self, key_id: &str) -> Result<bool, StoreError> {
        let connection = self.connection;
        settle(|| {
            delete_children(connection, key_id)?;
            connection.execute("DELETE FROM kms_aliases WHERE target_key_id = ?1", [key_id])?;
            connection.execute("DELETE FROM kms_grant_context WHERE key_id = ?1", [key_id])?;
            connection.execute("DELETE FROM kms_grants WHERE key_id = ?1", [key_id])?;
            Ok(connection.execute("DELETE FROM kms_keys WHERE key_id = ?1", [key_id])? > 0)
        })
    }

    fn put_alias(&self, alias: &KmsAliasRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            connection.execute(
                &format!(
                    "INSERT OR REPLACE INTO kms_aliases ({ALIAS_COLUMNS}) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ),
                params![
                    alias.account_id,
                    alias.region,
                    alias.name,
                    alias.target_key_id,
                    alias.created,
                    alias.updated,
                ],
            )?;
            Ok(())
        })
    }

    fn alias(
        &self,
        account_id: &str,
        region: &str,
        name: &str,
    ) -> Result<Option<KmsAliasRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(&format!(
                    "SELECT {ALIAS_COLUMNS} FROM kms_aliases \
                     WHERE account_id = ?1 AND region = ?2 AND name = ?3"
                ))?
                .query_row([account_id, region, name], alias_from_row)
                .optional()?)
        })
    }

    fn aliases(&self, account_id: &str, region: &str) -> Result<Vec<KmsAliasRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(&format!(
                    "SELECT {ALIAS_COLUMNS} FROM kms_aliases \
                     WHERE account_id = ?1 AND region = ?2 ORDER BY name"
                ))?
                .query_map([account_id, region], alias_from_row)?
                .collect::<Result<_, _>>()?)
        })
    }

    fn delete_alias(&self, account_id: &str, region: &str, name: &str) -> Result<bool, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection.execute(
                "DELETE FROM kms_aliases WHERE account_id = ?1 AND region = ?2 AND name = ?3",
                [account_id, region, name],
            )? > 0)
        })
    }

    fn put_grant(&self, grant: &KmsGrantRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let seq: i64 = connection.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM kms_grants",
                [],
                |row| row.get(0),
            )?;
            connection.execute(
                &format!(
                    "INSERT INTO kms_grants ({GRANT_COLUMNS}, seq) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                ),
                params![
                    grant.key_id,
                    grant.grant_id,
                    grant.name,
                    grant.grantee_principal,
                    grant.retiring_principal,
                    grant.issuing_account,
                    grant.operations.join(","),
                    grant.context_equals.is_some(),
                    grant.context_subset.is_some(),
                    grant.created,
                    seq,
                ],
            )?;
            let mut insert = connection.prepare_cached(
                "INSERT INTO kms_grant_context \
                 (key_id, grant_id, kind, context_key, context_value) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (kind, pairs) in [
                ("equals", &grant.context_equals),
                ("subset", &grant.context_subset),
            ] {
                for (context_key, value) in pairs.iter().flatten() {
                    insert.execute(params![
                        grant.key_id,
                        grant.grant_id,
                        kind,
                        context_key,
                        value
                    ])?;
                }
            }
            Ok(())
        })
    }

    fn grants(&self, key_id: &str) -> Result<Vec<KmsGrantRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let grants: Vec<KmsGrantRecord> = connection
                .prepare_cached(&format!(
                    "SELECT {GRANT_COLUMNS} FROM kms_grants WHERE key_id = ?1 ORDER BY seq"
                ))?
                .query_map([key_id], grant_from_row)?
                .collect::<Result<_, _>>()?;
            grants
                .into_iter()
                .map(|grant| with_context(connection, grant))
                .collect()
        })
    }

    fn retirable_grants(
        &self,
        retiring_principal: &str,
    ) -> Result<Vec<KmsGrantRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let grants: Vec<KmsGrantRecord> = connection
                .prepare_cached(&format!(
                    "SELECT {GRANT_COLUMNS} FROM kms_grants WHERE retiring_principal = ?1 \
                     ORDER BY seq"
                ))?
                .query_map([retiring_principal], grant_from_row)?
                .collect::<Result<_, _>>()?;
            grants
                .into_iter()
                .map(|grant| with_context(connection, grant))
                .collect()
        })
    }

    fn delete_grant(&self, key_id: &str, grant_id: &str) -> Result<bool, StoreError> {
        let connection = self.connection;
        settle(|| {
            connection.execute(
                "DELETE FROM kms_grant_context WHERE key_id = ?1 AND grant_id = ?2",
                [key_id, grant_id],
            )?;
            Ok(connection.execute(
                "DELETE FROM kms_grants WHERE key_id = ?1 AND grant_id = ?2",
                [key_id, grant_id],
            )? > 0)
        })
    }
}

fn delete_children(connection: &Connection, key_id: &str) -> Outcome<()> {
    connection.execute("DELETE FROM kms_key_tags WHERE key_id = ?1", [key_id])?;
    connection.execute("DELETE FROM kms_key_materials WHERE key_id = ?1", [key_id])?;
    Ok(())
}

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<KmsKeyRecord> {
    Ok(KmsKeyRecord {
        key_id: row.get(0)?,
        account_id: row.get(1)?,
        region: row.get(2)?,
        arn: row.get(3)?,
        description: row.get(4)?,
        key_spec: row.get(5)?,
        key_usage: row.get(6)?,
        origin: row.get(7)?,
        state: row.get(8)?,
        created: row.get(9)?,
        deletion_date: row.get(10)?,
        pending_window_days: row.get(11)?,
        policy: row.get(12)?,
        rotation_period_days: row.get(13)?,
        next_rotation: row.get(14)?,
        tags: Vec::new(),
        materials: Vec::new(),
    })
}

fn alias_from_row(row: &Row<'_>) -> rusqlite::Result<KmsAliasRecord> {
    Ok(KmsAliasRecord {
        account_id: row.get(0)?,
        region: row.get(1)?,
        name: row.get(2)?,
        target_key_id: row.get(3)?,
        created: row.get(4)?,
        updated: row.get(5)?,
    })
}

fn grant_from_row(row: &Row<'_>) -> rusqlite::Result<KmsGrantRecord> {
    let operations: String = row.get(6)?;
    let has_equals: bool = row.get(7)?;
    let has_subset: bool = row.get(8)?;
    Ok(KmsGrantRecord {
        key_id: row.get(0)?,
        grant_id: row.get(1)?,
        name: row.get(2)?,
        grantee_principal: row.get(3)?,
        retiring_principal: row.get(4)?,
        issuing_account: row.get(5)?,
        operations: operations
            .split(',')
            .filter(|operation| !operation.is_empty())
            .map(str::to_owned)
            .collect(),
        context_equals: has_equals.then(Vec::new),
        context_subset: has_subset.then(Vec::new),
        created: row.get(9)?,
    })
}

fn with_context(connection: &Connection, mut grant: KmsGrantRecord) -> Outcome<KmsGrantRecord> {
    let pairs: Vec<(String, String, String)> = connection
        .prepare_cached(
            "SELECT kind, context_key, context_value FROM kms_grant_context \
             WHERE key_id = ?1 AND grant_id = ?2 ORDER BY context_key",
        )?
        .query_map([&grant.key_id, &grant.grant_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    for (kind, context_key, value) in pairs {
        let target = if kind == "equals" {
            grant.context_equals.as_mut()
        } else {
            grant.context_subset.as_mut()
        };
        if let Some(target) = target {
            target.push((context_key, value));
        }
    }
    Ok(grant)
}
