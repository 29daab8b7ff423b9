//! TagResource, UntagResource and ListTagsForResource on accounts, OUs, roots and policies.

use warden_protocol::NoOutput;
use warden_protocol::organizations::{
    ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest,
    UntagResourceRequest, errors,
};

use super::org::{self, Org, managed_org, not_found};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

/// The access a tagging operation on `resource_id` needs (a policy's ARN names its type,
/// which only the store knows: read it).
fn resource_access(
    ctx: &Ctx<'_>,
    resource_id: &str,
    keys: Vec<(String, warden_policy::ContextValue)>,
) -> Result<Access, ServiceError> {
    let snapshot = ctx.warden.snapshot();
    let Some(member) = snapshot.org_member(ctx.account()) else {
        return Ok(Access::anywhere());
    };
    let arn = if resource_id.starts_with("p-") {
        let policy_type = super::policies::policy_type_of(ctx, &member.org_id, resource_id)?;
        org::policy_arn_of(
            ctx.partition(),
            &member.management_account,
            &member.org_id,
            &policy_type,
            resource_id,
        )
    } else {
        org::node_arn_of(
            ctx.partition(),
            &member.management_account,
            &member.org_id,
            resource_id,
        )
    };
    Ok(Access::Check {
        resources: vec![arn],
        keys,
    })
}

/// The resource's id, when it is an account, OU, root or customer managed policy of `org`.
fn require_taggable(org: &Org, resource_id: &str) -> Result<(), ServiceError> {
    let found = org.node(resource_id).is_some()
        || org
            .state
            .policies
            .iter()
            .any(|policy| policy.policy_id == resource_id);
    if found {
        Ok(())
    } else {
        Err(not_found(&errors::TARGET_NOT_FOUND))
    }
}

fn current_tags(org: &Org, resource_id: &str) -> Vec<(String, String)> {
    org.tags(resource_id)
        .into_iter()
        .map(|tag| (tag.key, tag.value))
        .collect()
}

impl Handle for TagResourceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = org::tag_pairs(Some(&self.tags))?;
        resource_access(ctx, &self.resource_id, crate::iam::tagging::tag_keys(&tags))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        require_taggable(&org, &self.resource_id)?;
        let mut tags = current_tags(&org, &self.resource_id);
        for (key, value) in org::tag_pairs(Some(&self.tags))? {
            match tags.iter_mut().find(|(k, _)| *k == key) {
                Some(existing) => existing.1 = value,
                None => tags.push((key, value)),
            }
        }
        if tags.len() > org::MAX_TAGS {
            return Err(org::constraint(
                "MAX_TAG_LIMIT_EXCEEDED",
                "You have exceeded the number of tags allowed on this resource.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations()
                .set_tags(&org_id, &self.resource_id, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagResourceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let keys = vec![(
            "aws:TagKeys".to_owned(),
            warden_policy::ContextValue::Multi(self.tag_keys.clone()),
        )];
        resource_access(ctx, &self.resource_id, keys)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        require_taggable(&org, &self.resource_id)?;
        let tags: Vec<(String, String)> = current_tags(&org, &self.resource_id)
            .into_iter()
            .filter(|(key, _)| !self.tag_keys.contains(key))
            .collect();
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations()
                .set_tags(&org_id, &self.resource_id, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListTagsForResourceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        resource_access(ctx, &self.resource_id, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListTagsForResourceResponse, ServiceError> {
        let org = managed_org(call)?;
        require_taggable(&org, &self.resource_id)?;
        let (tags, next_token) = org::page(
            org.tags(&self.resource_id),
            self.next_token.as_deref(),
            None,
        )?;
        Ok(ListTagsForResourceResponse {
            tags: Some(tags),
            next_token,
        })
    }
}
