//! Decision latency of the Warden IAM engine, side by side with the `cedar-policy` crate on an
//! equivalent policy set.
//!
//! The principal (user `alice`) has 10 attached identity policies with 60 statements: wildcards
//! in actions and ARNs, `${aws:username}` variables, and String/IP/Bool/Numeric/Date conditions.
//! The same permissions are written in Cedar as one `permit`/`forbid` per statement:
//!
//! - the IAM action becomes `context.action` (lowercased, since IAM actions are case-insensitive)
//!   and action wildcards become `like` patterns;
//! - the resource is a `Resource` entity whose `arn` attribute is matched with `like`;
//! - conditions become `when` clauses over `context` (with `has` for possibly-missing keys);
//! - `${aws:username}` cannot be substituted into a Cedar pattern (Cedar has no string
//!   concatenation), so it becomes `resource.owner == principal.username` with the owner segment
//!   precomputed as a resource attribute — a faithful outcome at a slightly easier cost for Cedar.
//!
//! After the criterion groups, a custom loop times batches with `Instant` and prints both
//! medians and, as its last line, `ratio cedar/warden = X`.
//!
//! A second group shows that Warden's cost does not depend on how many other policies exist:
//! `evaluate` receives only the principal's applicable policies (the store looks them up by
//! principal), so 1,000 other users' policies never reach the engine. Cedar, given one policy
//! set holding everyone's policies (its natural deployment), pays for all of them.
#![expect(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benchmark fixtures: a broken fixture must abort the run, and indices come from the fixture itself"
)]

use std::hint::black_box;
use std::str::FromStr;
use std::time::{Duration, Instant};

use cedar_policy::{
    Authorizer, Context, Decision as CedarDecision, Entities, EntityUid,
    PolicySet as CedarPolicySet, Request, RestrictedExpression,
};
use criterion::Criterion;
use serde_json::{Value, json};
use warden_policy::{
    ContextMap, ContextValue, Outcome, Policy, PolicyKind, PolicySet, Principal, PrincipalKind,
    RequestContext, evaluate,
};

const ACCOUNT: &str = "111122223333";
const POLICIES: usize = 10;
const OTHER_USERS: usize = 1000;

/// One IAM statement of the benchmark, in a form both engines can be generated from.
struct Rule {
    allow: bool,
    actions: Vec<String>,
    resource: ResourceRule,
    conditions: Vec<Cond>,
}

enum ResourceRule {
    Any,
    Pattern(String),
    /// `arn:aws:s3:::bucket/home/${aws:username}/*`
    HomeFolder,
}

