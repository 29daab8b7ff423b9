//! EnableMFADevice, ResyncMFADevice, DeactivateMFADevice, ListMFADevices: which user (or the
//! root user) a device is assigned to, proven by two consecutive codes.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    DeactivateMFADeviceRequest, EnableMFADeviceRequest, ListMFADevicesRequest,
    ListMFADevicesResponse, MFADevice, ResyncMFADeviceRequest,
};

use super::device::owner_name;
use super::{
    ENABLE_WINDOW_STEPS, RESYNC_WINDOW_STEPS, consecutive_codes, current_step, find_device,
    owner_arn, owner_of,
};
use crate::iam::paging::page_of;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for EnableMFADeviceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(owner_arn(ctx, Some(&self.user_name))?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let owner = owner_of(call, Some(&self.user_name))?;
        let device = find_device(call, &self.serial_number)?;
        if device.assignment.is_some() {
            return Err(ServiceError::EntityAlreadyExists(
                "MFA Device is already in use.".to_owned(),
            ));
        }
        let now = current_step(call.ctx);
        let step = consecutive_codes(
            call,
            &device,
            (&self.authentication_code1, &self.authentication_code2),
            now.saturating_sub(ENABLE_WINDOW_STEPS)..=now,
        )?;
        let enabled = call.ctx.warden.now().as_millisecond();
        let last = i64::try_from(step + 1).unwrap_or(i64::MAX);
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.mfa_devices()
                .enable(account, &device.serial_number, &owner, enabled, last)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ResyncMFADeviceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(owner_arn(ctx, Some(&self.user_name))?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let owner = owner_of(call, Some(&self.user_name))?;
        let device = find_device(call, &self.serial_number)?;
        if device.assignment.as_ref() != Some(&owner) {
            return Err(ServiceError::NoSuchEntity(format!(
                "MFA Device with serial number {} does not exist.",
                self.serial_number
            )));
        }
        let now = current_step(call.ctx);
        let step = consecutive_codes(
            call,
            &device,
            (&self.authentication_code1, &self.authentication_code2),
            now.saturating_sub(RESYNC_WINDOW_STEPS)..=now + RESYNC_WINDOW_STEPS,
        )?;
        let last = i64::try_from(step + 1).unwrap_or(i64::MAX);
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.mfa_devices()
                .set_last_step(account, &device.serial_number, last)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DeactivateMFADeviceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(owner_arn(ctx, self.user_name.as_deref())?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let owner = owner_of(call, self.user_name.as_deref())?;
        let device = find_device(call, &self.serial_number)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.mfa_devices()
                .deactivate(account, &device.serial_number, &owner)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListMFADevicesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(owner_arn(ctx, self.user_name.as_deref())?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListMFADevicesResponse, ServiceError> {
        let owner = owner_of(call, self.user_name.as_deref())?;
        let devices = call.read(|tx| tx.mfa_devices().assigned_to(call.ctx.account(), &owner))?;
        let name = owner_name(call.ctx, &owner);
        let shown = devices
            .into_iter()
            .map(|device| MFADevice {
                user_name: name.clone(),
                serial_number: device.serial_number,
                enable_date: timestamp(device.enable_date.unwrap_or(device.create_date)),
            })
            .collect();
        let (mfa_devices, marker) = page_of(shown, self.marker.as_deref(), self.max_items)?;
        Ok(ListMFADevicesResponse {
            mfa_devices,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
