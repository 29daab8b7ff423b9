//! The IAM policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy (decisions by
//! the same engine as enforcement), GetContextKeysForPrincipalPolicy and
//! GetContextKeysForCustomPolicy. As AWS does for a simulation, the request context holds
//! only the `ContextEntries` given: no global key is invented from `CallerArn`, and a key a
//! statement needs that was not supplied is reported in `MissingContextValues`.

mod context_keys;
mod custom;
mod principal;

pub(crate) use principal::{managed, principal_policies};

use std::collections::BTreeMap;

use warden_policy::{
    ContextMap, ContextValue, Outcome, Policy, PolicyKind, PolicySet, Principal, PrincipalKind,
    RequestContext, ResourcePolicyKind, StatementSpan, evaluate, statement_spans,
};
use warden_protocol::iam::{
    ContextEntry, EvaluationResult, PermissionsBoundaryDecisionDetail, Position,
    ResourceSpecificResult, SimulatePolicyResponse, Statement,
};

use crate::iam::paging::page_of;
use crate::{Ctx, ServiceError};

/// One policy taking part in a simulation.
pub(crate) struct SimPolicy {
    /// `SourcePolicyId` in results: an inline policy's name, a managed policy's ARN, or
    /// `PolicyInputList.N`.
    source_id: String,
    /// `SourcePolicyType`: `user`, `group`, `role`, `aws-managed`, `user-managed`,
    /// `resource` or `none`.
    source_type: &'static str,
    /// The compiled policy (its id is `source_id`).
    policy: Policy,
    /// Where each statement is in the document's text.
    spans: Vec<StatementSpan>,
}

impl SimPolicy {
    /// The compiled policy.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Parses `document` for a simulation; a document that does not parse answers
    /// `MalformedPolicyDocument`, as AWS does.
    pub(crate) fn parse(
        source_id: String,
        source_type: &'static str,
        document: &str,
        kind: PolicyKind,
    ) -> Result<Self, ServiceError> {
        let policy = Policy::parse(source_id.clone(), document, kind)
            .map_err(|error| ServiceError::MalformedPolicyDocument(error.to_string()))?;
        Ok(Self {
            source_id,
            source_type,
            policy,
            spans: statement_spans(document),
        })
    }

    /// A policy compiled elsewhere (an AWS managed policy, under AWS's rules for its own
    /// documents), with the spans of its document's statements.
    pub(crate) fn compiled(
        source_id: String,
        source_type: &'static str,
        policy: Policy,
        spans: Vec<StatementSpan>,
    ) -> Self {
        Self {
            source_id,
            source_type,
            policy,
            spans,
        }
    }

    /// The request's `ResourcePolicy`, if it gives one.
    pub(crate) fn resource(document: Option<&str>) -> Result<Option<Self>, ServiceError> {
        document
            .map(|document| {
                Self::parse(
                    "ResourcePolicy".to_owned(),
                    "resource",
                    document,
                    PolicyKind::Resource,
                )
            })
            .transpose()
    }

    /// The policies of an input list (`PolicyInputList.1`, …).
    pub(crate) fn inputs(
        list: &str,
        documents: &[String],
        kind: PolicyKind,
    ) -> Result<Vec<Self>, ServiceError> {
        documents
            .iter()
            .enumerate()
            .map(|(n, document)| Self::parse(format!("{list}.{}", n + 1), "none", document, kind))
            .collect()
    }
}

/// Everything a simulation evaluates, and the request it asks about.
pub(crate) struct Simulation<'a> {
    /// Identity policies.
    pub(crate) identity: Vec<SimPolicy>,
    /// Permissions boundary policies (the first applies).
    pub(crate) boundary: Vec<SimPolicy>,
    /// The resource's policy, if given.
    pub(crate) resource: Option<SimPolicy>,
    /// The caller the resource policy is evaluated for.
    pub(crate) caller: Principal,
    /// The account owning the resources (`ResourceOwner`), if given.
    pub(crate) resource_owner: Option<String>,
    /// The `ContextEntries`.
    pub(crate) context: ContextMap,
    /// The actions and resources asked about.
    pub(crate) actions: &'a [String],
    pub(crate) resources: Vec<String>,
}

/// The context a simulation's `ContextEntries` give: list types are multivalued.
pub(crate) fn context_of(entries: Option<&[ContextEntry]>) -> ContextMap {
    let mut map = ContextMap::new();
    for entry in entries.unwrap_or_default() {
        let Some(name) = &entry.context_key_name else {
            continue;
        };
        let values = entry.context_key_values.clone().unwrap_or_default();
        let list = entry
            .context_key_type
            .as_deref()
            .is_some_and(|kind| kind.ends_with("List"));
        let value = match (list, values.as_slice()) {
            (false, [single]) => ContextValue::Single(single.clone()),
            _ => ContextValue::Multi(values),
        };
        map.insert(name, value);
    }
    map
}