enum Cond {
    RegionIn(Vec<&'static str>),
    SourceIpIn(&'static str),
    SecureTransport,
    MfaAgeBelow(u32),
    AfterDate(&'static str, i64),
}

fn rules_for_policy(i: usize) -> Vec<Rule> {
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        Rule {
            allow: true,
            actions: s(&["s3:Get*", "s3:List*", "s3:DeleteObject"]),
            resource: ResourceRule::Pattern(format!("arn:aws:s3:::bucket-{i}/*")),
            conditions: vec![],
        },
        Rule {
            allow: true,
            actions: s(&["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGet*"]),
            resource: ResourceRule::Pattern(format!("arn:aws:dynamodb:*:{ACCOUNT}:table/t{i}-*")),
            conditions: vec![Cond::RegionIn(vec!["us-east-1", "eu-west-1"])],
        },
        Rule {
            allow: true,
            actions: s(&["s3:*"]),
            resource: if i.is_multiple_of(3) {
                ResourceRule::HomeFolder
            } else {
                ResourceRule::Pattern(format!("arn:aws:s3:::shared-{i}/*"))
            },
            conditions: vec![],
        },
        Rule {
            allow: true,
            actions: s(&["ec2:Describe*"]),
            resource: ResourceRule::Any,
            conditions: vec![
                Cond::RegionIn(vec!["us-east-1"]),
                Cond::AfterDate("2020-01-01T00:00:00Z", 1_577_836_800),
            ],
        },
        Rule {
            allow: false,
            actions: s(&["s3:DeleteObject", "s3:PutBucketPolicy"]),
            resource: ResourceRule::Pattern(format!("arn:aws:s3:::bucket-{i}/protected/*")),
            conditions: vec![],
        },
        Rule {
            allow: true,
            actions: s(&["sqs:SendMessage", "sqs:ReceiveMessage"]),
            resource: ResourceRule::Pattern(format!("arn:aws:sqs:us-east-1:{ACCOUNT}:queue-{i}")),
            conditions: vec![
                Cond::SourceIpIn("10.0.0.0/8"),
                Cond::SecureTransport,
                Cond::MfaAgeBelow(3600),
            ],
        },
    ]
}

// ----- Warden side -----

fn iam_statement(rule: &Rule) -> Value {
    let resource = match &rule.resource {
        ResourceRule::Any => "*".to_owned(),
        ResourceRule::Pattern(p) => p.clone(),
        ResourceRule::HomeFolder => "arn:aws:s3:::bucket/home/${aws:username}/*".to_owned(),
    };
    let mut condition = serde_json::Map::new();
    for c in &rule.conditions {
        let (op, key, value) = match c {
            Cond::RegionIn(r) => ("StringEquals", "aws:RequestedRegion", json!(r)),
            Cond::SourceIpIn(cidr) => ("IpAddress", "aws:SourceIp", json!(cidr)),
            Cond::SecureTransport => ("Bool", "aws:SecureTransport", json!("true")),
            Cond::MfaAgeBelow(n) => (
                "NumericLessThan",
                "aws:MultiFactorAuthAge",
                json!(n.to_string()),
            ),
            Cond::AfterDate(d, _) => ("DateGreaterThan", "aws:CurrentTime", json!(d)),
        };
        condition.insert(op.to_owned(), json!({ key: value }));
    }
    let mut s = json!({
        "Effect": if rule.allow { "Allow" } else { "Deny" },
        "Action": rule.actions,
        "Resource": resource,
    });
    if !condition.is_empty() {
        s["Condition"] = Value::Object(condition);
    }
    s
}

fn warden_policies(owner: &str, count: usize) -> Vec<Policy> {
    (0..count)
        .map(|i| {
            let statements: Vec<Value> = rules_for_policy(i).iter().map(iam_statement).collect();
            let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
            Policy::parse(format!("{owner}/p{i}"), &doc, PolicyKind::Identity)
                .expect("benchmark policy parses")
        })
        .collect()
}

/// A benchmark request and its expected outcome (both engines must agree with it).
struct Case {
    label: &'static str,
    action: &'static str,
    resource: String,
    expect: Outcome,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            label: "allow-wildcard",
            action: "s3:GetObject",
            resource: "arn:aws:s3:::bucket-7/data/file.csv".into(),
            expect: Outcome::Allowed,
        },
        Case {
            label: "allow-variable",
            action: "s3:PutObject",
            resource: "arn:aws:s3:::bucket/home/alice/notes.txt".into(),
            expect: Outcome::Allowed,
        },
        Case {
            label: "allow-conditions",
            action: "sqs:SendMessage",
            resource: format!("arn:aws:sqs:us-east-1:{ACCOUNT}:queue-9"),
            expect: Outcome::Allowed,
        },
        Case {
            label: "allow-region",
            action: "dynamodb:Query",
            resource: format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t4-orders"),
            expect: Outcome::Allowed,
        },
        Case {
            label: "explicit-deny",
            action: "s3:DeleteObject",
            resource: "arn:aws:s3:::bucket-3/protected/x".into(),
            expect: Outcome::ExplicitDeny,
        },
        Case {
            label: "implicit-deny",
            action: "iam:CreateUser",
            resource: format!("arn:aws:iam::{ACCOUNT}:user/bob"),
            expect: Outcome::ImplicitDeny,
        },
        Case {
            label: "implicit-deny-same-service",
            action: "s3:GetObject",
            resource: "arn:aws:s3:::unknown-bucket/x".into(),
            expect: Outcome::ImplicitDeny,
        },
    ]
}

