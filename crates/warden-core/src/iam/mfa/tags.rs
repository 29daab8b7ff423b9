//! TagMFADevice, UntagMFADevice, ListMFADeviceTags.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    ListMFADeviceTagsRequest, ListMFADeviceTagsResponse, TagMFADeviceRequest, UntagMFADeviceRequest,
};

use super::{find_device, serial_arn};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for TagMFADeviceRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, "MFADevice")?;
        Ok(Access::Check {
            resources: vec![serial_arn(&self.serial_number)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let device = find_device(call, &self.serial_number)?;
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write_outside_snapshot(|tx| {
            tx.mfa_devices().tag(account, &device.serial_number, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagMFADeviceRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![serial_arn(&self.serial_number)],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let device = find_device(call, &self.serial_number)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.mfa_devices()
                .untag(account, &device.serial_number, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListMFADeviceTagsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(serial_arn(&self.serial_number)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListMFADeviceTagsResponse, ServiceError> {
        let device = find_device(call, &self.serial_number)?;
        let tags = tag_shapes(&device.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListMFADeviceTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
