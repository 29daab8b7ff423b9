//! Key rotation: Enable/DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
//! ListKeyRotations. A rotation adds a material version and makes it current; the old ones
//! are kept, so ciphertexts made under them still decrypt. Automatic rotation happens when
//! the key is next used for encryption at or after its rotation date (`rotate_if_due`).

use warden_protocol::NoOutput;
use warden_protocol::kms::{
    DisableKeyRotationRequest, EnableKeyRotationRequest, GetKeyRotationStatusRequest,
    GetKeyRotationStatusResponse, ListKeyRotationsRequest, ListKeyRotationsResponse,
    RotateKeyOnDemandRequest, RotateKeyOnDemandResponse, RotationsListEntry, errors,
};
use warden_store::KmsKeyRecord;

use super::super::conditions::request_value;
use super::super::material::{new_material, spec_of};
use super::super::resolve::access_to;
use super::{find, invalid, page, require_enabled, require_not_pending, store};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// The most on-demand rotations a key may have.
const MAX_ON_DEMAND: usize = 10;

/// Refuses rotation of a key that is not a symmetric encryption key.
fn require_rotatable(key: &KmsKeyRecord) -> Result<(), ServiceError> {
    if key.key_spec != "SYMMETRIC_DEFAULT" {
        return Err(ServiceError::modeled(
            &errors::UNSUPPORTED_OPERATION,
            format!("{} key spec is not supported for this operation.", key.arn),
        ));
    }
    Ok(())
}

/// Adds a material version to `key` and makes it current.
fn rotate(ctx: &Ctx<'_>, key: &mut KmsKeyRecord, rotation_type: &str) -> Result<(), ServiceError> {
    let material = new_material(ctx, &key.key_id, spec_of(key)?, Some(rotation_type))?;
    key.materials.push(material);
    Ok(())
}

/// Rotates `key` automatically when its rotation date has come (in a transaction of its
/// own, for a call that runs without one); the key as it now is.
pub(crate) fn rotate_if_due(
    call: &mut Authorized<'_, '_>,
    mut key: KmsKeyRecord,
) -> Result<KmsKeyRecord, ServiceError> {
    let now = call.ctx.warden.now().as_millisecond();
    let (Some(due), Some(days)) = (key.next_rotation, key.rotation_period_days) else {
        return Ok(key);
    };
    if due > now || key.state != "Enabled" {
        return Ok(key);
    }
    rotate(call.ctx, &mut key, "AUTOMATIC")?;
    key.next_rotation = Some(now + i64::from(days) * DAY_MILLIS);
    let stored = key.clone();
    call.write_aside(|tx| tx.kms().put_key(&stored))?;
    Ok(key)
}

impl Handle for EnableKeyRotationRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let extra = self
            .rotation_period_in_days
            .map(|days| vec![request_value("kms:RotationPeriodInDays", &days.to_string())])
            .unwrap_or_default();
        access_to(ctx, &self.key_id, "EnableKeyRotation", None, extra)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let days = self.rotation_period_in_days.unwrap_or(365);
        if !(90..=2560).contains(&days) {
            return Err(invalid(format!(
                "1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed \
                 to satisfy constraint: Member must have value between 90 and 2560"
            )));
        }
        let mut key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        require_rotatable(&key)?;
        let now = call.ctx.warden.now().as_millisecond();
        key.rotation_period_days = Some(days);
        key.next_rotation = Some(now + i64::from(days) * DAY_MILLIS);
        store(call, &key)?;
        Ok(NoOutput)
    }
}

impl Handle for DisableKeyRotationRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "DisableKeyRotation", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let mut key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        require_rotatable(&key)?;
        key.rotation_period_days = None;
        key.next_rotation = None;
        store(call, &key)?;
        Ok(NoOutput)
    }
}

impl Handle for GetKeyRotationStatusRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "GetKeyRotationStatus", None, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetKeyRotationStatusResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        require_rotatable(&key)?;
        let on_demand = key
            .materials
            .iter()
            .rev()
            .find(|material| material.rotation_type.as_deref() == Some("ON_DEMAND"))
            .map(|material| timestamp(material.created));
        Ok(GetKeyRotationStatusResponse {
            key_rotation_enabled: Some(key.rotation_period_days.is_some()),
            key_id: Some(key.arn),
            rotation_period_in_days: key.rotation_period_days,
            next_rotation_date: key.next_rotation.map(timestamp),
            on_demand_rotation_start_date: on_demand,
        })
    }
}

impl Handle for RotateKeyOnDemandRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "RotateKeyOnDemand", None, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<RotateKeyOnDemandResponse, ServiceError> {
        let mut key = find(call, &self.key_id)?.key;
        require_enabled(&key)?;
        require_rotatable(&key)?;
        let done = key
            .materials
            .iter()
            .filter(|material| material.rotation_type.as_deref() == Some("ON_DEMAND"))
            .count();
        if done >= MAX_ON_DEMAND {
            return Err(ServiceError::modeled(
                &errors::LIMIT_EXCEEDED,
                format!(
                    "{} has reached the maximum of {MAX_ON_DEMAND} on-demand rotations.",
                    key.arn
                ),
            ));
        }
        rotate(call.ctx, &mut key, "ON_DEMAND")?;
        store(call, &key)?;
        Ok(RotateKeyOnDemandResponse {
            key_id: Some(key.key_id),
        })
    }
}

impl Handle for ListKeyRotationsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "ListKeyRotations", None, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListKeyRotationsResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        require_rotatable(&key)?;
        let all = self.include_key_material.as_deref() == Some("ALL_KEY_MATERIAL");
        let last = key.materials.len().saturating_sub(1);
        let entries: Vec<RotationsListEntry> = key
            .materials
            .iter()
            .enumerate()
            .filter(|(_, material)| all || material.rotation_type.is_some())
            .map(|(index, material)| RotationsListEntry {
                key_id: Some(key.key_id.clone()),
                key_material_id: Some(material.material_id.clone()),
                key_material_state: Some(
                    if index == last {
                        "CURRENT"
                    } else {
                        "NON_CURRENT"
                    }
                    .to_owned(),
                ),
                rotation_date: Some(timestamp(material.created)),
                rotation_type: material.rotation_type.clone(),
                ..RotationsListEntry::default()
            })
            .collect();
        let (rotations, next) = page(entries, self.marker.as_deref(), self.limit, 100)?;
        Ok(ListKeyRotationsResponse {
            rotations: Some(rotations),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}
