//! The evaluation algorithm, table-driven.

use super::*;
use crate::{ContextMap, ContextValue, PolicyKind, Principal};

const ACCOUNT: &str = "111111111111";
const OTHER: &str = "222222222222";

fn user(name: &str) -> Principal {
    Principal {
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        account: ACCOUNT.into(),
        kind: PrincipalKind::User,
        role_arn: None,
        federating_user_arn: None,
        unique_id: None,
    }
}

fn session(role: &str) -> Principal {
    Principal {
        arn: format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s"),
        account: ACCOUNT.into(),
        kind: PrincipalKind::AssumedRole,
        role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/{role}")),
        federating_user_arn: None,
        unique_id: None,
    }
}

fn root(account: &str) -> Principal {
    Principal {
        arn: format!("arn:aws:iam::{account}:root"),
        account: account.into(),
        kind: PrincipalKind::Root,
        role_arn: None,
        federating_user_arn: None,
        unique_id: None,
    }
}

fn request(principal: Principal, action: &str, resource: &str) -> RequestContext {
    let mut context = ContextMap::new();
    if principal.kind == PrincipalKind::User {
        let name = principal.arn.rsplit('/').next().unwrap_or("").to_owned();
        context.insert("aws:username", ContextValue::Single(name));
    }
    RequestContext {
        principal,
        action: action.into(),
        resource: resource.into(),
        resource_account: None,
        context,
    }
}

fn policy(kind: PolicyKind, statements: &str) -> Policy {
    let json = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    Policy::parse(format!("{kind:?}"), &json, kind).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn allow(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#)
}

fn deny(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Deny","Action":"{action}","Resource":"{resource}"}}"#)
}

fn resource_allow(principal: &str, action: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"{action}","Resource":"*"}}"#
    )
}

fn outcome(decision: &Decision) -> (Outcome, Layer) {
    (decision.outcome, decision.layer)
}

#[test]
fn identity_only() {
    let p = policy(
        PolicyKind::Identity,
        &[
            allow("s3:Get*", "arn:aws:s3:::b/*"),
            allow("iam:*", "arn:aws:iam::*:user/${aws:username}"),
        ]
        .join(","),
    );
    let set = PolicySet {
        identity: vec![&p],
        ..Default::default()
    };
    let cases = [
        ("s3:GetObject", "arn:aws:s3:::b/k", Outcome::Allowed),
        ("S3:getobject", "arn:aws:s3:::b/k", Outcome::Allowed),
        ("s3:PutObject", "arn:aws:s3:::b/k", Outcome::ImplicitDeny),
        ("s3:GetObject", "arn:aws:s3:::B/k", Outcome::ImplicitDeny),
        (
            "iam:GetUser",
            "arn:aws:iam::111111111111:user/alice",
            Outcome::Allowed,
        ),
        (
            "iam:GetUser",
            "arn:aws:iam::111111111111:user/bob",
            Outcome::ImplicitDeny,
        ),
    ];
    for (action, resource, expected) in cases {
        let d = evaluate(&request(user("alice"), action, resource), &set);
        assert_eq!(d.outcome, expected, "{action} {resource}");
    }
    let d = evaluate(&request(user("alice"), "iam:CreateUser", "*"), &set);
    assert_eq!(
        d.aws_reason("iam:CreateUser"),
        "because no identity-based policy allows the iam:CreateUser action"
    );
}