fn warden_request(case: &Case) -> RequestContext {
    let mut context = ContextMap::new();
    let single = |v: &str| ContextValue::Single(v.to_owned());
    context.insert("aws:username", single("alice"));
    context.insert("aws:RequestedRegion", single("us-east-1"));
    context.insert("aws:SourceIp", single("10.20.30.40"));
    context.insert("aws:SecureTransport", single("true"));
    context.insert("aws:MultiFactorAuthAge", single("120"));
    context.insert("aws:CurrentTime", single("2024-06-01T12:00:00Z"));
    RequestContext {
        principal: Principal {
            arn: format!("arn:aws:iam::{ACCOUNT}:user/alice"),
            account: ACCOUNT.to_owned(),
            kind: PrincipalKind::User,
            role_arn: None,
            federating_user_arn: None,
            unique_id: None,
        },
        action: case.action.to_owned(),
        resource: case.resource.clone(),
        resource_account: Some(ACCOUNT.to_owned()),
        context,
    }
}

fn warden_decide(request: &RequestContext, policies: &[Policy]) -> Outcome {
    let set = PolicySet {
        identity: policies.iter().collect(),
        boundary: None,
        session: Vec::new(),
        resource: None,
        scp: Vec::new(),
        rcp: Vec::new(),
    };
    evaluate(request, &set).outcome
}

// ----- Cedar side -----

fn cedar_pattern(glob: &str) -> String {
    // IAM `*` is Cedar's `*`; IAM `?` has no Cedar equivalent and is not used here.
    glob.replace('"', "\\\"")
}

fn cedar_statement(owner: &str, rule: &Rule) -> String {
    let actions: Vec<String> = rule
        .actions
        .iter()
        .map(|a| {
            format!(
                "context.action like \"{}\"",
                cedar_pattern(&a.to_lowercase())
            )
        })
        .collect();
    let mut when = vec![format!("({})", actions.join(" || "))];
    match &rule.resource {
        ResourceRule::Any => {}
        ResourceRule::Pattern(p) => {
            when.push(format!("resource.arn like \"{}\"", cedar_pattern(p)))
        }
        ResourceRule::HomeFolder => {
            when.push("resource.arn like \"arn:aws:s3:::bucket/home/*/*\"".to_owned());
            when.push("resource has owner && resource.owner == principal.username".to_owned());
        }
    }
    for c in &rule.conditions {
        when.push(match c {
            Cond::RegionIn(r) => {
                let list: Vec<String> = r.iter().map(|x| format!("\"{x}\"")).collect();
                format!(
                    "context has region && [{}].contains(context.region)",
                    list.join(", ")
                )
            }
            Cond::SourceIpIn(cidr) => {
                format!("context has source_ip && context.source_ip.isInRange(ip(\"{cidr}\"))")
            }
            Cond::SecureTransport => {
                "context has secure_transport && context.secure_transport == true".to_owned()
            }
            Cond::MfaAgeBelow(n) => format!("context has mfa_age && context.mfa_age < {n}"),
            Cond::AfterDate(_, epoch) => {
                format!("context has epoch_time && context.epoch_time > {epoch}")
            }
        });
    }
    let effect = if rule.allow { "permit" } else { "forbid" };
    format!(
        "{effect}(principal == User::\"{owner}\", action, resource) when {{ {} }};\n",
        when.join(" && ")
    )
}

fn cedar_policies(owners: &[String]) -> CedarPolicySet {
    let mut text = String::new();
    for owner in owners {
        for i in 0..POLICIES {
            for rule in rules_for_policy(i) {
                text.push_str(&cedar_statement(owner, &rule));
            }
        }
    }
    CedarPolicySet::from_str(&text).expect("cedar policies parse")
}

