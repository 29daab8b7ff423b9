//! `Policy`: a validated document compiled for fast evaluation.
//!
//! Compilation lowercases action patterns and indexes statements by service prefix, splits ARN
//! patterns into segments, reads condition values (numbers, dates, networks, bytes) and
//! prepares policy-variable slots, so that evaluation only compares.

use std::sync::Arc;

use crate::arn::ArnPattern;
use crate::condition::Condition;
use crate::document::{
    ActionClause, Effect, PolicyDocument, PrincipalClause, PrincipalSet, PrincipalType,
    ResourceClause, Statement, Version,
};
use crate::glob::Glob;
use crate::validate::{self, ParseOptions};

/// Where a policy is attached; decides which elements are required or forbidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Inline or managed policy of a user, group or role.
    Identity,
    /// A resource-based policy (bucket, queue, key policy...).
    Resource,
    /// A role trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// A permissions boundary.
    Boundary,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A session policy passed to `AssumeRole*` or `GetFederationToken`.
    Session,
}

impl PolicyKind {
    /// Whether every statement needs `Resource` or `NotResource`.
    pub(crate) fn requires_resource(self) -> bool {
        matches!(
            self,
            Self::Identity | Self::Boundary | Self::Session | Self::Scp | Self::Rcp
        )
    }

    /// Kinds IAM stores as identity-style documents (SIDs must be alphanumeric).
    pub(crate) fn is_iam_identity_kind(self) -> bool {
        matches!(self, Self::Identity | Self::Boundary | Self::Session)
    }
}

/// A rejected policy document. `Display` is the exact AWS `MalformedPolicyDocument` message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PolicyError {
    message: String,
}

impl PolicyError {
    /// The AWS message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A parsed, validated and compiled policy. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Shared with every [`crate::StatementRef`] a decision reports, so reporting allocates
    /// nothing per matched statement.
    id: Arc<str>,
    kind: PolicyKind,
    document: PolicyDocument,
    statements: Vec<CompiledStatement>,
    index: ActionIndex,
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.inner.id == other.inner.id
            && self.inner.kind == other.inner.kind
            && self.inner.document == other.inner.document
    }
}

impl Policy {
    /// Parses, validates for the kind, and compiles.
    pub fn parse(id: impl Into<String>, json: &str, kind: PolicyKind) -> Result<Self, PolicyError> {
        Self::parse_with(id, json, kind, ParseOptions::default())
    }

    /// Like [`Policy::parse`], with options (e.g. the managed-policy version rule).
    pub fn parse_with(
        id: impl Into<String>,
        json: &str,
        kind: PolicyKind,
        options: ParseOptions,
    ) -> Result<Self, PolicyError> {
        let root =
            validate::validate(json, kind, options).map_err(|message| PolicyError { message })?;
        let document = PolicyDocument::from_json(&root).map_err(|_| PolicyError {
            message: validate::SYNTAX.to_owned(),
        })?;
        Ok(Self::from_document(id.into(), kind, document))
    }

    fn from_document(id: String, kind: PolicyKind, document: PolicyDocument) -> Self {
        let variables = document.version == Some(Version::V2012_10_17);
        let statements: Vec<CompiledStatement> = document
            .statements
            .iter()
            .map(|s| CompiledStatement::compile(s, variables))
            .collect();
        let index = ActionIndex::build(&statements);
        Self {
            inner: Arc::new(Inner {
                id: Arc::from(id),
                kind,
                document,
                statements,
                index,
            }),
        }
    }

    /// The id given at parse time (typically the policy ARN or `user/name/inline-name`).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The id as a shared string (what decisions report, without copying).
    pub(crate) fn shared_id(&self) -> &Arc<str> {
        &self.inner.id
    }

    /// The kind given at parse time.
    pub fn kind(&self) -> PolicyKind {
        self.inner.kind
    }

    /// The document tree.
    pub fn document(&self) -> &PolicyDocument {
        &self.inner.document
    }

    /// Canonical JSON: `parse(to_json(p))` equals `p`.
    pub fn to_json(&self) -> String {
        self.inner.document.to_json()
    }

    pub(crate) fn statements(&self) -> &[CompiledStatement] {
        &self.inner.statements
    }