#[test]
fn explicit_deny_wins_everywhere() {
    let allow_all = policy(PolicyKind::Identity, &allow("*", "*"));
    let deny_identity = policy(PolicyKind::Identity, &deny("s3:*", "*"));
    let deny_boundary = policy(
        PolicyKind::Boundary,
        &[allow("*", "*"), deny("s3:Delete*", "*")].join(","),
    );
    let scp_full = policy(PolicyKind::Scp, &allow("*", "*"));
    let scp_deny = policy(
        PolicyKind::Scp,
        &[allow("*", "*"), deny("s3:*", "*")].join(","),
    );
    let r = request(user("alice"), "s3:DeleteObject", "arn:aws:s3:::b/k");

    let set = PolicySet {
        identity: vec![&allow_all, &deny_identity],
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&r, &set)),
        (Outcome::ExplicitDeny, Layer::Identity)
    );

    let set = PolicySet {
        identity: vec![&allow_all],
        boundary: Some(&deny_boundary),
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&r, &set)),
        (Outcome::ExplicitDeny, Layer::Boundary)
    );

    let set = PolicySet {
        identity: vec![&allow_all],
        scp: vec![vec![&scp_full], vec![&scp_deny]],
        ..Default::default()
    };
    let d = evaluate(&r, &set);
    assert_eq!(outcome(&d), (Outcome::ExplicitDeny, Layer::Scp));
    assert_eq!(
        d.aws_reason("s3:DeleteObject"),
        "with an explicit deny in a service control policy"
    );
    assert_eq!(d.matched.len(), 1);
    assert_eq!(d.matched[0].effect, Effect::Deny);

    let root_set = PolicySet {
        scp: vec![vec![&scp_deny]],
        ..Default::default()
    };
    let d = evaluate(&request(root(ACCOUNT), "s3:DeleteObject", "*"), &root_set);
    assert_eq!(d.outcome, Outcome::ExplicitDeny, "SCP denies apply to root");
}

#[test]
fn boundary_session_scp_rcp_limits() {
    let allow_all = policy(PolicyKind::Identity, &allow("*", "*"));
    let boundary_s3 = policy(PolicyKind::Boundary, &allow("s3:*", "*"));
    let session_get = policy(PolicyKind::Session, &allow("s3:Get*", "*"));
    let scp_s3 = policy(PolicyKind::Scp, &allow("s3:*", "*"));
    let scp_full = policy(PolicyKind::Scp, &allow("*", "*"));
    let rcp_full = policy(
        PolicyKind::Rcp,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#,
    );
    let rcp_deny = policy(
        PolicyKind::Rcp,
        r#"{"Effect":"Deny","Principal":"*","Action":"s3:Put*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111111111111"}}}"#,
    );

    let iam = request(session("R"), "iam:ListUsers", "*");
    let put = request(session("R"), "s3:PutObject", "*");
    let get = request(session("R"), "s3:GetObject", "*");

    let set = PolicySet {
        identity: vec![&allow_all],
        boundary: Some(&boundary_s3),
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&iam, &set)),
        (Outcome::ImplicitDeny, Layer::Boundary)
    );
    assert!(evaluate(&put, &set).is_allowed());

    let set = PolicySet {
        identity: vec![&allow_all],
        session: vec![&session_get],
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&put, &set)),
        (Outcome::ImplicitDeny, Layer::Session)
    );
    assert!(evaluate(&get, &set).is_allowed());

    let set = PolicySet {
        identity: vec![&allow_all],
        scp: vec![vec![&scp_full], vec![&scp_s3]],
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&iam, &set)),
        (Outcome::ImplicitDeny, Layer::Scp)
    );
    assert!(evaluate(&get, &set).is_allowed());

    let set = PolicySet {
        identity: vec![&allow_all],
        rcp: vec![vec![&rcp_full, &rcp_deny]],
        ..Default::default()
    };
    assert!(
        evaluate(&put, &set).is_allowed(),
        "same-org principal passes the RCP"
    );
    let mut outsider = put.clone();
    outsider.principal.account = OTHER.into();
    outsider.resource_account = Some(ACCOUNT.into());
    let d = evaluate(&outsider, &set);
    assert_eq!(outcome(&d), (Outcome::ExplicitDeny, Layer::Rcp));
    assert_eq!(
        d.aws_reason("s3:PutObject"),
        "with an explicit deny in a resource control policy"
    );
    let set = PolicySet {
        identity: vec![&allow_all],
        rcp: vec![vec![&rcp_deny]],
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&put, &set)),
        (Outcome::ImplicitDeny, Layer::Rcp)
    );
}

