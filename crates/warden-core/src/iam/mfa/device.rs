//! CreateVirtualMFADevice, DeleteVirtualMFADevice, ListVirtualMFADevices, GetMFADevice.

use warden_crypto::totp;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    CreateVirtualMFADeviceRequest, CreateVirtualMFADeviceResponse, DeleteVirtualMFADeviceRequest,
    GetMFADeviceRequest, GetMFADeviceResponse, ListVirtualMFADevicesRequest,
    ListVirtualMFADevicesResponse, User, VirtualMFADevice,
};
use warden_store::{MfaAssignment, MfaDeviceRecord};

use super::{SEED_PURPOSE, device_arn, find_device, owner_of, qr, serial_arn};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::iam::user::{find_user, user_shape};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

impl Handle for CreateVirtualMFADeviceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(self.tags.as_deref());
        check_tags(&tags, "MFADevice")?;
        let path = self.path.as_deref().unwrap_or("/");
        Ok(Access::Check {
            resources: vec![device_arn(ctx, path, &self.virtual_mfa_device_name)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateVirtualMFADeviceResponse, ServiceError> {
        let ctx = call.ctx;
        let internal =
            |error: warden_crypto::CryptoError| ServiceError::Internal(error.to_string());
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let seed = totp::new_seed(ctx.warden.rng.as_ref()).map_err(internal)?;
        let base32 = totp::base32(&seed);
        let record = MfaDeviceRecord {
            account_id: ctx.account().to_owned(),
            serial_number: device_arn(ctx, &path, &self.virtual_mfa_device_name).value,
            name: self.virtual_mfa_device_name,
            path,
            seed_sealed: ctx
                .warden
                .sealer
                .seal(&seed, SEED_PURPOSE)
                .map_err(internal)?,
            create_date: ctx.warden.now().as_millisecond(),
            assignment: None,
            enable_date: None,
            last_step: None,
            tags: tag_pairs(self.tags.as_deref()),
        };
        // AWS: "AccountName is the user name if set (otherwise the account ID)".
        let account_name = ctx.caller.user_name().unwrap_or(ctx.account());
        let uri = format!(
            "otpauth://totp/{}@{account_name}?secret={}",
            record.name,
            base32.as_str()
        );
        let qr_code_png = qr::png_of(&uri)?;
        call.write_outside_snapshot(|tx| tx.mfa_devices().create(&record))?;
        Ok(CreateVirtualMFADeviceResponse {
            virtual_mfa_device: VirtualMFADevice {
                serial_number: record.serial_number,
                base32_string_seed: Some(base32.as_bytes().to_vec()),
                qr_code_png: Some(qr_code_png),
                user: None,
                enable_date: None,
                tags: tag_shapes(&record.tags),
            },
        })
    }
}

impl Handle for DeleteVirtualMFADeviceRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(serial_arn(&self.serial_number)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let device = find_device(call, &self.serial_number)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| tx.mfa_devices().delete(account, &device.serial_number))?;
        Ok(NoOutput)
    }
}

impl Handle for ListVirtualMFADevicesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListVirtualMFADevicesResponse, ServiceError> {
        let wanted = self.assignment_status.as_deref().unwrap_or("Any");
        let devices = call.read(|tx| tx.mfa_devices().list(call.ctx.account()))?;
        let mut shown = Vec::with_capacity(devices.len());
        for device in devices {
            let keep = match wanted {
                "Assigned" => device.assignment.is_some(),
                "Unassigned" => device.assignment.is_none(),
                _ => true,
            };
            if keep {
                shown.push(VirtualMFADevice {
                    user: assigned_user(call, device.assignment.as_ref())?,
                    enable_date: device.enable_date.map(timestamp),
                    tags: tag_shapes(&device.tags),
                    serial_number: device.serial_number,
                    base32_string_seed: None,
                    qr_code_png: None,
                });
            }
        }
        let (virtual_mfa_devices, marker) = page_of(shown, self.marker.as_deref(), self.max_items)?;
        Ok(ListVirtualMFADevicesResponse {
            virtual_mfa_devices,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

impl Handle for GetMFADeviceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(super::owner_arn(
            ctx,
            self.user_name.as_deref(),
        )?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetMFADeviceResponse, ServiceError> {
        let owner = owner_of(call, self.user_name.as_deref())?;
        let device = find_device(call, &self.serial_number)?;
        if device.assignment.as_ref() != Some(&owner) {
            return Err(ServiceError::NoSuchEntity(format!(
                "MFA Device with serial number {} does not exist.",
                self.serial_number
            )));
        }
        Ok(GetMFADeviceResponse {
            user_name: Some(owner_name(call.ctx, &owner)),
            serial_number: device.serial_number,
            enable_date: device.enable_date.map(timestamp),
            certifications: None,
        })
    }
}

/// The user a device is assigned to, as ListVirtualMFADevices shows it (the root user by
/// its ARN and account id).
fn assigned_user(
    call: &Authorized<'_, '_>,
    assignment: Option<&MfaAssignment>,
) -> Result<Option<User>, ServiceError> {
    Ok(match assignment {
        None => None,
        Some(MfaAssignment::User(name)) => Some(user_shape(&find_user(call, name)?)),
        Some(MfaAssignment::Root) => Some(User {
            arn: format!(
                "arn:{}:iam::{}:root",
                call.ctx.partition(),
                call.ctx.account()
            ),
            user_id: call.ctx.account().to_owned(),
            ..User::default()
        }),
    })
}

/// The `UserName` AWS shows for a device's owner (the account id for the root user).
pub(super) fn owner_name(ctx: &Ctx<'_>, owner: &MfaAssignment) -> String {
    match owner {
        MfaAssignment::User(name) => name.clone(),
        MfaAssignment::Root => ctx.account().to_owned(),
    }
}
