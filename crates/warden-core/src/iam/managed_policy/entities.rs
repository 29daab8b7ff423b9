//! ListEntitiesForPolicy: the users, groups and roles of the caller's account a managed
//! policy is attached to (or, with `PolicyUsageFilter=PermissionsBoundary`, whose boundary it is).

use warden_protocol::iam::{
    ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse, PolicyGroup, PolicyRole,
    PolicyUser,
};
use warden_store::{Attachable, PageRequest};

use super::{find, policy_arn};
use crate::iam::paging::page_of;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// One entity using the policy, with its path for `PathPrefix`.
enum Entity {
    User(PolicyUser, String),
    Group(PolicyGroup, String),
    Role(PolicyRole, String),
}

impl Handle for ListEntitiesForPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListEntitiesForPolicyResponse, ServiceError> {
        find(call, &self.policy_arn)?;
        let account = call.ctx.account();
        let boundaries = self.policy_usage_filter.as_deref() == Some("PermissionsBoundary");
        let wanted = |kind: &str| self.entity_filter.as_deref().is_none_or(|f| f == kind);
        let mut entities = Vec::new();
        if boundaries {
            if wanted("User") {
                let users = call.read(|tx| {
                    tx.users()
                        .list(account, None, &PageRequest::first(usize::MAX))
                })?;
                for user in users.items {
                    if user.permissions_boundary.as_deref() == Some(self.policy_arn.as_str()) {
                        entities.push(user_entity(user));
                    }
                }
            }
            if wanted("Role") {
                let roles = call.read(|tx| {
                    tx.roles()
                        .list(account, None, &PageRequest::first(usize::MAX))
                })?;
                for role in roles.items {
                    if role.permissions_boundary.as_deref() == Some(self.policy_arn.as_str()) {
                        entities.push(role_entity(role));
                    }
                }
            }
        } else {
            let attachments =
                call.read(|tx| tx.managed_policies().entities(account, &self.policy_arn))?;
            for attachment in attachments {
                match attachment.kind {
                    Attachable::User if wanted("User") => {
                        if let Some(user) =
                            call.read(|tx| tx.users().get(account, &attachment.entity_name))?
                        {
                            entities.push(user_entity(user));
                        }
                    }
                    Attachable::Group if wanted("Group") => {
                        if let Some(group) =
                            call.read(|tx| tx.groups().get(account, &attachment.entity_name))?
                        {
                            entities.push(Entity::Group(
                                PolicyGroup {
                                    group_name: Some(group.group_name),
                                    group_id: Some(group.group_id),
                                },
                                group.path,
                            ));
                        }
                    }
                    Attachable::Role if wanted("Role") => {
                        if let Some(role) =
                            call.read(|tx| tx.roles().get(account, &attachment.entity_name))?
                        {
                            entities.push(role_entity(role));
                        }
                    }
                    Attachable::User | Attachable::Group | Attachable::Role => {}
                }
            }
        }
        let prefix = self.path_prefix.as_deref().unwrap_or("/");
        entities.retain(|entity| match entity {
            Entity::User(_, path) | Entity::Group(_, path) | Entity::Role(_, path) => {
                path.starts_with(prefix)
            }
        });
        let (page, marker) = page_of(entities, self.marker.as_deref(), self.max_items)?;
        let (mut users, mut groups, mut roles) = (Vec::new(), Vec::new(), Vec::new());
        for entity in page {
            match entity {
                Entity::User(user, _) => users.push(user),
                Entity::Group(group, _) => groups.push(group),
                Entity::Role(role, _) => roles.push(role),
            }
        }
        Ok(ListEntitiesForPolicyResponse {
            policy_groups: Some(groups),
            policy_users: Some(users),
            policy_roles: Some(roles),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

fn role_entity(role: warden_store::RoleRecord) -> Entity {
    Entity::Role(
        PolicyRole {
            role_name: Some(role.role_name),
            role_id: Some(role.role_id),
        },
        role.path,
    )
}

fn user_entity(user: warden_store::UserRecord) -> Entity {
    Entity::User(
        PolicyUser {
            user_name: Some(user.user_name),
            user_id: Some(user.user_id),
        },
        user.path,
    )
}
