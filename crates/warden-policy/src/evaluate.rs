//! The evaluation algorithm (reference §2.2–2.6).
//!
//! 1. An explicit Deny in any layer wins.
//! 2. RCPs, then SCPs: every level of the org path needs an Allow.
//! 3. Anonymous and service callers need the resource policy.
//! 4. The root user of the resource's account skips identity, boundary and session policies.
//! 5. Same account: a resource-policy Allow that names the user or session directly suffices;
//!    one naming the role (or the federating user) is still limited by boundary and session
//!    policies; one naming the account delegates to identity policies. Trust and KMS key
//!    policies must allow in every case.
//! 6. Cross account: the resource policy and the caller's identity chain must both allow.
//! 7. Identity chain: an identity Allow, and the boundary and session policies if present.

use crate::arn::SplitArn;
use crate::condition::{ConditionContext, Found, Truth};
use crate::decision::{Decision, Layer, Outcome, StatementRef};
use crate::document::Effect;
use crate::glob::Variables;
use crate::policy::{CompiledStatement, Grant, Policy};
use crate::{PrincipalKind, RequestContext};

/// How a resource policy takes part in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourcePolicyKind {
    /// Bucket, queue, topic... policies: an Allow can stand in for identity policies.
    Ordinary,
    /// Role trust policies and KMS key policies: must allow, even in the same account —
    /// naming the caller, or delegating to IAM through the account principal
    /// (`arn:aws:iam::ACCOUNT:root` or the account id), in which case the caller's identity
    /// policies must allow too. Without it, identity policies that allow have no effect; across
    /// accounts both sides must allow.
    MustAllow,
}

impl ResourcePolicyKind {
    /// A KMS key policy (KMS Developer Guide, "Key policies": "Without permission from the
    /// key policy, IAM policies that allow permissions have no effect").
    pub const KMS_KEY: Self = Self::MustAllow;
    /// A role trust policy.
    pub const ROLE_TRUST: Self = Self::MustAllow;
}

/// The policies that apply to one request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet<'a> {
    /// Identity policies: inline and managed, of the user, its groups, or the role.
    pub identity: Vec<&'a Policy>,
    /// The permissions boundary, if set.
    pub boundary: Option<&'a Policy>,
    /// Session policies (inline and managed ARNs) of a role or federated session.
    pub session: Vec<&'a Policy>,
    /// The resource's own policy, if any.
    pub resource: Option<(&'a Policy, ResourcePolicyKind)>,
    /// SCPs of the caller's account, one list per org level (root, OUs, account).
    pub scp: Vec<Vec<&'a Policy>>,
    /// RCPs of the resource's account, one list per org level.
    pub rcp: Vec<Vec<&'a Policy>>,
}

/// Decides whether the request is allowed.
pub fn evaluate(request: &RequestContext, policies: &PolicySet<'_>) -> Decision {
    let env = Env::new(request, policies.boundary.is_some());
    let mut scan = Scan::default();

    let identity = scan.layer(Layer::Identity, policies.identity.iter().copied(), &env);
    let boundary = policies
        .boundary
        .map(|p| scan.layer(Layer::Boundary, std::iter::once(p), &env));
    let session = (!policies.session.is_empty())
        .then(|| scan.layer(Layer::Session, policies.session.iter().copied(), &env));
    let resource = policies
        .resource
        .map(|(p, kind)| (scan.layer(Layer::Resource, std::iter::once(p), &env), kind));
    // Every level is scanned (no short circuit) so that all denies are found.
    let mut scp_ok = true;
    for level in &policies.scp {
        scp_ok &= scan.layer(Layer::Scp, level.iter().copied(), &env).allow;
    }
    let mut rcp_ok = true;
    for level in &policies.rcp {
        rcp_ok &= scan.layer(Layer::Rcp, level.iter().copied(), &env).allow;
    }

    if let Some(layer) = scan.first_deny() {
        return scan.finish(Outcome::ExplicitDeny, layer, Effect::Deny);
    }
    if !rcp_ok {
        return scan.finish(Outcome::ImplicitDeny, Layer::Rcp, Effect::Allow);
    }
    if !scp_ok {
        return scan.finish(Outcome::ImplicitDeny, Layer::Scp, Effect::Allow);
    }

    let grant = resource.and_then(|(r, _)| r.grant);
    let must_allow = matches!(resource, Some((_, ResourcePolicyKind::MustAllow)));
    let principal = &request.principal;
    let same_account = request
        .resource_account
        .as_ref()
        .is_none_or(|a| *a == principal.account);
    let limits_ok = || -> Result<(), Layer> {
        if boundary.is_some_and(|b| !b.allow) {
            return Err(Layer::Boundary);
        }
        if session.is_some_and(|s| !s.allow) {
            return Err(Layer::Session);
        }
        Ok(())
    };
    let identity_chain_ok = || {
        if identity.allow {
            limits_ok()
        } else {
            Err(Layer::Identity)
        }
    };

    let verdict: Result<Layer, Layer> = match principal.kind {
        PrincipalKind::Anonymous | PrincipalKind::Service => {
            grant.map(|_| Layer::Resource).ok_or(Layer::Resource)
        }
        PrincipalKind::Root if same_account => {
            if must_allow && grant.is_none() {
                Err(Layer::Resource)
            } else {
                Ok(Layer::Identity)
            }
        }
        PrincipalKind::Root => grant.map(|_| Layer::Resource).ok_or(Layer::Resource),
        _ if same_account => match grant {
            None if must_allow => Err(Layer::Resource),
            Some(Grant::Direct) => Ok(Layer::Resource),
            Some(Grant::Limited) => limits_ok().map(|()| Layer::Resource),
            Some(Grant::Account) | None => identity_chain_ok().map(|()| Layer::Identity),
        },
        _ => {
            identity_chain_ok().and_then(|()| grant.map(|_| Layer::Identity).ok_or(Layer::Resource))
        }
    };
    match verdict {
        Ok(layer) => scan.finish(Outcome::Allowed, layer, Effect::Allow),
        Err(layer) => scan.finish(Outcome::ImplicitDeny, layer, Effect::Allow),
    }
}

