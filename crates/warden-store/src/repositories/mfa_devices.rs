//! [`MfaDevices`].

use crate::{MfaAssignment, MfaDeviceRecord, StoreError};

/// Virtual MFA devices of an account, their assignment to the root user or IAM users, and
/// their tags. Devices are found by serial number (their ARN, compared case-insensitively).
/// A user with an assigned device cannot be deleted ([`StoreError::mfa_device_conflict`]).
pub trait MfaDevices {
    /// Creates an unassigned device (`device.assignment`, `enable_date` and `last_step` are
    /// ignored).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (account); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::MfaDevice`](crate::EntityKind::MfaDevice), named by the device name)
    /// if the account has a device of this name in any case, or (named by the serial
    /// number) one of this serial number.
    fn create(&self, device: &MfaDeviceRecord) -> Result<(), StoreError>;

    /// The device with this serial number in the account, if any.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn get(
        &self,
        account_id: &str,
        serial_number: &str,
    ) -> Result<Option<MfaDeviceRecord>, StoreError>;

    /// Every device of the account, ordered by serial number (case-folded).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn list(&self, account_id: &str) -> Result<Vec<MfaDeviceRecord>, StoreError>;

    /// The devices assigned to `owner`, ordered by enable date then serial number.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only (an unknown user has none).
    fn assigned_to(
        &self,
        account_id: &str,
        owner: &MfaAssignment,
    ) -> Result<Vec<MfaDeviceRecord>, StoreError>;

    /// Assigns the device to `owner`, enabled at `enable_date`, with `last_step` as its
    /// last accepted TOTP step.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (device, then user); [`StoreError::AlreadyExists`]
    /// ([`EntityKind::MfaDevice`](crate::EntityKind::MfaDevice)) if the device is
    /// assigned already; [`StoreError::LimitExceeded`]
    /// ([`StoreError::mfa_device_quota_exceeded`]) if the owner already has
    /// [`MFA_DEVICES_PER_USER`](crate::MFA_DEVICES_PER_USER) devices.
    fn enable(
        &self,
        account_id: &str,
        serial_number: &str,
        owner: &MfaAssignment,
        enable_date: i64,
        last_step: i64,
    ) -> Result<(), StoreError>;

    /// Records the last accepted TOTP step of the device (after a sign-in, a resync).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (device).
    fn set_last_step(
        &self,
        account_id: &str,
        serial_number: &str,
        last_step: i64,
    ) -> Result<(), StoreError>;

    /// Unassigns the device from `owner` (it stays, unassigned, without an enable date; its
    /// last accepted step is kept).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (device, or a device not assigned to `owner`).
    fn deactivate(
        &self,
        account_id: &str,
        serial_number: &str,
        owner: &MfaAssignment,
    ) -> Result<(), StoreError>;

    /// Adds or replaces tags (keys compared case-insensitively, the new case kept).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (device); [`StoreError::LimitExceeded`]
    /// ([`StoreError::tag_quota_exceeded`]) past
    /// [`TAGS_PER_RESOURCE`](crate::TAGS_PER_RESOURCE).
    fn tag(
        &self,
        account_id: &str,
        serial_number: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError>;

    /// Removes tags by key (case-insensitive; absent keys ignored).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (device).
    fn untag(
        &self,
        account_id: &str,
        serial_number: &str,
        keys: &[String],
    ) -> Result<(), StoreError>;

    /// Deletes an unassigned device.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] (device); [`StoreError::Conflict`]
    /// ([`StoreError::assigned_mfa_device_conflict`]) while it is assigned.
    fn delete(&self, account_id: &str, serial_number: &str) -> Result<(), StoreError>;
}