#[test]
fn same_account_resource_policy_principal_rules() {
    let boundary_none = policy(PolicyKind::Boundary, &allow("ec2:*", "*"));
    let user_arn = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/R");
    let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/R/s");
    let by_user = policy(
        PolicyKind::Resource,
        &resource_allow(&user_arn, "s3:GetObject"),
    );
    let by_role = policy(
        PolicyKind::Resource,
        &resource_allow(&role_arn, "s3:GetObject"),
    );
    let by_session = policy(
        PolicyKind::Resource,
        &resource_allow(&session_arn, "s3:GetObject"),
    );
    let by_account = policy(
        PolicyKind::Resource,
        &resource_allow(ACCOUNT, "s3:GetObject"),
    );
    let identity_get = policy(PolicyKind::Identity, &allow("s3:GetObject", "*"));

    let alice = request(user("alice"), "s3:GetObject", "arn:aws:s3:::b/k");
    let role_session = request(session("R"), "s3:GetObject", "arn:aws:s3:::b/k");
    let with = |resource: &'static Policy| PolicySet {
        resource: Some((resource, ResourcePolicyKind::Ordinary)),
        ..Default::default()
    };
    let leak = |p: Policy| -> &'static Policy { Box::leak(Box::new(p)) };
    let (by_user, by_role, by_session, by_account) = (
        leak(by_user),
        leak(by_role),
        leak(by_session),
        leak(by_account),
    );

    assert_eq!(
        outcome(&evaluate(&alice, &with(by_user))),
        (Outcome::Allowed, Layer::Resource)
    );
    let mut limited = with(by_user);
    limited.boundary = Some(&boundary_none);
    assert!(
        evaluate(&alice, &limited).is_allowed(),
        "user ARN named: boundary does not limit"
    );

    assert!(evaluate(&role_session, &with(by_session)).is_allowed());
    let mut session_limited = with(by_session);
    session_limited.boundary = Some(&boundary_none);
    assert!(
        evaluate(&role_session, &session_limited).is_allowed(),
        "session ARN named: not limited"
    );

    assert!(
        evaluate(&role_session, &with(by_role)).is_allowed(),
        "role ARN named: identity not needed"
    );
    let mut role_limited = with(by_role);
    role_limited.boundary = Some(&boundary_none);
    assert_eq!(
        outcome(&evaluate(&role_session, &role_limited)),
        (Outcome::ImplicitDeny, Layer::Boundary)
    );

    assert_eq!(
        outcome(&evaluate(&alice, &with(by_account))),
        (Outcome::ImplicitDeny, Layer::Identity)
    );
    let mut delegated = with(by_account);
    delegated.identity = vec![&identity_get];
    assert_eq!(
        outcome(&evaluate(&alice, &delegated)),
        (Outcome::Allowed, Layer::Identity)
    );

    assert_eq!(
        outcome(&evaluate(
            &request(user("bob"), "s3:GetObject", "x"),
            &with(by_user)
        )),
        (Outcome::ImplicitDeny, Layer::Identity)
    );
}