    /// Indices of statements whose actions may match `service:name` (lowercase).
    pub(crate) fn candidates(&self, service: &str, name: &str) -> Candidates<'_> {
        self.inner.index.candidates(service, name)
    }
}

/// A statement ready for evaluation.
#[derive(Debug)]
pub(crate) struct CompiledStatement {
    pub(crate) sid: Option<Arc<str>>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<PrincipalMatcher>,
    pub(crate) actions: ActionMatcher,
    pub(crate) resources: Option<ResourceMatcher>,
    pub(crate) conditions: Vec<Condition>,
}

impl CompiledStatement {
    fn compile(statement: &Statement, variables: bool) -> Self {
        let actions = match &statement.action {
            ActionClause::Action(patterns) => ActionMatcher::new(patterns, false),
            ActionClause::NotAction(patterns) => ActionMatcher::new(patterns, true),
        };
        let resources = statement.resource.as_ref().map(|clause| {
            let (patterns, negated) = match clause {
                ResourceClause::Resource(p) => (p, false),
                ResourceClause::NotResource(p) => (p, true),
            };
            ResourceMatcher {
                negated,
                patterns: patterns
                    .iter()
                    .map(|p| ArnPattern::compile(p, variables, false))
                    .collect(),
            }
        });
        let principal = statement.principal.as_ref().map(|clause| match clause {
            PrincipalClause::Principal(set) => PrincipalMatcher::new(set, false),
            PrincipalClause::NotPrincipal(set) => PrincipalMatcher::new(set, true),
        });
        let conditions = statement
            .conditions
            .iter()
            .flat_map(|block| {
                block.entries.iter().map(|(key, values)| {
                    Condition::compile(&block.operator, key, values, variables)
                })
            })
            .collect();
        Self {
            sid: statement.sid.as_deref().map(Arc::from),
            effect: statement.effect,
            principal,
            actions,
            resources,
            conditions,
        }
    }
}

/// `Action` / `NotAction` patterns split into service and name.
#[derive(Debug)]
pub(crate) struct ActionMatcher {
    pub(crate) negated: bool,
    patterns: Vec<(Glob, Glob)>,
    /// Every pattern names the same literal service.
    single_service: bool,
}

impl ActionMatcher {
    fn new(patterns: &[String], negated: bool) -> Self {
        let patterns: Vec<(Glob, Glob)> = patterns
            .iter()
            .map(|pattern| {
                let lower = pattern.to_ascii_lowercase();
                match lower.split_once(':') {
                    Some((service, name)) => (Glob::action(service), Glob::action(name)),
                    None => (Glob::action(&lower), Glob::action("*")),
                }
            })
            .collect();
        let first_service = patterns.first().and_then(|(s, _)| s.as_literal());
        let single_service = first_service.is_some()
            && patterns
                .iter()
                .all(|(s, _)| s.as_literal() == first_service);
        Self {
            negated,
            patterns,
            single_service,
        }
    }

    /// Whether the statement covers `service:name` (both already lowercase).
    /// `service_known` says the index already matched the service.
    pub(crate) fn matches(&self, service: &str, name: &str, service_known: bool) -> bool {
        let listed = if service_known && self.single_service {
            self.patterns.iter().any(|(_, n)| n.matches_lowercase(name))
        } else {
            self.patterns
                .iter()
                .any(|(s, n)| s.matches_lowercase(service) && n.matches_lowercase(name))
        };
        listed != self.negated
    }
}

/// `Resource` / `NotResource` patterns.
#[derive(Debug)]
pub(crate) struct ResourceMatcher {
    pub(crate) negated: bool,
    pub(crate) patterns: Vec<ArnPattern>,
}

/// How strongly a resource-policy statement names the caller (§2.3 of the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Grant {
    /// The account: the caller also needs an identity-policy allow.
    Account,
    /// The role (or the federating user): limited by boundary and session policies.
    Limited,
    /// The exact user, session, service or everyone: the allow alone suffices.
    Direct,
}

/// A compiled `Principal` / `NotPrincipal`.
#[derive(Debug)]
pub(crate) struct PrincipalMatcher {
    negated: bool,
    everyone: bool,
    accounts: Vec<String>,
    arns: Vec<String>,
    services: Vec<String>,
    federated: Vec<String>,
    canonical_users: Vec<String>,
}

