//! GetAccountAuthorizationDetails: every user, group and role of the account with their
//! inline policies (documents included), attached managed policies, group memberships and
//! boundaries, and every managed policy in use or owned by the account with all its
//! versions — filtered by `Filter` and paged over the four lists together, in AWS's shape.

use warden_protocol::iam::{
    AttachedPermissionsBoundary, AttachedPolicy, GetAccountAuthorizationDetailsRequest,
    GetAccountAuthorizationDetailsResponse, GroupDetail, ManagedPolicyDetail, PolicyDetail,
    PolicyVersion, RoleDetail, RoleLastUsed, UserDetail,
};
use warden_store::{
    Attachable, GroupRecord, InlinePolicyRecord, PageRequest, RoleRecord, Tx, UserRecord,
};

use crate::aws_managed;
use crate::iam::inline_policy::policies_of;
use crate::iam::instance_profile::profile_shape;
use crate::iam::managed_policy::{Found, find, version_id};
use crate::iam::paging::page_of;
use crate::iam::tagging::tag_shapes;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

/// One entity of any of the four lists, so that they page together; only the entities of
/// the requested page are then read in full ([`detail`]).
enum Entry {
    User(UserRecord),
    Group(GroupRecord),
    Role(RoleRecord),
    Policy(Found),
}

/// An entry of the response, in full.
enum Detail {
    User(UserDetail),
    Group(GroupDetail),
    Role(RoleDetail),
    Policy(ManagedPolicyDetail),
}

impl Handle for GetAccountAuthorizationDetailsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives this action no resource type.
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetAccountAuthorizationDetailsResponse, ServiceError> {
        let entries = entries(call, self.filter.as_deref())?;
        let (page, marker) = page_of(entries, self.marker.as_deref(), self.max_items)?;
        let mut response = GetAccountAuthorizationDetailsResponse {
            user_detail_list: Some(Vec::new()),
            group_detail_list: Some(Vec::new()),
            role_detail_list: Some(Vec::new()),
            policies: Some(Vec::new()),
            is_truncated: Some(marker.is_some()),
            marker,
        };
        for entry in page {
            match detail(call, entry)? {
                Detail::User(user) => response.user_detail_list.get_or_insert_default().push(user),
                Detail::Group(group) => {
                    response
                        .group_detail_list
                        .get_or_insert_default()
                        .push(group);
                }
                Detail::Role(role) => response.role_detail_list.get_or_insert_default().push(role),
                Detail::Policy(policy) => response.policies.get_or_insert_default().push(policy),
            }
        }
        Ok(response)
    }
}

/// Every entity the filter asks for, in AWS's order (users, groups, roles, then AWS managed
/// policies the account uses — attached or as a boundary — and its own managed policies).
fn entries(
    call: &Authorized<'_, '_>,
    filter: Option<&[String]>,
) -> Result<Vec<Entry>, ServiceError> {
    let wanted = |kind: &str| {
        filter.is_none_or(|filter| filter.is_empty() || filter.iter().any(|f| f == kind))
    };
    let account = call.ctx.account();
    let everything = PageRequest::first(usize::MAX);
    let mut entries = Vec::new();
    if wanted("User") {
        let users = call.read(|tx| tx.users().list(account, None, &everything))?;
        entries.extend(users.items.into_iter().map(Entry::User));
    }
    if wanted("Group") {
        let groups = call.read(|tx| tx.groups().list(account, None, &everything))?;
        entries.extend(groups.items.into_iter().map(Entry::Group));
    }
    if wanted("Role") {
        let roles = call.read(|tx| tx.roles().list(account, None, &everything))?;
        entries.extend(roles.items.into_iter().map(Entry::Role));
    }
    if wanted("AWSManagedPolicy") {
        let in_use = call.ctx.warden.snapshot().managed_in_use(account);
        for arn in in_use
            .iter()
            .filter(|arn| aws_managed::by_arn(arn).is_some())
        {
            if let Ok(found) = find(call, arn) {
                entries.push(Entry::Policy(found));
            }
        }
    }
    if wanted("LocalManagedPolicy") {
        let policies = call.read(|tx| tx.managed_policies().list(account))?;
        entries.extend(
            policies
                .into_iter()
                .map(|p| Entry::Policy(Found::Customer(p))),
        );
    }
    Ok(entries)
}