fn cedar_entities(cases: &[Case]) -> Entities {
    let mut entities = vec![json!({
        "uid": {"type": "User", "id": "alice"},
        "attrs": {"username": "alice", "account": ACCOUNT},
        "parents": []
    })];
    for case in cases {
        let mut attrs = json!({"arn": case.resource, "account": ACCOUNT});
        if let Some(rest) = case.resource.strip_prefix("arn:aws:s3:::bucket/home/")
            && let Some((owner, _)) = rest.split_once('/')
        {
            attrs["owner"] = json!(owner);
        }
        entities.push(json!({"uid": {"type": "Resource", "id": case.resource}, "attrs": attrs, "parents": []}));
    }
    Entities::from_json_value(Value::Array(entities), None).expect("cedar entities")
}

fn cedar_request(case: &Case) -> Request {
    let context = Context::from_pairs([
        (
            "action".to_owned(),
            RestrictedExpression::new_string(case.action.to_lowercase()),
        ),
        (
            "region".to_owned(),
            RestrictedExpression::new_string("us-east-1".to_owned()),
        ),
        (
            "source_ip".to_owned(),
            RestrictedExpression::new_ip("10.20.30.40"),
        ),
        (
            "secure_transport".to_owned(),
            RestrictedExpression::new_bool(true),
        ),
        ("mfa_age".to_owned(), RestrictedExpression::new_long(120)),
        (
            "epoch_time".to_owned(),
            RestrictedExpression::new_long(1_717_243_200),
        ),
    ])
    .expect("cedar context");
    let principal = EntityUid::from_str(r#"User::"alice""#).expect("uid");
    let action = EntityUid::from_str(r#"Action::"call""#).expect("uid");
    let resource = EntityUid::from_str(&format!("Resource::{:?}", case.resource)).expect("uid");
    Request::new(principal, action, resource, context, None).expect("cedar request")
}

fn cedar_outcome(decision: CedarDecision) -> Outcome {
    // Cedar does not distinguish an explicit forbid from "no permit"; compare as allowed/denied.
    match decision {
        CedarDecision::Allow => Outcome::Allowed,
        CedarDecision::Deny => Outcome::ImplicitDeny,
    }
}

// ----- measurement -----

struct Bench {
    cases: Vec<Case>,
    warden_requests: Vec<RequestContext>,
    warden_policies: Vec<Policy>,
    cedar_requests: Vec<Request>,
    cedar_policies: CedarPolicySet,
    cedar_policies_crowded: CedarPolicySet,
    cedar_entities: Entities,
    authorizer: Authorizer,
}

impl Bench {
    fn new() -> Self {
        let cases = cases();
        let warden_requests = cases.iter().map(warden_request).collect();
        let cedar_requests = cases.iter().map(cedar_request).collect();
        let mut owners: Vec<String> = vec!["alice".to_owned()];
        owners.extend((0..OTHER_USERS).map(|n| format!("user{n}")));
        let bench = Self {
            cedar_entities: cedar_entities(&cases),
            cases,
            warden_requests,
            warden_policies: warden_policies("alice", POLICIES),
            cedar_requests,
            cedar_policies: cedar_policies(&owners[..1]),
            cedar_policies_crowded: cedar_policies(&owners),
            authorizer: Authorizer::new(),
        };
        bench.check_agreement();
        bench
    }

    /// Both engines must reach the expected decision on every request before we time them.
    fn check_agreement(&self) {
        for (i, case) in self.cases.iter().enumerate() {
            let warden = warden_decide(&self.warden_requests[i], &self.warden_policies);
            assert_eq!(warden, case.expect, "warden disagrees on {}", case.label);
            let cedar = self.cedar(i, &self.cedar_policies);
            let allowed = case.expect == Outcome::Allowed;
            assert_eq!(
                cedar == Outcome::Allowed,
                allowed,
                "cedar disagrees on {}",
                case.label
            );
        }
    }

    fn warden(&self, i: usize) -> Outcome {
        warden_decide(&self.warden_requests[i], &self.warden_policies)
    }

    fn cedar(&self, i: usize, policies: &CedarPolicySet) -> Outcome {
        cedar_outcome(
            self.authorizer
                .is_authorized(&self.cedar_requests[i], policies, &self.cedar_entities)
                .decision(),
        )
    }
}

fn criterion_groups(bench: &Bench, crowded_warden: &[Policy]) {
    let mut c = Criterion::default()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    {
        let mut group = c.benchmark_group("decision");
        for (i, case) in bench.cases.iter().enumerate() {
            group.bench_function(format!("warden/{}", case.label), |b| {
                b.iter(|| black_box(bench.warden(black_box(i))))
            });
            group.bench_function(format!("cedar/{}", case.label), |b| {
                b.iter(|| black_box(bench.cedar(black_box(i), &bench.cedar_policies)));
            });
        }
        group.finish();
    }
    {
        let mut group = c.benchmark_group("other-principals-policies");
        group.bench_function("warden/10-applicable-of-10", |b| {
            b.iter(|| black_box(bench.warden(black_box(0))))
        });
        group.bench_function(
            format!("warden/10-applicable-of-{}", (OTHER_USERS + 1) * POLICIES),
            |b| {
                // The store hands the engine only alice's policies; the others exist but are never passed.
                let applicable = &crowded_warden[..POLICIES];
                b.iter(|| {
                    black_box(warden_decide(
                        black_box(&bench.warden_requests[0]),
                        applicable,
                    ))
                });
            },
        );
        group.bench_function(
            format!("cedar/one-set-of-{}", (OTHER_USERS + 1) * POLICIES),
            |b| {
                b.iter(|| black_box(bench.cedar(black_box(0), &bench.cedar_policies_crowded)));
            },
        );
        group.finish();
    }
    c.final_summary();
}

/// Median nanoseconds per decision over `samples` batches, cycling through every request.
fn median_ns(
    samples: usize,
    batch: usize,
    requests: usize,
    mut decide: impl FnMut(usize) -> Outcome,
) -> f64 {
    let mut per_decision: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for n in 0..batch {
                black_box(decide(black_box(n % requests)));
            }
            start.elapsed().as_secs_f64() * 1e9 / batch as f64
        })
        .collect();
    per_decision.sort_by(f64::total_cmp);
    per_decision[per_decision.len() / 2]
}

