//! Virtual MFA devices, their assignment to root users and IAM users, and their tags.

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    EntityKind, MFA_DEVICES_PER_USER, MfaAssignment, MfaDeviceRecord, MfaDevices, StoreError,
    name_key,
};

use crate::failure::Outcome;
use crate::tags::MFA_DEVICE_TAGS;
use crate::tx::{SqliteTx, settle};
use crate::{accounts, users};

/// The `assigned_to` of a device assigned to the account's root user.
const ROOT: &str = "root";
/// The `assigned_to` of a device assigned to an IAM user (named by `user_key`).
const USER: &str = "user";

/// An owner as stored: its `assigned_to` and `user_key` columns.
type Owner = (&'static str, Option<String>);

impl MfaDevices for SqliteTx<'_> {
    fn create(&self, device: &MfaDeviceRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let account_id = &device.account_id;
            accounts::require(connection, account_id)?;
            let key = name_key(&device.name);
            let name_taken = connection
                .prepare_cached(
                    "SELECT 1 FROM mfa_devices WHERE account_id = ?1 AND name_key = ?2",
                )?
                .exists(params![account_id, key])?;
            if name_taken {
                return Err(StoreError::already_exists(EntityKind::MfaDevice, &device.name).into());
            }
            if find(connection, account_id, &device.serial_number)?.is_some() {
                return Err(StoreError::already_exists(
                    EntityKind::MfaDevice,
                    &device.serial_number,
                )
                .into());
            }
            connection
                .prepare_cached(
                    "INSERT INTO mfa_devices (account_id, name_key, device_name, serial_key, \
                     serial_number, path, seed_sealed, create_date) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    account_id,
                    key,
                    device.name,
                    name_key(&device.serial_number),
                    device.serial_number,
                    device.path,
                    device.seed_sealed,
                    device.create_date,
                ])?;
            MFA_DEVICE_TAGS.insert(connection, account_id, &key, &device.tags)
        })
    }

    fn get(
        &self,
        account_id: &str,
        serial_number: &str,
    ) -> Result<Option<MfaDeviceRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!("{SELECT_DEVICES} WHERE d.account_id = ?1 AND d.serial_key = ?2");
            let device = connection
                .prepare_cached(&sql)?
                .query_row(
                    params![account_id, name_key(serial_number)],
                    device_from_row,
                )
                .optional()?;
            device
                .map(|device| with_tags(connection, device))
                .transpose()
        })
    }

    fn list(&self, account_id: &str) -> Result<Vec<MfaDeviceRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!("{SELECT_DEVICES} WHERE d.account_id = ?1 ORDER BY d.serial_key");
            let devices: Vec<MfaDeviceRecord> = connection
                .prepare_cached(&sql)?
                .query_map([account_id], device_from_row)?
                .collect::<Result<_, _>>()?;
            with_all_tags(connection, devices)
        })
    }

    fn assigned_to(
        &self,
        account_id: &str,
        owner: &MfaAssignment,
    ) -> Result<Vec<MfaDeviceRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let Some((assigned_to, user_key)) = stored_owner(connection, account_id, owner)? else {
                return Ok(Vec::new());
            };
            let sql = format!(
                "{SELECT_DEVICES} WHERE d.account_id = ?1 AND d.assigned_to = ?2 \
                 AND d.user_key IS ?3 ORDER BY d.enable_date, d.serial_key"
            );
            let devices: Vec<MfaDeviceRecord> = connection
                .prepare_cached(&sql)?
                .query_map(params![account_id, assigned_to, user_key], device_from_row)?
                .collect::<Result<_, _>>()?;
            with_all_tags(connection, devices)
        })
    }

    fn enable(
        &self,
        account_id: &str,
        serial_number: &str,
        owner: &MfaAssignment,
        enable_date: i64,
        last_step: i64,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let (key, assigned) = require(connection, account_id, serial_number)?;
            let (assigned_to, user_key) = stored_owner(connection, account_id, owner)?
                .ok_or_else(|| StoreError::not_found(EntityKind::User, owner_name(owner)))?;
            if assigned {
                return Err(
                    StoreError::already_exists(EntityKind::MfaDevice, serial_number).into(),
                );
            }
            let count: i64 = connection
                .prepare_cached(
                    "SELECT count(*) FROM mfa_devices \
                     WHERE account_id = ?1 AND assigned_to = ?2 AND user_key IS ?3",
                )?
                .query_row(params![account_id, assigned_to, user_key], |row| row.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MFA_DEVICES_PER_USER {
                return Err(StoreError::mfa_device_quota_exceeded().into());
            }
            connection
                .prepare_cached(
                    "UPDATE mfa_devices SET assigned_to = ?3, user_key = ?4, enable_date = ?5, \
                     last_step = ?6 WHERE account_id = ?1 AND name_key = ?2",
                )?
                .execute(params![
                    account_id,
                    key,
                    assigned_to,
                    user_key,
                    enable_date,
                    last_step
                ])?;
            Ok(())
        })
    }

    fn set_last_step(
        &self,
        account_id: &str,
        serial_number: &str,
        last_step: i64,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let updated = connection
                .prepare_cached(
                    "UPDATE mfa_devices SET last_step = ?3 \
                     WHERE account_id = ?1 AND serial_key = ?2",
                )?
                .execute(params![account_id, name_key(serial_number), last_step])?;
            if updated == 0 {
                return Err(StoreError::not_found(EntityKind::MfaDevice, serial_number).into());
            }
            Ok(())
        })
    }

    fn deactivate(
        &self,
        account_id: &str,
        serial_number: &str,
        owner: &MfaAssignment,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let not_found = || StoreError::not_found(EntityKind::MfaDevice, serial_number);
            let (assigned_to, user_key) =
                stored_owner(connection, account_id, owner)?.ok_or_else(not_found)?;
            // The last accepted step is kept: a code is never accepted twice.
            let updated = connection
                .prepare_cached(
                    "UPDATE mfa_devices SET assigned_to = NULL, user_key = NULL, \
                     enable_date = NULL WHERE account_id = ?1 AND serial_key = ?2 \
                     AND assigned_to = ?3 AND user_key IS ?4",
                )?
                .execute(params![
                    account_id,
                    name_key(serial_number),
                    assigned_to,
                    user_key
                ])?;
            if updated == 0 {
                return Err(not_found().into());
            }
            Ok(())
        })
    }

    fn tag(
        &self,
        account_id: &str,
        serial_number: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let (key, _) = require(connection, account_id, serial_number)?;
            MFA_DEVICE_TAGS.tag(connection, account_id, &key, tags)
        })
    }

    fn untag(
        &self,
        account_id: &str,
        serial_number: &str,
        keys: &[String],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let (key, _) = require(connection, account_id, serial_number)?;
            MFA_DEVICE_TAGS.untag(connection, account_id, &key, keys)
        })
    }

    fn delete(&self, account_id: &str, serial_number: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let (key, assigned) = require(connection, account_id, serial_number)?;
            if assigned {
                return Err(StoreError::assigned_mfa_device_conflict().into());
            }
            // Its tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached("DELETE FROM mfa_devices WHERE account_id = ?1 AND name_key = ?2")?
                .execute(params![account_id, key])?;
            Ok(())
        })
    }
}

