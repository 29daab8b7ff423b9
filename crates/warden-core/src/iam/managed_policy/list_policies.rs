//! ListPolicies: AWS managed and customer managed policies, filtered by `Scope`, `PathPrefix`,
//! `OnlyAttached` and `PolicyUsageFilter`, a page at a time (AWS managed first, each by
//! name). `Description` and `Tags` are left out, as AWS does.

use warden_protocol::iam::{ListPoliciesRequest, ListPoliciesResponse, Policy};

use super::{Found, policy_shape};
use crate::aws_managed;
use crate::iam::paging::page_of;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListPoliciesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListPolicies no resource type.
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListPoliciesResponse, ServiceError> {
        let scope = self.scope.as_deref().unwrap_or("All");
        let prefix = self.path_prefix.as_deref().unwrap_or("/");
        let mut found: Vec<Found> = Vec::new();
        if scope != "Local" {
            found.extend(
                aws_managed::all()
                    .values()
                    .filter(|policy| policy.path.starts_with(prefix))
                    .map(Found::Aws),
            );
        }
        if scope != "AWS" {
            let local = call.read(|tx| tx.managed_policies().list(call.ctx.account()))?;
            found.extend(
                local
                    .into_iter()
                    .filter(|record| record.path.starts_with(prefix))
                    .map(Found::Customer),
            );
        }
        let filtered = self.only_attached.unwrap_or(false) || self.policy_usage_filter.is_some();
        let (policies, marker) = if filtered {
            // Usage counts read the store: only the filters that need them count every
            // candidate; otherwise only the page's policies are counted.
            let mut used = Vec::new();
            for policy in &found {
                let shape = policy_shape(call, policy)?;
                // `PermissionsBoundary` counts boundaries; `PermissionsPolicy` and
                // `OnlyAttached` count attachments.
                let in_use = match self.policy_usage_filter.as_deref() {
                    Some("PermissionsBoundary") => shape.permissions_boundary_usage_count,
                    _ => shape.attachment_count,
                };
                if in_use > Some(0) {
                    used.push(listed(shape));
                }
            }
            page_of(used, self.marker.as_deref(), self.max_items)?
        } else {
            let (page, marker) = page_of(found, self.marker.as_deref(), self.max_items)?;
            let shapes = page
                .iter()
                .map(|policy| policy_shape(call, policy).map(listed))
                .collect::<Result<Vec<_>, _>>()?;
            (shapes, marker)
        };
        Ok(ListPoliciesResponse {
            policies: Some(policies),
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}

/// A policy as ListPolicies shows it.
fn listed(policy: Policy) -> Policy {
    Policy {
        description: None,
        tags: None,
        ..policy
    }
}
