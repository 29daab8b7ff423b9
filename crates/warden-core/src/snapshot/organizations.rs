//! The organization facts a decision needs, per account: the organization's id, the
//! account's path (`aws:PrincipalOrgPaths`), and the SCPs and RCPs of every level from
//! the root down to the account, compiled. Rebuilt for a whole organization when any of it
//! changes (a refresh costs the size of the organization, a decision one map lookup).

use std::collections::HashMap as StdHashMap;
use std::sync::Arc;

use warden_policy::Policy;
use warden_store::{OrgNodeKind, OrganizationState};

use super::Snapshot;
use crate::organizations::aws_policies;

/// One level's policies of one type.
pub type Level = Vec<Arc<Policy>>;

/// What a decision needs to know of an account in an organization.
#[derive(Debug)]
pub struct OrgMember {
    /// `o-…`.
    pub org_id: String,
    /// The organization's management account.
    pub management_account: String,
    /// The account's parent path: `o-…/r-…/ou-…/` (`aws:PrincipalOrgPaths`).
    pub path: String,
    /// The SCPs of every level, root first, the account last; `None` when SCPs do not
    /// bind the account (the management account, or the type is not enabled).
    pub scps: Option<Vec<Level>>,
    /// The RCPs of every level, likewise.
    pub rcps: Option<Vec<Level>>,
    /// Why an attached policy cannot be evaluated: the account's calls are denied.
    pub broken: Option<String>,
}

impl Snapshot {
    /// The organization facts of `account_id`, when it is in an organization.
    pub fn org_member(&self, account_id: &str) -> Option<&OrgMember> {
        self.org_members.get(account_id).map(Arc::as_ref)
    }

    /// Replaces everything known of the organization `org_id` with `state` (`None`: it no
    /// longer exists).
    pub(crate) fn put_organization(&mut self, org_id: &str, state: Option<&OrganizationState>) {
        if let Some(accounts) = self.org_accounts.remove(org_id) {
            for account in accounts.iter() {
                self.org_members.remove(account);
            }
        }
        let Some(state) = state else {
            return;
        };
        let members = members(state);
        let accounts: Vec<String> = members.iter().map(|(id, _)| id.clone()).collect();
        for (account, member) in members {
            self.org_members.insert(account, Arc::new(member));
        }
        self.org_accounts.insert(org_id.to_owned(), accounts.into());
    }
}

/// The members of one organization, with their paths and compiled policies.
fn members(state: &OrganizationState) -> Vec<(String, OrgMember)> {
    let org = &state.organization;
    let parents: StdHashMap<&str, Option<&str>> = state
        .nodes
        .iter()
        .map(|node| (node.node_id.as_str(), node.parent_id.as_deref()))
        .collect();
    let mut compiled: StdHashMap<&str, Result<Arc<Policy>, String>> = StdHashMap::new();
    let content_of = |policy_id: &str| -> Option<(&str, &str)> {
        aws_policies::by_id(policy_id)
            .map(|policy| (policy.policy_type, policy.content))
            .or_else(|| {
                state
                    .policies
                    .iter()
                    .find(|policy| policy.policy_id == policy_id)
                    .map(|policy| (policy.policy_type.as_str(), policy.content.as_str()))
            })
    };
    let mut attached: StdHashMap<&str, Vec<(&str, &str)>> = StdHashMap::new();
    for (policy_id, target_id) in &state.attachments {
        let Some((policy_type, content)) = content_of(policy_id) else {
            continue;
        };
        let Some(kind) = aws_policies::engine_kind(policy_type) else {
            continue;
        };
        compiled.entry(policy_id.as_str()).or_insert_with(|| {
            Policy::parse(policy_id.clone(), content, kind)
                .map(Arc::new)
                .map_err(|error| format!("policy {policy_id} cannot be evaluated: {error}"))
        });
        attached
            .entry(target_id.as_str())
            .or_default()
            .push((policy_id.as_str(), policy_type));
    }
    let enabled = |policy_type: &str| state.policy_types.iter().any(|t| t == policy_type);
    state
        .nodes
        .iter()
        .filter(|node| node.kind == OrgNodeKind::Account)
        .map(|node| {
            // The chain from the account up to the root, then reversed.
            let mut chain = vec![node.node_id.as_str()];
            let mut at = node.parent_id.as_deref();
            while let Some(parent) = at {
                if chain.contains(&parent) || chain.len() > 16 {
                    break;
                }
                chain.push(parent);
                at = parents.get(parent).copied().flatten();
            }
            chain.reverse();
            let mut path = org.org_id.clone();
            path.push('/');
            for ancestor in chain.iter().take(chain.len().saturating_sub(1)) {
                path.push_str(ancestor);
                path.push('/');
            }
            let mut broken = None;
            let mut levels_of = |policy_type: &str| -> Option<Vec<Level>> {
                if node.node_id == org.management_account_id || !enabled(policy_type) {
                    return None;
                }
                let levels = chain
                    .iter()
                    .map(|level| {
                        attached
                            .get(level)
                            .into_iter()
                            .flatten()
                            .filter(|(_, t)| *t == policy_type)
                            .filter_map(|(policy_id, _)| match compiled.get(policy_id) {
                                Some(Ok(policy)) => Some(Arc::clone(policy)),
                                Some(Err(reason)) => {
                                    broken = Some(reason.clone());
                                    None
                                }
                                None => None,
                            })
                            .collect()
                    })
                    .collect();
                Some(levels)
            };
            let scps = levels_of(aws_policies::SCP);
            let rcps = levels_of(aws_policies::RCP);
            (
                node.node_id.clone(),
                OrgMember {
                    org_id: org.org_id.clone(),
                    management_account: org.management_account_id.clone(),
                    path,
                    scps,
                    rcps,
                    broken,
                },
            )
        })
        .collect()
}
