//! Permissions boundaries of users and roles (Put/Delete UserPermissionsBoundary and
//! RolePermissionsBoundary, and the boundary given at creation): a boundary caps what the
//! entity's identity policies can allow and takes effect on its next request.

use warden_policy::ContextValue;
use warden_protocol::Arn;

use crate::iam::managed_policy;
use crate::iam::role::find_role;
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Principal};
use crate::{Ctx, ServiceError};

/// The kinds of entity that can have a permissions boundary.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bounded {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
}

impl Bounded {
    fn arn(self, ctx: &Ctx<'_>, name: &str) -> Arn {
        match self {
            Self::User => ctx.user_arn(name),
            Self::Role => ctx.role_arn(name),
        }
    }

    fn current(self, ctx: &Ctx<'_>, name: &str) -> Option<String> {
        let snapshot = ctx.warden.snapshot();
        match self {
            Self::User => snapshot
                .user(ctx.account(), name)
                .and_then(|user| user.boundary.clone()),
            Self::Role => snapshot
                .role(ctx.account(), name)
                .and_then(|role| role.boundary.clone()),
        }
    }
}

/// What setting (`Some`) or removing (`None`) the boundary of the entity `name` needs:
/// the operation's actions on the entity with `iam:PermissionsBoundary` — the new boundary,
/// or the one being removed.
pub(crate) fn access(ctx: &Ctx<'_>, kind: Bounded, name: &str, new: Option<&str>) -> Access {
    let boundary = new.map(str::to_owned).or_else(|| kind.current(ctx, name));
    Access::Check {
        resources: vec![kind.arn(ctx, name)],
        keys: boundary
            .map(|arn| {
                vec![(
                    "iam:PermissionsBoundary".to_owned(),
                    ContextValue::Single(arn),
                )]
            })
            .unwrap_or_default(),
    }
}

/// What creating an entity with these tags and, maybe, a boundary needs: the tag condition
/// keys (after IAM's tag rules) and `iam:PermissionsBoundary`, on the new entity's ARN.
pub(crate) fn creation_access(
    arn: Arn,
    tags: &[(String, String)],
    entity: &str,
    boundary: Option<&str>,
) -> Result<Access, ServiceError> {
    crate::iam::tagging::check_tags(tags, entity)?;
    let mut keys = crate::iam::tagging::tag_keys(tags);
    if let Some(boundary) = boundary {
        keys.push((
            "iam:PermissionsBoundary".to_owned(),
            ContextValue::Single(boundary.to_owned()),
        ));
    }
    Ok(Access::Check {
        resources: vec![arn],
        keys,
    })
}

/// Sets (`Some`) or removes (`None`) the boundary of the entity `name`.
pub(crate) fn set(
    call: &mut Authorized<'_, '_>,
    kind: Bounded,
    name: &str,
    boundary: Option<&str>,
) -> Result<(), ServiceError> {
    if let Some(arn) = boundary {
        check(call, arn)?;
    }
    let account = call.ctx.account();
    match kind {
        Bounded::User => {
            let user = find_user(call, name)?;
            call.write(Principal::User(user.user_name.clone()), |tx| {
                tx.users()
                    .set_permissions_boundary(account, &user.user_name, boundary)
            })?;
        }
        Bounded::Role => {
            let role = find_role(call, name)?;
            call.write(Principal::Role(role.role_name.clone()), |tx| {
                tx.roles()
                    .set_permissions_boundary(account, &role.role_name, boundary)
            })?;
        }
    }
    Ok(())
}

/// A boundary must name a managed policy the caller's account can attach.
pub(crate) fn check(call: &Authorized<'_, '_>, arn: &str) -> Result<(), ServiceError> {
    managed_policy::find_attachable(call, arn)
        .map(|_| ())
        .map_err(|_| {
            ServiceError::NoSuchEntity(format!(
                "Scope ARN: {arn} does not exist or is not attachable."
            ))
        })
}