impl PrincipalMatcher {
    fn new(set: &PrincipalSet, negated: bool) -> Self {
        let mut matcher = Self {
            negated,
            everyone: false,
            accounts: Vec::new(),
            arns: Vec::new(),
            services: Vec::new(),
            federated: Vec::new(),
            canonical_users: Vec::new(),
        };
        let PrincipalSet::Map(entries) = set else {
            matcher.everyone = true;
            return matcher;
        };
        for (kind, values) in entries {
            for value in values {
                match kind {
                    PrincipalType::Aws if value == "*" => matcher.everyone = true,
                    PrincipalType::Aws => match account_of_root(value) {
                        Some(account) => matcher.accounts.push(account.to_owned()),
                        None => matcher.arns.push(value.clone()),
                    },
                    PrincipalType::Service => matcher.services.push(value.clone()),
                    PrincipalType::Federated => matcher.federated.push(value.clone()),
                    PrincipalType::CanonicalUser => matcher.canonical_users.push(value.clone()),
                }
            }
        }
        matcher
    }

    /// Whether this is `NotPrincipal`.
    pub(crate) fn is_negated(&self) -> bool {
        self.negated
    }

    /// How the statement names the caller, or `None` if it does not apply to the caller.
    pub(crate) fn grant(&self, principal: &crate::Principal) -> Option<Grant> {
        if self.negated {
            // AWS checks the account, then the role, then the session: the caller escapes a
            // NotPrincipal only if every identity in that chain is listed.
            return if self.lists_whole_chain(principal) {
                None
            } else {
                Some(Grant::Account)
            };
        }
        self.positive_grant(principal)
    }

    fn positive_grant(&self, principal: &crate::Principal) -> Option<Grant> {
        use crate::PrincipalKind as Kind;
        if self.everyone {
            return Some(Grant::Direct);
        }
        let mut best: Option<Grant> = None;
        let mut offer = |grant: Grant| best = best.max(Some(grant));
        match principal.kind {
            Kind::Service => {
                if self.services.contains(&principal.arn) {
                    offer(Grant::Direct);
                }
            }
            Kind::Anonymous => {}
            _ => {
                if self.accounts.contains(&principal.account) {
                    offer(Grant::Account);
                }
                if self.arns.contains(&principal.arn) {
                    offer(Grant::Direct);
                }
                let via = principal
                    .role_arn
                    .as_ref()
                    .or(principal.federating_user_arn.as_ref());
                if via.is_some_and(|arn| self.arns.contains(arn)) {
                    offer(Grant::Limited);
                }
                // A trust policy stores a named user or role by its unique id.
                if let Some(id) = &principal.unique_id
                    && self.arns.contains(id)
                {
                    offer(match principal.kind {
                        Kind::AssumedRole => Grant::Limited,
                        _ => Grant::Direct,
                    });
                }
            }
        }
        if self.federated.contains(&principal.arn) || self.canonical_users.contains(&principal.arn)
        {
            offer(Grant::Direct);
        }
        best
    }

    fn lists_whole_chain(&self, principal: &crate::Principal) -> bool {
        use crate::PrincipalKind as Kind;
        if self.everyone {
            return true;
        }
        match principal.kind {
            Kind::Service => self.services.contains(&principal.arn),
            Kind::Anonymous => false,
            Kind::Root => self.accounts.contains(&principal.account),
            _ => {
                let via = principal
                    .role_arn
                    .as_ref()
                    .or(principal.federating_user_arn.as_ref());
                self.accounts.contains(&principal.account)
                    && self.arns.contains(&principal.arn)
                    && via.is_none_or(|arn| self.arns.contains(arn))
            }
        }
    }
}

/// `123456789012` or `arn:<partition>:iam::123456789012:root` → the account id.
fn account_of_root(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    let arn = crate::ArnParts::parse(value)?;
    let root = arn.service == "iam" && arn.region.is_empty() && arn.resource == "root";
    let account = root.then_some(arn.account)?;
    Some(account)
}