#[test]
fn cross_account_needs_both_sides() {
    let identity_get = policy(PolicyKind::Identity, &allow("s3:GetObject", "*"));
    let other_user = format!("arn:aws:iam::{OTHER}:user/carol");
    let bucket = policy(
        PolicyKind::Resource,
        &resource_allow(&other_user, "s3:GetObject"),
    );
    let mut carol = request(user("carol"), "s3:GetObject", "arn:aws:s3:::b/k");
    carol.principal.arn = other_user;
    carol.principal.account = OTHER.into();
    carol.resource_account = Some(ACCOUNT.into());

    let both = PolicySet {
        identity: vec![&identity_get],
        resource: Some((&bucket, ResourcePolicyKind::Ordinary)),
        ..Default::default()
    };
    assert!(evaluate(&carol, &both).is_allowed());
    let only_resource = PolicySet {
        resource: Some((&bucket, ResourcePolicyKind::Ordinary)),
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&carol, &only_resource)),
        (Outcome::ImplicitDeny, Layer::Identity)
    );
    let only_identity = PolicySet {
        identity: vec![&identity_get],
        ..Default::default()
    };
    let d = evaluate(&carol, &only_identity);
    assert_eq!(outcome(&d), (Outcome::ImplicitDeny, Layer::Resource));
    assert_eq!(
        d.aws_reason("s3:GetObject"),
        "because no resource-based policy allows the s3:GetObject action"
    );

    let other_root = root(OTHER);
    let mut r = request(other_root, "s3:GetObject", "arn:aws:s3:::b/k");
    r.resource_account = Some(ACCOUNT.into());
    let by_account = policy(PolicyKind::Resource, &resource_allow(OTHER, "s3:GetObject"));
    assert!(
        evaluate(
            &r,
            &PolicySet {
                resource: Some((&by_account, ResourcePolicyKind::Ordinary)),
                ..Default::default()
            }
        )
        .is_allowed()
    );
    assert!(!evaluate(&r, &PolicySet::default()).is_allowed());
}

#[test]
fn trust_policies_must_allow() {
    let assume = policy(PolicyKind::Identity, &allow("sts:AssumeRole", "*"));
    let trust_user = policy(
        PolicyKind::Trust,
        &format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/alice"}},"Action":"sts:AssumeRole"}}"#
        ),
    );
    let trust_account = policy(
        PolicyKind::Trust,
        &format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}"#
        ),
    );
    let trust_other = policy(
        PolicyKind::Trust,
        r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
    );
    let r = request(
        user("alice"),
        "sts:AssumeRole",
        &format!("arn:aws:iam::{ACCOUNT}:role/R"),
    );
    let with = |trust: &Policy, identity: Vec<&Policy>| {
        let set = PolicySet {
            identity,
            resource: Some((trust, ResourcePolicyKind::MustAllow)),
            ..Default::default()
        };
        outcome(&evaluate(&r, &set))
    };
    assert_eq!(
        with(&trust_user, vec![]),
        (Outcome::Allowed, Layer::Resource)
    );
    assert_eq!(
        with(&trust_account, vec![]),
        (Outcome::ImplicitDeny, Layer::Identity)
    );
    assert_eq!(
        with(&trust_account, vec![&assume]),
        (Outcome::Allowed, Layer::Identity)
    );
    assert_eq!(
        with(&trust_other, vec![&assume]),
        (Outcome::ImplicitDeny, Layer::Resource)
    );
    let root_request = request(root(ACCOUNT), "sts:AssumeRole", "x");
    let set = PolicySet {
        resource: Some((&trust_other, ResourcePolicyKind::MustAllow)),
        ..Default::default()
    };
    assert!(
        !evaluate(&root_request, &set).is_allowed(),
        "root still needs the trust policy"
    );

    let service = Principal {
        arn: "ec2.amazonaws.com".into(),
        account: String::new(),
        kind: PrincipalKind::Service,
        role_arn: None,
        federating_user_arn: None,
        unique_id: None,
    };
    let set = PolicySet {
        resource: Some((&trust_other, ResourcePolicyKind::MustAllow)),
        ..Default::default()
    };
    assert!(evaluate(&request(service, "sts:AssumeRole", "x"), &set).is_allowed());
}

#[test]
fn root_skips_identity_but_not_denies() {
    let deny_resource = policy(
        PolicyKind::Resource,
        r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}"#,
    );
    let r = request(root(ACCOUNT), "s3:GetObject", "arn:aws:s3:::b/k");
    assert!(evaluate(&r, &PolicySet::default()).is_allowed());
    let set = PolicySet {
        resource: Some((&deny_resource, ResourcePolicyKind::Ordinary)),
        ..Default::default()
    };
    assert_eq!(
        outcome(&evaluate(&r, &set)),
        (Outcome::ExplicitDeny, Layer::Resource)
    );
}