/// An entry in full: its inline and attached policies, memberships, instance profiles or
/// versions.
fn detail(call: &Authorized<'_, '_>, entry: Entry) -> Result<Detail, ServiceError> {
    let account = call.ctx.account();
    Ok(match entry {
        Entry::User(user) => {
            let (inline, attached) = policies_of(call, Attachable::User, &user.user_name)?;
            let groups = call.read(|tx| tx.groups().groups_of(account, &user.user_name))?;
            Detail::User(UserDetail {
                path: Some(user.path),
                user_name: Some(user.user_name),
                user_id: Some(user.user_id),
                arn: Some(user.arn),
                create_date: Some(timestamp(user.create_date)),
                user_policy_list: Some(policy_details(inline)),
                group_list: Some(groups.into_iter().map(|g| g.group_name).collect()),
                attached_managed_policies: Some(attached_shapes(call, attached)),
                permissions_boundary: boundary_shape(user.permissions_boundary.as_deref()),
                tags: tag_shapes(&user.tags),
            })
        }
        Entry::Group(group) => {
            let (inline, attached) = policies_of(call, Attachable::Group, &group.group_name)?;
            Detail::Group(GroupDetail {
                path: Some(group.path),
                group_name: Some(group.group_name),
                group_id: Some(group.group_id),
                arn: Some(group.arn),
                create_date: Some(timestamp(group.create_date)),
                group_policy_list: Some(policy_details(inline)),
                attached_managed_policies: Some(attached_shapes(call, attached)),
            })
        }
        Entry::Role(role) => {
            let (inline, attached) = policies_of(call, Attachable::Role, &role.role_name)?;
            let profiles =
                call.read(|tx| tx.instance_profiles().for_role(account, &role.role_name))?;
            let instance_profiles = profiles
                .iter()
                .map(|profile| profile_shape(call, profile))
                .collect::<Result<Vec<_>, _>>()?;
            Detail::Role(RoleDetail {
                assume_role_policy_document: Some(crate::iam::role::shown_trust_policy(
                    &role.assume_role_policy_document,
                    &call.ctx.warden.snapshot(),
                )),
                path: Some(role.path),
                role_name: Some(role.role_name),
                role_id: Some(role.role_id),
                arn: Some(role.arn),
                create_date: Some(timestamp(role.create_date)),
                instance_profile_list: Some(instance_profiles),
                role_policy_list: Some(policy_details(inline)),
                attached_managed_policies: Some(attached_shapes(call, attached)),
                permissions_boundary: boundary_shape(role.permissions_boundary.as_deref()),
                tags: tag_shapes(&role.tags),
                role_last_used: Some(RoleLastUsed {
                    last_used_date: role.last_used.as_ref().map(|(when, _)| timestamp(*when)),
                    region: role.last_used.as_ref().map(|(_, region)| region.clone()),
                }),
            })
        }
        Entry::Policy(found) => Detail::Policy(policy_detail(call, &found)?),
    })
}

fn policy_details(inline: Vec<InlinePolicyRecord>) -> Vec<PolicyDetail> {
    inline
        .into_iter()
        .map(|policy| PolicyDetail {
            policy_name: Some(policy.policy_name),
            policy_document: Some(policy.document),
        })
        .collect()
}

fn attached_shapes(call: &Authorized<'_, '_>, arns: Vec<String>) -> Vec<AttachedPolicy> {
    arns.into_iter()
        .map(|arn| {
            let name = match find(call, &arn) {
                Ok(Found::Aws(policy)) => policy.name.clone(),
                Ok(Found::Customer(record)) => record.policy_name,
                Err(_) => arn.rsplit('/').next().unwrap_or_default().to_owned(),
            };
            AttachedPolicy {
                policy_name: Some(name),
                policy_arn: Some(arn),
            }
        })
        .collect()
}

fn boundary_shape(arn: Option<&str>) -> Option<AttachedPermissionsBoundary> {
    arn.map(|arn| AttachedPermissionsBoundary {
        permissions_boundary_type: Some("Policy".to_owned()),
        permissions_boundary_arn: Some(arn.to_owned()),
    })
}

/// A managed policy with every version and its document.
fn policy_detail(
    call: &Authorized<'_, '_>,
    found: &Found,
) -> Result<ManagedPolicyDetail, ServiceError> {
    let shape = crate::iam::managed_policy::policy_shape(call, found)?;
    let versions = match found {
        Found::Aws(policy) => vec![PolicyVersion {
            document: Some(policy.document.clone()),
            version_id: Some(version_id(policy.default_version)),
            is_default_version: Some(true),
            create_date: Some(policy.update_date),
        }],
        Found::Customer(record) => call
            .read(|tx: &dyn Tx| tx.managed_policies().list_versions(&record.arn))?
            .into_iter()
            .map(|version| PolicyVersion {
                document: Some(version.document),
                version_id: Some(version_id(version.version)),
                is_default_version: Some(version.version == record.default_version),
                create_date: Some(timestamp(version.create_date)),
            })
            .collect(),
    };
    Ok(ManagedPolicyDetail {
        policy_name: shape.policy_name,
        policy_id: shape.policy_id,
        arn: shape.arn,
        path: shape.path,
        default_version_id: shape.default_version_id,
        attachment_count: shape.attachment_count,
        permissions_boundary_usage_count: shape.permissions_boundary_usage_count,
        is_attachable: shape.is_attachable,
        description: shape.description,
        create_date: shape.create_date,
        update_date: shape.update_date,
        policy_version_list: Some(versions),
    })
}
