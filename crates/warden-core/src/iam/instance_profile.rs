//! Instance profiles: Create/Get/List/DeleteInstanceProfile, Add/RemoveRoleFromInstanceProfile,
//! ListInstanceProfilesForRole, and their tags. A profile holds at most one role.

mod operations;
mod tags;

use warden_protocol::Arn;
use warden_protocol::iam::{InstanceProfile, arn};
use warden_store::{InstanceProfileRecord, StoreExt};

use crate::iam::role::role_shape;
use crate::iam::tagging::tag_shapes;
use crate::operation::Authorized;
use crate::{Ctx, ServiceError, timestamp};

/// The instance profile, or AWS's NoSuchEntity.
pub(crate) fn find_profile(
    call: &Authorized<'_, '_>,
    name: &str,
) -> Result<InstanceProfileRecord, ServiceError> {
    call.read(|tx| tx.instance_profiles().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("Instance Profile {name} cannot be found."))
        })
}

/// The ARN of an instance profile of the caller's account at this path.
fn new_profile_arn(ctx: &Ctx<'_>, path: &str, name: &str) -> Arn {
    arn::instance_profile(
        ctx.partition(),
        ctx.account(),
        &format!("{}{name}", path.trim_start_matches('/')),
    )
}

/// The ARN of an instance profile for authorization: its real ARN (with its path) when it
/// exists, else the ARN it would have at path `/`. (Profiles are not in the snapshot: this
/// reads the store.)
fn profile_arn(ctx: &Ctx<'_>, name: &str) -> Result<Arn, ServiceError> {
    let stored = ctx
        .warden
        .store()
        .read(|tx| tx.instance_profiles().get(ctx.account(), name))?;
    Ok(match stored {
        Some(profile) => Arn {
            resource_type: &arn::INSTANCE_PROFILE,
            value: profile.arn,
        },
        None => new_profile_arn(ctx, "/", name),
    })
}

/// A stored instance profile as the API shows it, with its roles in full.
pub(crate) fn profile_shape(
    call: &Authorized<'_, '_>,
    record: &InstanceProfileRecord,
) -> Result<InstanceProfile, ServiceError> {
    let mut roles = Vec::with_capacity(record.roles.len());
    for name in &record.roles {
        if let Some(role) = call.read(|tx| tx.roles().get(call.ctx.account(), name))? {
            let mut shape = role_shape(&role, &call.ctx.warden.snapshot());
            shape.tags = None;
            shape.role_last_used = None;
            shape.permissions_boundary = None;
            roles.push(shape);
        }
    }
    Ok(InstanceProfile {
        path: record.path.clone(),
        instance_profile_name: record.instance_profile_name.clone(),
        instance_profile_id: record.instance_profile_id.clone(),
        arn: record.arn.clone(),
        create_date: timestamp(record.create_date),
        roles,
        tags: tag_shapes(&record.tags),
    })
}