#[test]
fn not_action_not_resource_and_conditions() {
    let p = policy(
        PolicyKind::Identity,
        &[
            r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#.to_owned(),
            r#"{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::public/*"],"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}"#.to_owned(),
        ]
        .join(","),
    );
    let set = PolicySet {
        identity: vec![&p],
        ..Default::default()
    };
    assert!(!evaluate(&request(user("a"), "iam:ListUsers", "*"), &set).is_allowed());
    assert!(evaluate(&request(user("a"), "ec2:RunInstances", "*"), &set).is_allowed());
    assert!(
        evaluate(
            &request(user("a"), "s3:GetObject", "arn:aws:s3:::public/x"),
            &set
        )
        .is_allowed()
    );
    let d = evaluate(
        &request(user("a"), "s3:GetObject", "arn:aws:s3:::private/x"),
        &set,
    );
    assert_eq!(
        d.outcome,
        Outcome::ExplicitDeny,
        "missing MFA key with BoolIfExists denies"
    );
    assert_eq!(
        d.missing_keys,
        vec!["aws:MultiFactorAuthPresent".to_owned()]
    );
    let mut with_mfa = request(user("a"), "s3:GetObject", "arn:aws:s3:::private/x");
    with_mfa.context.insert(
        "aws:MultiFactorAuthPresent",
        ContextValue::Single("true".into()),
    );
    assert!(evaluate(&with_mfa, &set).is_allowed());
}

#[test]
fn unevaluable_statements_fail_safe() {
    let allow_bad = policy(
        PolicyKind::Identity,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}"#,
    );
    let deny_bad = policy(
        PolicyKind::Identity,
        r#"{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}"#,
    );
    let allow_all = policy(PolicyKind::Identity, &allow("*", "*"));
    let r = request(user("a"), "s3:ListBucket", "*");
    let d = evaluate(
        &r,
        &PolicySet {
            identity: vec![&allow_bad],
            ..Default::default()
        },
    );
    assert_eq!(d.outcome, Outcome::ImplicitDeny);
    assert_eq!(d.unevaluable.len(), 1);
    let d = evaluate(
        &r,
        &PolicySet {
            identity: vec![&allow_all, &deny_bad],
            ..Default::default()
        },
    );
    assert_eq!(d.outcome, Outcome::ExplicitDeny);
    assert_eq!(d.unevaluable.len(), 1);
}

#[test]
fn variables_and_fallback_keys() {
    let p = policy(
        PolicyKind::Identity,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team, 'none'}/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}}"#,
    );
    let set = PolicySet {
        identity: vec![&p],
        ..Default::default()
    };
    let mut r = request(user("a"), "s3:GetObject", "arn:aws:s3:::home/red/x");
    assert!(!evaluate(&r, &set).is_allowed());
    r.resource = "arn:aws:s3:::home/none/x".into();
    assert!(evaluate(&r, &set).is_allowed(), "default value");
    r.context
        .insert("aws:PrincipalTag/team", ContextValue::Single("red".into()));
    r.resource = "arn:aws:s3:::home/red/x".into();
    assert!(evaluate(&r, &set).is_allowed());

    let unversioned = Policy::parse("old", r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}"}}"#, PolicyKind::Identity).unwrap();
    let set = PolicySet {
        identity: vec![&unversioned],
        ..Default::default()
    };
    assert!(
        !evaluate(
            &request(user("a"), "s3:GetObject", "arn:aws:s3:::home/a"),
            &set
        )
        .is_allowed()
    );
    assert!(
        evaluate(
            &request(
                user("a"),
                "s3:GetObject",
                "arn:aws:s3:::home/${aws:username}"
            ),
            &set
        )
        .is_allowed()
    );
}