/// Selects devices (aliased `d`) with the stored name of the user they are assigned to, in
/// the order [`device_from_row`] reads them; callers append WHERE and ORDER BY clauses.
const SELECT_DEVICES: &str = "SELECT d.account_id, d.serial_number, d.device_name, d.path, \
     d.seed_sealed, d.create_date, d.assigned_to, u.user_name, d.enable_date, d.last_step \
     FROM mfa_devices d \
     LEFT JOIN users u ON u.account_id = d.account_id AND u.name_key = d.user_key";

/// Reads a row selected by [`SELECT_DEVICES`], without tags.
fn device_from_row(row: &Row<'_>) -> rusqlite::Result<MfaDeviceRecord> {
    let assigned_to: Option<String> = row.get(6)?;
    let user_name: Option<String> = row.get(7)?;
    let assignment = match (assigned_to.as_deref(), user_name) {
        (None, _) => None,
        (Some(ROOT), _) => Some(MfaAssignment::Root),
        (Some(USER), Some(user_name)) => Some(MfaAssignment::User(user_name)),
        _ => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                6,
                Type::Text,
                "unknown MFA device assignment".into(),
            ));
        }
    };
    Ok(MfaDeviceRecord {
        account_id: row.get(0)?,
        serial_number: row.get(1)?,
        name: row.get(2)?,
        path: row.get(3)?,
        seed_sealed: row.get(4)?,
        create_date: row.get(5)?,
        assignment,
        enable_date: row.get(8)?,
        last_step: row.get(9)?,
        tags: Vec::new(),
    })
}

