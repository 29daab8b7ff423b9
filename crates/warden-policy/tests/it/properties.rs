//! Properties of evaluation that must hold for every policy set, checked on random small policies.

use proptest::prelude::*;
use serde_json::{Value, json};
use warden_policy::{
    ContextMap, ContextValue, Decision, Outcome, Policy, PolicyKind, PolicySet, Principal,
    PrincipalKind, RequestContext, evaluate,
};

const ACCOUNT: &str = "111122223333";

const POLICY_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:*",
    "s3:Get*",
    "S3:getobject",
    "iam:GetUser",
    "iam:*User",
    "ec2:RunInstances",
    "*",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "iam:GetUser",
    "ec2:RunInstances",
];
const POLICY_RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::other/*",
    "arn:aws:s3:::bucket/home/${aws:username}/*",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::*:user/*",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::other/x",
    "arn:aws:s3:::bucket/home/alice/f",
    "arn:aws:iam::111122223333:user/alice",
];

fn condition() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(
            json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}})
        )),
        Just(Some(
            json!({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "ap-south-1"]}})
        )),
        Just(Some(json!({"StringLike": {"aws:PrincipalTag/team": "e*"}}))),
        Just(Some(
            json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}})
        )),
        Just(Some(
            json!({"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}})
        )),
        Just(Some(json!({"Bool": {"aws:SecureTransport": "true"}}))),
        Just(Some(
            json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
        )),
        Just(Some(
            json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}})
        )),
        Just(Some(
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}})
        )),
        Just(Some(json!({"Null": {"aws:TokenIssueTime": "true"}}))),
        Just(Some(
            json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
        )),
        Just(Some(
            json!({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})
        )),
    ]
}

fn principal_element() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": "111122223333"})),
        Just(
            json!({"AWS": ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::444455556666:root"]})
        ),
        Just(json!({"AWS": "arn:aws:sts::111122223333:assumed-role/dev/s1"})),
        Just(json!({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]})),
        Just(json!({"Federated": "arn:aws:iam::111122223333:saml-provider/idp"})),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::sample::subsequence(POLICY_ACTIONS, 1..=3),
        proptest::sample::subsequence(POLICY_RESOURCES, 1..=2),
        condition(),
    )
        .prop_map(
            |(allow, not_action, not_resource, actions, resources, condition)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                s.insert(
                    (if not_action { "NotAction" } else { "Action" }).into(),
                    json!(actions),
                );
                s.insert(
                    (if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    })
                    .into(),
                    json!(resources),
                );
                if let Some(c) = condition {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            },
        )
}

fn document() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(statement(), 1..=4)
}

fn render(statements: &[Value]) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn request() -> impl Strategy<Value = RequestContext> {
    (
        proptest::sample::select(REQUEST_ACTIONS),
        proptest::sample::select(REQUEST_RESOURCES),
        proptest::option::of(proptest::sample::select(&["us-east-1", "eu-west-1"][..])),
        proptest::option::of(proptest::sample::select(
            &["10.1.2.3", "192.0.2.9", "2001:db8::1"][..],
        )),
        proptest::option::of(proptest::sample::subsequence(
            &["env", "team", "cost"][..],
            0..=3,
        )),
        any::<bool>(),
    )
        .prop_map(|(action, resource, region, ip, tag_keys, secure)| {
            let mut context = ContextMap::new();
            context.insert("aws:username", ContextValue::Single("alice".into()));
            context.insert("aws:PrincipalTag/team", ContextValue::Single("eng".into()));
            context.insert(
                "aws:CurrentTime",
                ContextValue::Single("2024-06-01T00:00:00Z".into()),
            );
            context.insert(
                "aws:SecureTransport",
                ContextValue::Single(secure.to_string()),
            );
            if let Some(region) = region {
                context.insert("aws:RequestedRegion", ContextValue::Single(region.into()));
            }
            if let Some(ip) = ip {
                context.insert("aws:SourceIp", ContextValue::Single(ip.into()));
            }
            if let Some(keys) = tag_keys {
                context.insert(
                    "aws:TagKeys",
                    ContextValue::Multi(keys.into_iter().map(str::to_owned).collect()),
                );
            }
            RequestContext {
                principal: Principal {
                    arn: format!("arn:aws:iam::{ACCOUNT}:user/alice"),
                    account: ACCOUNT.into(),
                    kind: PrincipalKind::User,
                    role_arn: None,
                    federating_user_arn: None,
                    unique_id: None,
                },
                action: action.into(),
                resource: resource.into(),
                resource_account: Some(ACCOUNT.into()),
                context,
            }
        })
}

#[expect(
    clippy::panic,
    reason = "a generated policy that does not parse must fail the property"
)]
fn parse(id: &str, json: &str, kind: PolicyKind) -> Policy {
    Policy::parse(id, json, kind)
        .unwrap_or_else(|e| panic!("generated policy {json} does not parse: {e}"))
}

fn decide(request: &RequestContext, identity: &[Policy], boundary: Option<&Policy>) -> Decision {
    let set = PolicySet {
        identity: identity.iter().collect(),
        boundary,
        session: Vec::new(),
        resource: None,
        scp: Vec::new(),
        rcp: Vec::new(),
    };
    evaluate(request, &set)
}

fn parse_all(docs: &[Vec<Value>]) -> Vec<Policy> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| parse(&format!("p{i}"), &render(d), PolicyKind::Identity))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A Deny statement matching the request wins over anything else in any layer.
    #[test]
    fn explicit_deny_always_wins(
        docs in proptest::collection::vec(document(), 0..=3),
        boundary in proptest::option::of(document()),
        request in request(),
        deny_in_boundary in any::<bool>(),
    ) {
        let deny = json!({"Effect": "Deny", "Action": request.action, "Resource": request.resource});
        let mut identity = parse_all(&docs);
        let boundary = match (boundary, deny_in_boundary) {
            (Some(mut b), true) => { b.push(deny); Some(parse("b", &render(&b), PolicyKind::Boundary)) }
            (None, true) => Some(parse("b", &render(&[deny]), PolicyKind::Boundary)),
            (b, false) => {
                identity.push(parse("deny", &render(&[deny]), PolicyKind::Identity));
                b.map(|b| parse("b", &render(&b), PolicyKind::Boundary))
            }
        };
        let decision = decide(&request, &identity, boundary.as_ref());
        prop_assert_eq!(decision.outcome, Outcome::ExplicitDeny);
    }

    /// Neither the order of statements within a policy nor the order of policies changes the outcome.
    #[test]
    fn statement_order_never_matters(
        docs in proptest::collection::vec(document(), 1..=3),
        request in request(),
    ) {
        let forward = parse_all(&docs);
        let reversed: Vec<Vec<Value>> = docs.iter().rev().map(|d| d.iter().rev().cloned().collect()).collect();
        let backward = parse_all(&reversed);
        let merged: Vec<Value> = docs.iter().flatten().cloned().collect();
        let single = vec![parse("merged", &render(&merged), PolicyKind::Identity)];
        let a = decide(&request, &forward, None).outcome;
        prop_assert_eq!(a, decide(&request, &backward, None).outcome);
        prop_assert_eq!(a, decide(&request, &single, None).outcome);
    }

    /// Printing a parsed policy and parsing it again gives the same print and the same decisions.
    #[test]
    fn parse_then_print_is_identity(doc in document(), request in request()) {
        let first = parse("p", &render(&doc), PolicyKind::Identity);
        let printed = first.to_json();
        let second = parse("p", &printed, PolicyKind::Identity);
        prop_assert_eq!(&printed, &second.to_json());
        prop_assert_eq!(
            decide(&request, std::slice::from_ref(&first), None).outcome,
            decide(&request, std::slice::from_ref(&second), None).outcome
        );
    }

    /// Resource and trust policies (with `Principal`) also print to JSON that parses to the same print.
    #[test]
    fn principal_policies_print_and_parse_back(
        principal in principal_element(),
        doc in document(),
        trust in any::<bool>(),
    ) {
        let mut statements = doc;
        for s in &mut statements {
            s["Principal"] = principal.clone();
            if trust && let Some(map) = s.as_object_mut() {
                map.remove("Resource");
                map.remove("NotResource");
                map.remove("NotAction");
                map.insert("Action".into(), json!(["sts:AssumeRole", "sts:TagSession"]));
            }
        }
        let kind = if trust { PolicyKind::Trust } else { PolicyKind::Resource };
        let first = parse("r", &render(&statements), kind);
        let printed = first.to_json();
        prop_assert_eq!(&printed, &parse("r", &printed, kind).to_json());
    }

    /// Adding an Allow statement never turns an Allowed decision into a deny.
    #[test]
    fn adding_an_allow_never_denies(
        docs in proptest::collection::vec(document(), 1..=3),
        extra in statement(),
        request in request(),
    ) {
        let before = decide(&request, &parse_all(&docs), None).outcome;
        let mut extra = extra;
        extra["Effect"] = json!("Allow");
        let mut grown = docs;
        grown[0].push(extra);
        let after = decide(&request, &parse_all(&grown), None).outcome;
        if before == Outcome::Allowed {
            prop_assert_eq!(after, Outcome::Allowed);
        }
        if before == Outcome::ExplicitDeny {
            prop_assert_eq!(after, Outcome::ExplicitDeny);
        }
    }
}
