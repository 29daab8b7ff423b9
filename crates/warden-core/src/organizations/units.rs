//! Organizational units: Create/Describe/Update/DeleteOrganizationalUnit,
//! ListOrganizationalUnitsForParent, ListChildren and ListParents.

use warden_protocol::NoOutput;
use warden_protocol::organizations::{
    self as orgs, CreateOrganizationalUnitRequest, CreateOrganizationalUnitResponse,
    DeleteOrganizationalUnitRequest, DescribeOrganizationalUnitRequest,
    DescribeOrganizationalUnitResponse, ListChildrenRequest, ListChildrenResponse,
    ListOrganizationalUnitsForParentRequest, ListOrganizationalUnitsForParentResponse,
    ListParentsRequest, ListParentsResponse, UpdateOrganizationalUnitRequest,
    UpdateOrganizationalUnitResponse, errors,
};
use warden_store::{OrgNodeKind, OrgNodeRecord};

use super::accounts::container_access;
use super::aws_policies;
use super::org::{self, MAX_OU_DEPTH, Org, managed_org, not_found};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

/// AWS's quota of OUs in an organization.
const MAX_UNITS: usize = 2_000;

fn find_unit<'o>(org: &'o Org, id: &str) -> Result<&'o OrgNodeRecord, ServiceError> {
    org.node_of(id, OrgNodeKind::OrganizationalUnit)
        .ok_or_else(|| not_found(&errors::ORGANIZATIONAL_UNIT_NOT_FOUND))
}

fn duplicate_name(org: &Org, parent: &str, name: &str, except: Option<&str>) -> bool {
    org.children(parent, OrgNodeKind::OrganizationalUnit)
        .any(|unit| unit.name == name && Some(unit.node_id.as_str()) != except)
}

fn duplicate_unit() -> ServiceError {
    ServiceError::modeled(
        &errors::DUPLICATE_ORGANIZATIONAL_UNIT,
        "An OU with the same name already exists.",
    )
}

impl Handle for CreateOrganizationalUnitRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = org::tag_pairs(self.tags.as_deref())?;
        Ok(match container_access(ctx, &self.parent_id) {
            Access::Check { resources, .. } => Access::Check {
                resources,
                keys: crate::iam::tagging::tag_keys(&tags),
            },
            other => other,
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateOrganizationalUnitResponse, ServiceError> {
        let ctx = call.ctx;
        let org = managed_org(call)?;
        org.container(&self.parent_id)
            .ok_or_else(|| not_found(&errors::PARENT_NOT_FOUND))?;
        if org.depth(&self.parent_id) + 1 > MAX_OU_DEPTH {
            return Err(org::constraint(
                "OU_DEPTH_LIMIT_EXCEEDED",
                "You attempted to create an OU tree that is too many levels deep.",
            ));
        }
        let units = org
            .state
            .nodes
            .iter()
            .filter(|node| node.kind == OrgNodeKind::OrganizationalUnit)
            .count();
        if units >= MAX_UNITS {
            return Err(org::constraint(
                "OU_NUMBER_LIMIT_EXCEEDED",
                "You attempted to exceed the number of OUs that you can have in an organization.",
            ));
        }
        if duplicate_name(&org, &self.parent_id, &self.name, None) {
            return Err(duplicate_unit());
        }
        let tags = org::tag_pairs(self.tags.as_deref())?;
        let root = org.root()?;
        let prefix = format!("ou-{}-", root.node_id.trim_start_matches("r-"));
        let unit = OrgNodeRecord {
            org_id: org.id().to_owned(),
            node_id: org::random_id(ctx, &prefix, 8)?,
            kind: OrgNodeKind::OrganizationalUnit,
            parent_id: Some(self.parent_id),
            name: self.name,
            email: None,
            status: None,
            joined_method: None,
            create_date: ctx.warden.now().as_millisecond(),
        };
        let defaults: Vec<&str> = [aws_policies::SCP, aws_policies::RCP]
            .into_iter()
            .filter(|policy_type| org.type_enabled(policy_type))
            .filter_map(aws_policies::default_for)
            .map(|policy| policy.id)
            .collect();
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            let orgs = tx.organizations();
            orgs.put_node(&unit)?;
            for policy in &defaults {
                orgs.attach(&org_id, policy, &unit.node_id)?;
            }
            if !tags.is_empty() {
                orgs.set_tags(&org_id, &unit.node_id, &tags)?;
            }
            Ok(())
        })?;
        let mut org = org;
        org.state.nodes.push(unit.clone());
        Ok(CreateOrganizationalUnitResponse {
            organizational_unit: Some(org.unit_shape(ctx, &unit)),
        })
    }
}

impl Handle for DescribeOrganizationalUnitRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.organizational_unit_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DescribeOrganizationalUnitResponse, ServiceError> {
        let org = managed_org(call)?;
        let unit = find_unit(&org, &self.organizational_unit_id)?;
        Ok(DescribeOrganizationalUnitResponse {
            organizational_unit: Some(org.unit_shape(call.ctx, unit)),
        })
    }
}

impl Handle for UpdateOrganizationalUnitRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.organizational_unit_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<UpdateOrganizationalUnitResponse, ServiceError> {
        let mut org = managed_org(call)?;
        let unit = find_unit(&org, &self.organizational_unit_id)?.clone();
        let Some(name) = self.name else {
            return Ok(UpdateOrganizationalUnitResponse {
                organizational_unit: Some(org.unit_shape(call.ctx, &unit)),
            });
        };
        let parent = unit.parent_id.clone().unwrap_or_default();
        if duplicate_name(&org, &parent, &name, Some(&unit.node_id)) {
            return Err(duplicate_unit());
        }
        let renamed = OrgNodeRecord { name, ..unit };
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id), |tx| {
            tx.organizations().put_node(&renamed)
        })?;
        if let Some(node) = org
            .state
            .nodes
            .iter_mut()
            .find(|node| node.node_id == renamed.node_id)
        {
            node.name.clone_from(&renamed.name);
        }
        Ok(UpdateOrganizationalUnitResponse {
            organizational_unit: Some(org.unit_shape(call.ctx, &renamed)),
        })
    }
}

impl Handle for DeleteOrganizationalUnitRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.organizational_unit_id))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        let unit = find_unit(&org, &self.organizational_unit_id)?;
        let occupied = org
            .state
            .nodes
            .iter()
            .any(|node| node.parent_id.as_deref() == Some(unit.node_id.as_str()));
        if occupied {
            return Err(ServiceError::modeled(
                &errors::ORGANIZATIONAL_UNIT_NOT_EMPTY,
                "The specified organizational unit is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations()
                .delete_node(&org_id, &self.organizational_unit_id)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListOrganizationalUnitsForParentRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.parent_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListOrganizationalUnitsForParentResponse, ServiceError> {
        let org = managed_org(call)?;
        org.container(&self.parent_id)
            .ok_or_else(|| not_found(&errors::PARENT_NOT_FOUND))?;
        let units = org
            .children(&self.parent_id, OrgNodeKind::OrganizationalUnit)
            .map(|unit| org.unit_shape(call.ctx, unit))
            .collect();
        let (units, next_token) = org::page(units, self.next_token.as_deref(), self.max_results)?;
        Ok(ListOrganizationalUnitsForParentResponse {
            organizational_units: Some(units),
            next_token,
        })
    }
}

impl Handle for ListChildrenRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.parent_id))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListChildrenResponse, ServiceError> {
        let org = managed_org(call)?;
        org.container(&self.parent_id)
            .ok_or_else(|| not_found(&errors::PARENT_NOT_FOUND))?;
        let kind = OrgNodeKind::parse(&self.child_type)
            .ok_or_else(|| org::invalid_input("INVALID_ENUM", "You specified an invalid value."))?;
        let children = org
            .children(&self.parent_id, kind)
            .map(|child| orgs::Child {
                id: Some(child.node_id.clone()),
                r#type: Some(self.child_type.clone()),
            })
            .collect();
        let (children, next_token) =
            org::page(children, self.next_token.as_deref(), self.max_results)?;
        Ok(ListChildrenResponse {
            children: Some(children),
            next_token,
        })
    }
}

impl Handle for ListParentsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(container_access(ctx, &self.child_id))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListParentsResponse, ServiceError> {
        let org = managed_org(call)?;
        let child = org
            .node(&self.child_id)
            .filter(|node| node.kind != OrgNodeKind::Root)
            .ok_or_else(|| not_found(&errors::CHILD_NOT_FOUND))?;
        let parents = child
            .parent_id
            .as_deref()
            .and_then(|parent| org.node(parent))
            .map(|parent| orgs::Parent {
                id: Some(parent.node_id.clone()),
                r#type: Some(parent.kind.as_str().to_owned()),
            })
            .into_iter()
            .collect();
        let (parents, next_token) =
            org::page(parents, self.next_token.as_deref(), self.max_results)?;
        Ok(ListParentsResponse {
            parents: Some(parents),
            next_token,
        })
    }
}