/// The case-folded name key of the device with this serial number (in any case), and
/// whether it is assigned, if it exists.
fn find(
    connection: &Connection,
    account_id: &str,
    serial_number: &str,
) -> Outcome<Option<(String, bool)>> {
    Ok(connection
        .prepare_cached(
            "SELECT name_key, assigned_to IS NOT NULL FROM mfa_devices \
             WHERE account_id = ?1 AND serial_key = ?2",
        )?
        .query_row(params![account_id, name_key(serial_number)], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?)
}

/// [`find`], or [`StoreError::NotFound`] for the device.
fn require(
    connection: &Connection,
    account_id: &str,
    serial_number: &str,
) -> Outcome<(String, bool)> {
    find(connection, account_id, serial_number)?
        .ok_or_else(|| StoreError::not_found(EntityKind::MfaDevice, serial_number).into())
}

/// The case-folded name key of the device with this serial number, or
/// [`StoreError::NotFound`] (the [`Holder`](crate::holders::Holder) lookup of its tags).
pub(crate) fn require_key(
    connection: &Connection,
    account_id: &str,
    serial_number: &str,
) -> Outcome<String> {
    require(connection, account_id, serial_number).map(|(key, _)| key)
}

/// The stored columns of `owner`; `None` for a user that does not exist.
fn stored_owner(
    connection: &Connection,
    account_id: &str,
    owner: &MfaAssignment,
) -> Outcome<Option<Owner>> {
    Ok(match owner {
        MfaAssignment::Root => Some((ROOT, None)),
        MfaAssignment::User(user_name) => {
            users::find_key(connection, account_id, user_name)?.map(|key| (USER, Some(key)))
        }
    })
}

/// The name NotFound reports for `owner`.
fn owner_name(owner: &MfaAssignment) -> &str {
    match owner {
        MfaAssignment::Root => "root",
        MfaAssignment::User(user_name) => user_name,
    }
}

/// Whether the user with this case-folded key has an MFA device assigned.
pub(crate) fn user_has_device(
    connection: &Connection,
    account_id: &str,
    user_key: &str,
) -> Outcome<bool> {
    crate::holders::USERS.has_rows(connection, "mfa_devices", account_id, user_key)
}

/// Fills in the device's tags.
fn with_tags(connection: &Connection, mut device: MfaDeviceRecord) -> Outcome<MfaDeviceRecord> {
    device.tags = MFA_DEVICE_TAGS.of(connection, &device.account_id, &name_key(&device.name))?;
    Ok(device)
}

/// Fills in the devices' tags.
fn with_all_tags(
    connection: &Connection,
    devices: Vec<MfaDeviceRecord>,
) -> Outcome<Vec<MfaDeviceRecord>> {
    devices
        .into_iter()
        .map(|device| with_tags(connection, device))
        .collect()
}