/// The caller a simulation evaluates for: `CallerArn` when given, else `fallback` (the
/// simulated principal), else an unnamed user of the account.
pub(crate) fn caller(
    ctx: &Ctx<'_>,
    caller_arn: Option<&str>,
    fallback: Option<&str>,
) -> Result<Principal, ServiceError> {
    if let Some(arn) = caller_arn {
        return Principal::from_arn(arn)
            .ok_or_else(|| ServiceError::InvalidInput(format!("Invalid CallerArn {arn}.")));
    }
    Ok(fallback.and_then(Principal::from_arn).unwrap_or(Principal {
        arn: format!(
            "arn:{}:iam::{}:user/simulated",
            ctx.partition(),
            ctx.account()
        ),
        account: ctx.account().to_owned(),
        kind: PrincipalKind::User,
        role_arn: None,
        federating_user_arn: None,
        unique_id: None,
    }))
}

/// The account a resource belongs to: `ResourceOwner` (an account id or an ARN naming
/// one), else the account in the resource's ARN, else the caller's.
fn resource_account(owner: Option<&str>, resource: &str, caller_account: &str) -> String {
    let account_of = |arn: &str| {
        arn.split(':')
            .nth(4)
            .filter(|account| !account.is_empty())
            .map(str::to_owned)
    };
    owner
        .and_then(|owner| account_of(owner).or_else(|| Some(owner.to_owned())))
        .or_else(|| account_of(resource))
        .unwrap_or_else(|| caller_account.to_owned())
}

/// Runs the simulation: one result per action and resource, a page at a time.
pub(crate) fn simulate(
    simulation: &Simulation<'_>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<SimulatePolicyResponse, ServiceError> {
    let mut results = Vec::new();
    for action in simulation.actions {
        for resource in &simulation.resources {
            results.push(evaluate_one(simulation, action, resource));
        }
    }
    let (evaluation_results, marker) = page_of(results, marker, max_items)?;
    Ok(SimulatePolicyResponse {
        evaluation_results: Some(evaluation_results),
        is_truncated: Some(marker.is_some()),
        marker,
    })
}

fn evaluate_one(simulation: &Simulation<'_>, action: &str, resource: &str) -> EvaluationResult {
    let request = RequestContext {
        principal: simulation.caller.clone(),
        action: action.to_owned(),
        resource: resource.to_owned(),
        resource_account: Some(resource_account(
            simulation.resource_owner.as_deref(),
            resource,
            &simulation.caller.account,
        )),
        context: simulation.context.clone(),
    };
    let policies = PolicySet {
        identity: simulation.identity.iter().map(|p| &p.policy).collect(),
        boundary: simulation.boundary.first().map(|p| &p.policy),
        resource: simulation
            .resource
            .as_ref()
            .map(|p| (&p.policy, ResourcePolicyKind::Ordinary)),
        ..PolicySet::default()
    };
    let decision = evaluate(&request, &policies);
    let eval_decision = match decision.outcome {
        Outcome::Allowed => "allowed",
        Outcome::ExplicitDeny => "explicitDeny",
        Outcome::ImplicitDeny => "implicitDeny",
    };
    let all = simulation
        .identity
        .iter()
        .chain(&simulation.boundary)
        .chain(&simulation.resource);
    let sources: BTreeMap<&str, &SimPolicy> = all.map(|p| (p.source_id.as_str(), p)).collect();
    let matched: Vec<Statement> = decision
        .matched
        .iter()
        .filter_map(|statement| {
            let source = sources.get(&*statement.policy_id)?;
            let span = source.spans.get(statement.index);
            let position = |p: warden_policy::TextPosition| Position {
                line: i32::try_from(p.line).ok(),
                column: i32::try_from(p.column).ok(),
            };
            Some(Statement {
                source_policy_id: Some(source.source_id.clone()),
                source_policy_type: Some(source.source_type.to_owned()),
                start_position: span.map(|span| position(span.start)),
                end_position: span.map(|span| position(span.end)),
            })
        })
        .collect();
    let boundary_detail =
        (!simulation.boundary.is_empty()).then(|| PermissionsBoundaryDecisionDetail {
            allowed_by_permissions_boundary: Some(
                !(decision.layer == warden_policy::Layer::Boundary
                    && decision.outcome != Outcome::Allowed),
            ),
        });
    let missing: Vec<String> = decision.missing_keys;
    // AWS: present but empty for a same-account simulation of a named resource, absent for
    // `*`; per-policy-type entries only for cross-account simulations (not given here).
    let same_account = request.resource_account.as_deref() == Some(&simulation.caller.account);
    let details = (resource != "*" && same_account).then(BTreeMap::new);
    EvaluationResult {
        eval_action_name: action.to_owned(),
        eval_resource_name: Some(resource.to_owned()),
        eval_decision: eval_decision.to_owned(),
        matched_statements: Some(matched.clone()),
        missing_context_values: Some(missing.clone()),
        organizations_decision_detail: None,
        permissions_boundary_decision_detail: boundary_detail.clone(),
        eval_decision_details: details.clone(),
        resource_specific_results: Some(vec![ResourceSpecificResult {
            eval_resource_name: resource.to_owned(),
            eval_resource_decision: eval_decision.to_owned(),
            matched_statements: Some(matched),
            missing_context_values: Some(missing),
            eval_decision_details: details,
            permissions_boundary_decision_detail: boundary_detail,
        }]),
    }
}
