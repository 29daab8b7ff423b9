//! CloudTrail trails, their tags and their delivery records.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};
use warden_store::{EntityKind, StoreError, TrailDelivery, TrailRecord, Trails};

use crate::accounts;
use crate::failure::Outcome;
use crate::tx::{SqliteTx, settle};

impl Trails for SqliteTx<'_> {
    fn create(&self, trail: &TrailRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &trail.account_id)?;
            if exists(connection, &trail.account_id, &trail.name)? {
                return Err(StoreError::already_exists(EntityKind::Trail, &trail.name).into());
            }
            connection.execute(
                &format!(
                    "INSERT INTO trails ({TRAIL_COLUMNS}) VALUES \
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
                ),
                settings(trail).as_slice(),
            )?;
            write_tags(connection, trail)
        })
    }

    fn get(&self, account_id: &str, name: &str) -> Result<Option<TrailRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let trail = connection
                .prepare_cached(&format!(
                    "SELECT {TRAIL_COLUMNS} FROM trails WHERE account_id = ?1 AND name = ?2"
                ))?
                .query_row(params![account_id, name], trail_from_row)
                .optional()?;
            trail.map(|trail| with_tags(connection, trail)).transpose()
        })
    }

    fn list(&self, account_id: Option<&str>) -> Result<Vec<TrailRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let trails: Vec<TrailRecord> = connection
                .prepare_cached(&format!(
                    "SELECT {TRAIL_COLUMNS} FROM trails WHERE ?1 IS NULL OR account_id = ?1 \
             ORDER BY account_id, name"
                ))?
                .query_map([account_id], trail_from_row)?
                .collect::<Result<_, _>>()?;
            trails
                .into_iter()
                .map(|trail| with_tags(connection, trail))
                .collect()
        })
    }

    fn update(&self, trail: &TrailRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let updated = connection.execute(
        "UPDATE trails SET home_region = ?3, arn = ?4, s3_bucket_name = ?5, s3_key_prefix = ?6, \
         sns_topic_name = ?7, include_global_service_events = ?8, is_multi_region_trail = ?9, \
         log_file_validation_enabled = ?10, is_organization_trail = ?11, \
         cloud_watch_logs_log_group_arn = ?12, cloud_watch_logs_role_arn = ?13, kms_key_id = ?14, \
         logging = ?15, start_logging_time = ?16, stop_logging_time = ?17, create_date = ?18 \
         WHERE account_id = ?1 AND name = ?2",
        settings(trail).as_slice(),
    )?;
            if updated == 0 {
                return Err(StoreError::not_found(EntityKind::Trail, &trail.name).into());
            }
            connection.execute(
                "DELETE FROM trail_tags WHERE account_id = ?1 AND trail_name = ?2",
                params![trail.account_id, trail.name],
            )?;
            write_tags(connection, trail)
        })
    }

    fn delete(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            connection.execute(
                "DELETE FROM trail_tags WHERE account_id = ?1 AND trail_name = ?2",
                params![account_id, name],
            )?;
            let deleted = connection.execute(
                "DELETE FROM trails WHERE account_id = ?1 AND name = ?2",
                params![account_id, name],
            )?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::Trail, name).into());
            }
            Ok(())
        })
    }

    fn delivery(&self, account_id: &str, name: &str) -> Result<TrailDelivery, StoreError> {
        let connection = self.connection;
        settle(|| {
            connection
        .prepare_cached(
            "SELECT latest_delivery_time, latest_digest_delivery_time, latest_delivery_error, \
             delivery_state FROM trails WHERE account_id = ?1 AND name = ?2",
        )?
        .query_row(params![account_id, name], |row| {
            Ok(TrailDelivery {
                latest_delivery_time: row.get(0)?,
                latest_digest_delivery_time: row.get(1)?,
                latest_delivery_error: row.get(2)?,
                state: row.get(3)?,
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::not_found(EntityKind::Trail, name).into())
        })
    }

    fn set_delivery(
        &self,
        account_id: &str,
        name: &str,
        delivery: &TrailDelivery,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let updated = connection.execute(
                "UPDATE trails SET latest_delivery_time = ?3, latest_digest_delivery_time = ?4, \
         latest_delivery_error = ?5, delivery_state = ?6 WHERE account_id = ?1 AND name = ?2",
                params![
                    account_id,
                    name,
                    delivery.latest_delivery_time,
                    delivery.latest_digest_delivery_time,
                    delivery.latest_delivery_error,
                    delivery.state,
                ],
            )?;
            if updated == 0 {
                return Err(StoreError::not_found(EntityKind::Trail, name).into());
            }
            Ok(())
        })
    }
}