/// What one layer (one or several policies) says.
#[derive(Debug, Clone, Copy, Default)]
struct LayerResult {
    allow: bool,
    /// For the resource layer: the strongest way a matching Allow names the caller.
    grant: Option<Grant>,
}

#[derive(Clone, Copy)]
struct Hit<'p> {
    layer: Layer,
    policy: &'p Policy,
    index: usize,
    effect: Effect,
}

#[derive(Default)]
struct Scan<'p> {
    hits: Vec<Hit<'p>>,
    missing: Vec<&'p str>,
    unevaluable: Vec<(Hit<'p>, &'p str)>,
}

impl<'p> Scan<'p> {
    fn layer(
        &mut self,
        layer: Layer,
        policies: impl Iterator<Item = &'p Policy>,
        env: &Env<'_>,
    ) -> LayerResult {
        let mut result = LayerResult::default();
        for policy in policies {
            let candidates = policy.candidates(env.service(), env.action_name());
            let [exact, any] = candidates.by_service;
            let known = exact.iter().chain(any).map(|&i| (i, true));
            for (index, service_known) in known.chain(candidates.always.iter().map(|&i| (i, false)))
            {
                let index = index as usize;
                let Some(statement) = policy.statements().get(index) else {
                    continue;
                };
                let Some(applies) = self.applies(statement, env, service_known) else {
                    continue;
                };
                let hit = Hit {
                    layer,
                    policy,
                    index,
                    effect: statement.effect,
                };
                match applies {
                    Applies::Yes(grant) => {
                        self.hits.push(hit);
                        if statement.effect == Effect::Allow {
                            result.allow = true;
                            result.grant = result.grant.max(grant);
                        }
                    }
                    Applies::Unevaluable(reason) => {
                        self.unevaluable.push((hit, reason));
                        if statement.effect == Effect::Deny {
                            self.hits.push(hit);
                        }
                    }
                }
            }
        }
        result
    }