fn main() {
    let bench = Bench::new();
    // 1,000 other users' policies parsed alongside alice's, as a store would hold them.
    let mut crowded_warden = warden_policies("alice", POLICIES);
    for n in 0..OTHER_USERS {
        crowded_warden.extend(warden_policies(&format!("user{n}"), POLICIES));
    }
    criterion_groups(&bench, &crowded_warden);

    let n = bench.cases.len();
    let warden = median_ns(201, 2_000, n, |i| bench.warden(i));
    let cedar = median_ns(201, 200, n, |i| bench.cedar(i, &bench.cedar_policies));
    let crowded = median_ns(101, 2_000, n, |i| {
        warden_decide(&bench.warden_requests[i], &crowded_warden[..POLICIES])
    });
    let cedar_crowded = median_ns(21, 10, n, |i| bench.cedar(i, &bench.cedar_policies_crowded));
    println!(
        "policies: {POLICIES} attached, {} statements; requests: {n}",
        POLICIES * 6
    );
    println!("warden median = {warden:.0} ns/decision");
    println!(
        "warden median with {} other policies in the store = {crowded:.0} ns/decision",
        OTHER_USERS * POLICIES
    );
    println!(
        "cedar median with {} other policies in its set = {cedar_crowded:.0} ns/decision",
        OTHER_USERS * POLICIES
    );
    println!("cedar median = {cedar:.0} ns/decision");
    println!("ratio cedar/warden = {:.1}", cedar / warden);
}