/// The trail setting columns, in the order [`trail_from_row`] reads them.
const TRAIL_COLUMNS: &str = "account_id, name, home_region, arn, s3_bucket_name, s3_key_prefix, \
     sns_topic_name, include_global_service_events, is_multi_region_trail, \
     log_file_validation_enabled, is_organization_trail, cloud_watch_logs_log_group_arn, \
     cloud_watch_logs_role_arn, kms_key_id, logging, start_logging_time, stop_logging_time, \
     create_date";

/// A trail's settings as SQL parameters `?1`…`?18`, in [`TRAIL_COLUMNS`] order.
fn settings(trail: &TrailRecord) -> [&dyn ToSql; 18] {
    [
        &trail.account_id,
        &trail.name,
        &trail.home_region,
        &trail.arn,
        &trail.s3_bucket_name,
        &trail.s3_key_prefix,
        &trail.sns_topic_name,
        &trail.include_global_service_events,
        &trail.is_multi_region_trail,
        &trail.log_file_validation_enabled,
        &trail.is_organization_trail,
        &trail.cloud_watch_logs_log_group_arn,
        &trail.cloud_watch_logs_role_arn,
        &trail.kms_key_id,
        &trail.logging,
        &trail.start_logging_time,
        &trail.stop_logging_time,
        &trail.create_date,
    ]
}

fn exists(connection: &Connection, account_id: &str, name: &str) -> Outcome<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM trails WHERE account_id = ?1 AND name = ?2")?
        .exists(params![account_id, name])?)
}

fn write_tags(connection: &Connection, trail: &TrailRecord) -> Outcome<()> {
    let mut insert = connection.prepare_cached(
        "INSERT INTO trail_tags (account_id, trail_name, ordinal, tag_key, tag_value) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (ordinal, (key, value)) in (0_i64..).zip(&trail.tags) {
        insert.execute(params![trail.account_id, trail.name, ordinal, key, value])?;
    }
    Ok(())
}

fn with_tags(connection: &Connection, mut trail: TrailRecord) -> Outcome<TrailRecord> {
    trail.tags = connection
        .prepare_cached(
            "SELECT tag_key, tag_value FROM trail_tags WHERE account_id = ?1 AND trail_name = ?2 \
             ORDER BY ordinal",
        )?
        .query_map(params![trail.account_id, trail.name], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(trail)
}

/// Reads a row selected with [`TRAIL_COLUMNS`] (tags are read separately).
fn trail_from_row(row: &Row<'_>) -> rusqlite::Result<TrailRecord> {
    Ok(TrailRecord {
        account_id: row.get(0)?,
        name: row.get(1)?,
        home_region: row.get(2)?,
        arn: row.get(3)?,
        s3_bucket_name: row.get(4)?,
        s3_key_prefix: row.get(5)?,
        sns_topic_name: row.get(6)?,
        include_global_service_events: row.get(7)?,
        is_multi_region_trail: row.get(8)?,
        log_file_validation_enabled: row.get(9)?,
        is_organization_trail: row.get(10)?,
        cloud_watch_logs_log_group_arn: row.get(11)?,
        cloud_watch_logs_role_arn: row.get(12)?,
        kms_key_id: row.get(13)?,
        logging: row.get(14)?,
        start_logging_time: row.get(15)?,
        stop_logging_time: row.get(16)?,
        create_date: row.get(17)?,
        tags: Vec::new(),
    })
}