    /// `None` when the statement does not apply.
    fn applies(
        &mut self,
        statement: &'p CompiledStatement,
        env: &Env<'_>,
        service_known: bool,
    ) -> Option<Applies<'p>> {
        if !statement
            .actions
            .matches(env.service(), env.action_name(), service_known)
        {
            return None;
        }
        let grant = match &statement.principal {
            Some(matcher) => match matcher.grant(&env.request.principal) {
                Some(grant) => Some(grant),
                // IAM: a Deny with NotPrincipal always denies a principal that has a
                // permissions boundary, whatever NotPrincipal lists.
                None if statement.effect == Effect::Deny
                    && matcher.is_negated()
                    && env.has_boundary =>
                {
                    Some(Grant::Account)
                }
                None => return None,
            },
            None => None,
        };
        if let Some(resources) = &statement.resources {
            let listed = resources
                .patterns
                .iter()
                .any(|p| p.matches(&env.resource, env));
            if listed == resources.negated {
                return None;
            }
        }
        let mut truth = Truth::True;
        let mut reason = "";
        for condition in &statement.conditions {
            let outcome = condition.evaluate(env);
            if outcome.key_missing && !self.missing.contains(&&*condition.key) {
                self.missing.push(&condition.key);
            }
            match outcome.truth {
                Truth::False => return None,
                Truth::Unevaluable => {
                    truth = Truth::Unevaluable;
                    reason = condition
                        .broken_reason()
                        .unwrap_or("a request value cannot be read");
                }
                Truth::True => {}
            }
        }
        Some(if truth == Truth::Unevaluable {
            Applies::Unevaluable(reason)
        } else {
            Applies::Yes(grant)
        })
    }

    fn first_deny(&self) -> Option<Layer> {
        const ORDER: [Layer; 6] = [
            Layer::Scp,
            Layer::Rcp,
            Layer::Resource,
            Layer::Identity,
            Layer::Boundary,
            Layer::Session,
        ];
        ORDER.into_iter().find(|layer| {
            self.hits
                .iter()
                .any(|h| h.layer == *layer && h.effect == Effect::Deny)
        })
    }

    fn finish(self, outcome: Outcome, layer: Layer, effect: Effect) -> Decision {
        let matched = self
            .hits
            .iter()
            .filter(|h| h.effect == effect)
            .map(|h| statement_ref(h))
            .collect();
        let unevaluable = self
            .unevaluable
            .iter()
            .map(|(hit, reason)| {
                let sid = statement_sid(hit)
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                format!("{} statement {}{sid}: {reason}", hit.policy.id(), hit.index)
            })
            .collect();
        Decision {
            outcome,
            layer,
            matched,
            missing_keys: self.missing.iter().map(|k| (*k).to_owned()).collect(),
            unevaluable,
        }
    }
}

enum Applies<'p> {
    Yes(Option<Grant>),
    Unevaluable(&'p str),
}

fn statement_sid<'p>(hit: &Hit<'p>) -> Option<&'p str> {
    hit.policy
        .statements()
        .get(hit.index)
        .and_then(|s| s.sid.as_deref())
}

fn statement_ref(hit: &Hit<'_>) -> StatementRef {
    StatementRef {
        policy_id: std::sync::Arc::clone(hit.policy.shared_id()),
        sid: hit
            .policy
            .statements()
            .get(hit.index)
            .and_then(|s| s.sid.clone()),
        index: hit.index,
        layer: hit.layer,
        effect: hit.effect,
    }
}

/// The request, prepared once: action lowercased and split, resource split, key lookups with
/// fallbacks.
struct Env<'r> {
    request: &'r RequestContext,
    /// The action in lowercase (the one allocation of an evaluation besides the decision).
    action: String,
    /// Position of the colon in `action`.
    colon: Option<usize>,
    /// The caller has a permissions boundary.
    has_boundary: bool,
    resource: SplitArn<'r>,
}

impl<'r> Env<'r> {
    fn new(request: &'r RequestContext, has_boundary: bool) -> Self {
        let action = request.action.to_ascii_lowercase();
        let colon = action.find(':');
        Self {
            request,
            has_boundary,
            action,
            colon,
            resource: SplitArn::new(&request.resource),
        }
    }

    /// The lowercase service prefix.
    fn service(&self) -> &str {
        match self.colon {
            Some(colon) => self.action.get(..colon).unwrap_or(""),
            None => &self.action,
        }
    }

    /// The lowercase action name after the colon.
    fn action_name(&self) -> &str {
        self.colon
            .and_then(|colon| self.action.get(colon + 1..))
            .unwrap_or("")
    }
}

impl Variables for Env<'_> {
    fn lookup(&self, key_lower: &str) -> Option<&str> {
        match self.value(key_lower)? {
            Found::Single(value) => Some(value),
            Found::Multi(_) => None,
        }
    }
}

impl ConditionContext for Env<'_> {
    fn value(&self, key_lower: &str) -> Option<Found<'_>> {
        if let Some(value) = self.request.context.get_lowercase(key_lower) {
            return Some(match value {
                crate::ContextValue::Single(s) => Found::Single(s),
                crate::ContextValue::Multi(v) => Found::Multi(v),
            });
        }
        let principal = &self.request.principal;
        match key_lower {
            "aws:principalarn"
                if !matches!(
                    principal.kind,
                    PrincipalKind::Anonymous | PrincipalKind::Service
                ) =>
            {
                Some(Found::Single(
                    principal.role_arn.as_deref().unwrap_or(&principal.arn),
                ))
            }
            "aws:principalaccount"
                if !matches!(
                    principal.kind,
                    PrincipalKind::Anonymous | PrincipalKind::Service
                ) =>
            {
                Some(Found::Single(&principal.account))
            }
            "aws:resourceaccount" => Some(Found::Single(
                self.request
                    .resource_account
                    .as_deref()
                    .unwrap_or(&principal.account),
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;