/// Statements indexed by the lowercase service prefix of their action patterns and the first
/// letter of the action name, so that evaluation looks only at statements that can match.
///
/// For one service a statement sits either in `any` (one of its names for that service starts
/// with a wildcard) or under each first letter of its names, never both, so a lookup of
/// (service, letter) plus (service, any) plus `always` yields each statement at most once.
#[derive(Debug, Default)]
struct ActionIndex {
    services: Vec<ServiceEntry>,
    /// `NotAction` statements and statements with a wildcard in a service prefix.
    always: Vec<u32>,
}

/// The statements naming one service.
#[derive(Debug)]
struct ServiceEntry {
    /// Compared first so that most entries are rejected without touching the service text.
    fingerprint: u64,
    service: Box<str>,
    /// Statements with a name pattern for this service that starts with a wildcard.
    any: Vec<u32>,
    /// Statements by the first letter of their name patterns for this service.
    by_first: Vec<(u8, Vec<u32>)>,
}

/// Candidate statements for one request, in three lists that never overlap.
pub(crate) struct Candidates<'a> {
    /// Found through the service: the service prefix is known to match.
    pub(crate) by_service: [&'a [u32]; 2],
    /// `NotAction` statements and wildcard services: everything must be checked.
    pub(crate) always: &'a [u32],
}

impl ActionIndex {
    fn build(statements: &[CompiledStatement]) -> Self {
        let mut index = Self::default();
        for (i, statement) in statements.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let literal_services: Option<Vec<(&str, &Glob)>> = if statement.actions.negated {
                None
            } else {
                statement
                    .actions
                    .patterns
                    .iter()
                    .map(|(service, name)| service.as_literal().map(|s| (s, name)))
                    .collect()
            };
            let Some(patterns) = literal_services else {
                index.always.push(i);
                continue;
            };
            let mut services: Vec<&str> = patterns.iter().map(|(s, _)| *s).collect();
            services.sort_unstable();
            services.dedup();
            for service in services {
                let entry = index.service_entry(service);
                let firsts: Option<Vec<u8>> = patterns
                    .iter()
                    .filter(|(s, _)| *s == service)
                    .map(|(_, name)| name.first_literal_byte())
                    .collect();
                let Some(mut firsts) = firsts else {
                    entry.any.push(i);
                    continue;
                };
                firsts.sort_unstable();
                firsts.dedup();
                for first in firsts {
                    match entry.by_first.iter_mut().find(|(b, _)| *b == first) {
                        Some((_, list)) => list.push(i),
                        None => entry.by_first.push((first, vec![i])),
                    }
                }
            }
        }
        index
    }

    fn service_entry(&mut self, service: &str) -> &mut ServiceEntry {
        let at = match self.services.iter().position(|e| *e.service == *service) {
            Some(at) => at,
            None => {
                self.services.push(ServiceEntry {
                    fingerprint: fingerprint(service),
                    service: service.into(),
                    any: Vec::new(),
                    by_first: Vec::new(),
                });
                self.services.len() - 1
            }
        };
        // INVARIANT: `at` is a valid position, found or just pushed.
        #[expect(
            clippy::indexing_slicing,
            reason = "position found or just pushed above"
        )]
        &mut self.services[at]
    }

    /// `service` and `name` must be lowercase.
    fn candidates(&self, service: &str, name: &str) -> Candidates<'_> {
        let wanted = fingerprint(service);
        let entry = self.services.iter().find(|e| {
            e.fingerprint == wanted
                && crate::glob::bytes_equal(e.service.as_bytes(), service.as_bytes())
        });
        let by_service: [&[u32]; 2] = match entry {
            Some(entry) => {
                let first = name.as_bytes().first().copied();
                let exact = entry
                    .by_first
                    .iter()
                    .find(|(b, _)| Some(*b) == first)
                    .map_or(&[][..], |(_, list)| list.as_slice());
                [exact, entry.any.as_slice()]
            }
            None => [&[], &[]],
        };
        Candidates {
            by_service,
            always: &self.always,
        }
    }
}

/// The length and first seven bytes of a service name packed into one word.
fn fingerprint(service: &str) -> u64 {
    let mut word = [0u8; 8];
    for (slot, byte) in word.iter_mut().zip(service.bytes()) {
        *slot = byte;
    }
    word[7] = u8::try_from(service.len()).unwrap_or(u8::MAX);
    u64::from_ne_bytes(word)
}