#[test]
fn not_principal_requires_the_whole_chain() {
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/R");
    let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/R/s");
    let partial = policy(
        PolicyKind::Resource,
        &format!(
            r#"{{"Effect":"Deny","NotPrincipal":{{"AWS":["{session_arn}"]}},"Action":"s3:*","Resource":"*"}},{}"#,
            resource_allow(&role_arn, "s3:*")
        ),
    );
    let full = policy(
        PolicyKind::Resource,
        &format!(
            r#"{{"Effect":"Deny","NotPrincipal":{{"AWS":["{session_arn}","{role_arn}","{ACCOUNT}"]}},"Action":"s3:*","Resource":"*"}},{}"#,
            resource_allow(&role_arn, "s3:*")
        ),
    );
    let r = request(session("R"), "s3:GetObject", "arn:aws:s3:::b/k");
    let d = evaluate(
        &r,
        &PolicySet {
            resource: Some((&partial, ResourcePolicyKind::Ordinary)),
            ..Default::default()
        },
    );
    assert_eq!(d.outcome, Outcome::ExplicitDeny);
    let d = evaluate(
        &r,
        &PolicySet {
            resource: Some((&full, ResourcePolicyKind::Ordinary)),
            ..Default::default()
        },
    );
    assert!(d.is_allowed());
    let boundary = policy(PolicyKind::Boundary, &allow("*", "*"));
    let with_boundary = PolicySet {
        resource: Some((&full, ResourcePolicyKind::Ordinary)),
        boundary: Some(&boundary),
        ..Default::default()
    };
    assert_eq!(
        evaluate(&r, &with_boundary).outcome,
        Outcome::ExplicitDeny,
        "a NotPrincipal Deny always denies a principal with a boundary"
    );
}

#[test]
fn round_trip_print() {
    let json = r#"{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"A","Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:Get*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"ForAnyValue:StringLike":{"aws:TagKeys":["a*","b"]}}}}"#;
    let p = Policy::parse("p", json, PolicyKind::Resource).unwrap();
    let printed = p.to_json();
    let again = Policy::parse("p", &printed, PolicyKind::Resource).unwrap();
    assert_eq!(p, again);
    assert_eq!(printed, again.to_json());
}

#[test]
fn a_principal_stored_by_unique_id_names_only_that_entity() {
    let trust = Box::leak(Box::new(policy(
        PolicyKind::Resource,
        &resource_allow("AIDAEXAMPLEALICE0001", "sts:AssumeRole"),
    )));
    let role_trust = Box::leak(Box::new(policy(
        PolicyKind::Resource,
        &resource_allow("AROAEXAMPLEROLE00001", "s3:GetObject"),
    )));
    let with = |resource: &'static Policy| PolicySet {
        resource: Some((resource, ResourcePolicyKind::Ordinary)),
        ..Default::default()
    };
    let mut alice = user("alice");
    alice.unique_id = Some("AIDAEXAMPLEALICE0001".into());
    let mut recreated = user("alice");
    recreated.unique_id = Some("AIDAEXAMPLEALICE0002".into());
    let resource = format!("arn:aws:iam::{ACCOUNT}:role/R");
    assert_eq!(
        evaluate(&request(alice, "sts:AssumeRole", &resource), &with(trust)).outcome,
        Outcome::Allowed
    );
    assert_eq!(
        evaluate(
            &request(recreated, "sts:AssumeRole", &resource),
            &with(trust)
        )
        .outcome,
        Outcome::ImplicitDeny
    );
    let mut role_session = session("R");
    role_session.unique_id = Some("AROAEXAMPLEROLE00001".into());
    assert_eq!(
        evaluate(
            &request(role_session, "s3:GetObject", "arn:aws:s3:::b/k"),
            &with(role_trust)
        )
        .outcome,
        Outcome::Allowed
    );
}
