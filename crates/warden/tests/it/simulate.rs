//! `warden policy simulate`: every question of issue 18, each test naming the AWS rule it
//! follows.

use serde_json::json;

use super::{Files, policy, simulate, warden};

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn allow_all() -> serde_json::Value {
    policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
}

fn deny_all() -> serde_json::Value {
    policy(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]))
}

/// STS API Reference, GetCallerIdentity: "No permissions are required to perform this
/// operation. If an administrator attaches a policy to your identity that explicitly denies
/// access to the sts:GetCallerIdentity action, you can still perform this operation."
#[test]
fn get_caller_identity_is_allowed_without_a_policy_and_despite_an_explicit_deny() {
    let files = Files::new();
    let deny = files.write("deny.json", &deny_all());
    let none = simulate(&[
        "--action",
        "sts:GetCallerIdentity",
        "--resource",
        "*",
        "--principal",
        ALICE,
    ]);
    assert_eq!(none["decision"], "Allowed");
    assert_eq!(none["layer"], "Exempt");
    assert_eq!(none["policies_alone"]["decision"], "ImplicitDeny");
    let denied = simulate(&[
        "--policy",
        &deny,
        "--scp",
        &deny,
        "--action",
        "sts:GetCallerIdentity",
        "--resource",
        "*",
        "--principal",
        "arn:aws:sts::111122223333:assumed-role/app/s1",
    ]);
    assert_eq!(denied["decision"], "Allowed");
    assert_eq!(denied["policies_alone"]["decision"], "ExplicitDeny");
    assert!(
        denied["rules"][0]
            .as_str()
            .unwrap()
            .contains("you can still perform this operation"),
        "{denied}"
    );
    assert!(
        denied["explanation"]
            .as_str()
            .unwrap()
            .contains("needs no permission")
    );
    let text = warden(
        &[
            "policy",
            "simulate",
            "--policy",
            &deny,
            "--action",
            "sts:GetCallerIdentity",
            "--resource",
            "*",
        ],
        "",
    );
    assert!(text.success, "{}", text.stderr);
    assert!(text.stdout.contains("decision: Allowed"), "{}", text.stdout);
    assert!(
        text.stdout.contains("policies alone: denied"),
        "{}",
        text.stdout
    );
    // Only authenticated callers: an anonymous request is evaluated as usual.
    let anonymous = simulate(&[
        "--action",
        "sts:GetCallerIdentity",
        "--resource",
        "*",
        "--principal",
        "anonymous",
    ]);
    assert_eq!(anonymous["decision"], "ImplicitDeny");
}

fn default_key_policy() -> serde_json::Value {
    policy(json!([{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*",
    }]))
}

fn allow_decrypt() -> serde_json::Value {
    policy(json!([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY}]))
}

/// KMS Developer Guide, "Default key policy": the statement naming the account principal
/// "allows access to the AWS account and enables IAM policies" — an IAM allow then suffices,
/// and without one the request is denied.
#[test]
fn key_policy_delegating_to_the_account_lets_iam_policies_allow() {
    let files = Files::new();
    let key_policy = files.write("key.json", &default_key_policy());
    let iam = files.write("iam.json", &allow_decrypt());
    let allowed = simulate(&[
        "--key-policy",
        &key_policy,
        "--policy",
        &iam,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        ALICE,
    ]);
    assert_eq!(allowed["decision"], "Allowed", "{allowed}");
    assert!(
        allowed["rules"][0]
            .as_str()
            .unwrap()
            .contains("KMS key policy")
    );
    let no_iam = simulate(&[
        "--key-policy",
        &key_policy,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        ALICE,
    ]);
    assert_eq!(no_iam["decision"], "ImplicitDeny");
    assert_eq!(no_iam["layer"], "Identity");
}

/// KMS Developer Guide, "Key policies in AWS KMS": "Unless the key policy explicitly allows
/// it, you cannot use IAM policies to allow access to a KMS key. Without permission from the
/// key policy, IAM policies that allow permissions have no effect." The same document as an
/// ordinary resource policy would not stop the same-account IAM allow.
#[test]
fn without_the_key_policy_an_iam_allow_has_no_effect() {
    let files = Files::new();
    let names_bob = files.write(
        "key.json",
        &policy(json!([{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
            "Action": "kms:*", "Resource": "*",
        }])),
    );
    let iam = files.write("iam.json", &allow_all());
    let as_key = simulate(&[
        "--key-policy",
        &names_bob,
        "--policy",
        &iam,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        ALICE,
    ]);
    assert_eq!(as_key["decision"], "ImplicitDeny", "{as_key}");
    assert_eq!(as_key["layer"], "Resource");
    let as_ordinary = simulate(&[
        "--resource-policy",
        &names_bob,
        "--policy",
        &iam,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        ALICE,
    ]);
    assert_eq!(as_ordinary["decision"], "Allowed");
    // "No AWS principal, including the account root user … has any permissions to a KMS key
    // unless they are explicitly allowed … in a key policy".
    let root = simulate(&[
        "--key-policy",
        &names_bob,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        "arn:aws:iam::111122223333:root",
    ]);
    assert_eq!(root["decision"], "ImplicitDeny");
    // A key policy naming the caller needs no IAM policy in the same account ("you can use
    // the key policy alone to control access").
    let names_alice = files.write(
        "alice.json",
        &policy(json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "kms:Decrypt", "Resource": "*"}])),
    );
    let alone = simulate(&[
        "--key-policy",
        &names_alice,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        ALICE,
    ]);
    assert_eq!(alone["decision"], "Allowed");
    assert_eq!(alone["layer"], "Resource");
}

/// KMS Developer Guide, "Allowing users in other accounts to use a KMS key": the key policy
/// must give the external account permission and IAM policies in the external account must
/// delegate it — both sides.
#[test]
fn key_policy_across_accounts_needs_both_sides() {
    let files = Files::new();
    let external = "arn:aws:iam::444455556666:user/carol";
    let key_policy = files.write(
        "key.json",
        &policy(json!([{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "kms:Decrypt", "Resource": "*"}])),
    );
    let iam = files.write("iam.json", &allow_decrypt());
    let both = simulate(&[
        "--key-policy",
        &key_policy,
        "--policy",
        &iam,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        external,
    ]);
    assert_eq!(both["decision"], "Allowed", "{both}");
    assert_eq!(both["resource_account"], "111122223333");
    let key_only = simulate(&[
        "--key-policy",
        &key_policy,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        external,
    ]);
    assert_eq!(key_only["decision"], "ImplicitDeny");
    let default = files.write("default.json", &default_key_policy());
    let iam_only = simulate(&[
        "--key-policy",
        &default,
        "--policy",
        &iam,
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        external,
    ]);
    assert_eq!(iam_only["decision"], "ImplicitDeny");
    assert_eq!(iam_only["layer"], "Resource");
}

/// Organizations User Guide, "Resource control policies (RCPs)": an RCP attached at every
/// level (root, OUs, account) must allow — RCPFullAWSAccess at each level — and an explicit
/// deny in any RCP denies, whatever the identity and resource policies say.
#[test]
fn rcps_are_given_per_level_like_scps() {
    let files = Files::new();
    let full = files.write(
        "full.json",
        &policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}])),
    );
    let s3_only = files.write(
        "s3.json",
        &policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}])),
    );
    let deny_kms = files.write(
        "deny.json",
        &policy(
            json!([{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}}]),
        ),
    );
    let iam = files.write("iam.json", &allow_all());
    let resource = "arn:aws:sqs:us-east-1:111122223333:jobs";
    let ask = |rcps: &[&str]| {
        let mut args = vec![
            "--policy",
            iam.as_str(),
            "--action",
            "sqs:SendMessage",
            "--resource",
            resource,
            "--principal",
            ALICE,
        ];
        for level in rcps {
            args.extend(["--rcp", level]);
        }
        simulate(&args)
    };
    assert_eq!(ask(&[&full, &full])["decision"], "Allowed");
    let second_level_lacks = ask(&[&full, &s3_only]);
    assert_eq!(second_level_lacks["decision"], "ImplicitDeny");
    assert_eq!(second_level_lacks["layer"], "Rcp");
    // Two policies at one level: either may allow.
    let both_at_one_level = format!("{s3_only},{full}");
    assert_eq!(ask(&[&full, &both_at_one_level])["decision"], "Allowed");
    let denied = simulate(&[
        "--policy",
        &iam,
        "--rcp",
        &format!("{full},{deny_kms}"),
        "--action",
        "kms:Decrypt",
        "--resource",
        KEY,
        "--principal",
        ALICE,
    ]);
    assert_eq!(denied["decision"], "ExplicitDeny");
    assert_eq!(denied["layer"], "Rcp");
    assert_eq!(denied["missing_keys"], json!(["aws:PrincipalOrgID"]));
}

/// IAM User Guide, "Policy evaluation logic" and the principal element: an anonymous request
/// is allowed only by a resource-based policy whose principal is "*"; its aws:PrincipalType
/// is Anonymous and aws:userid is anonymous.
#[test]
fn anonymous_caller_needs_a_resource_policy_naming_everyone() {
    let files = Files::new();
    let public = files.write(
        "bucket.json",
        &policy(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*",
            "Condition": {"StringEquals": {"aws:PrincipalType": "Anonymous", "aws:userid": "anonymous"}}}])),
    );
    let allowed = simulate(&[
        "--resource-policy",
        &public,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::site/index.html",
        "--principal",
        "anonymous",
        "--resource-account",
        "111122223333",
    ]);
    assert_eq!(allowed["decision"], "Allowed", "{allowed}");
    assert_eq!(allowed["principal"]["type"], "Anonymous");
    let iam = files.write("iam.json", &allow_all());
    let without = simulate(&[
        "--policy",
        &iam,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::site/index.html",
        "--principal",
        "anonymous",
    ]);
    assert_eq!(without["decision"], "ImplicitDeny");
    assert_eq!(without["layer"], "Resource");
}

/// IAM User Guide, "AWS JSON policy elements: Principal" (service principals) and the global
/// condition keys aws:PrincipalServiceName / aws:PrincipalIsAWSService: a service is allowed
/// by a resource policy naming it; other services are not.
#[test]
fn service_principal_caller() {
    let files = Files::new();
    let bucket = files.write(
        "bucket.json",
        &policy(json!([{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::trail/AWSLogs/111122223333/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333", "aws:PrincipalServiceName": "cloudtrail.amazonaws.com"},
                "Bool": {"aws:PrincipalIsAWSService": "true"}}}])),
    );
    let ask = |principal: &str| {
        simulate(&[
            "--resource-policy",
            &bucket,
            "--action",
            "s3:PutObject",
            "--resource",
            "arn:aws:s3:::trail/AWSLogs/111122223333/x.json.gz",
            "--principal",
            principal,
            "--context",
            "aws:SourceAccount=111122223333",
        ])
    };
    let allowed = ask("service:cloudtrail.amazonaws.com");
    assert_eq!(allowed["decision"], "Allowed", "{allowed}");
    assert_eq!(allowed["principal"]["type"], "Service");
    assert_eq!(
        ask("service:config.amazonaws.com")["decision"],
        "ImplicitDeny"
    );
    let bad = warden(
        &[
            "policy",
            "simulate",
            "--action",
            "s3:PutObject",
            "--resource",
            "*",
            "--principal",
            "service:",
        ],
        "",
    );
    assert!(!bad.success);
    assert!(bad.stderr.contains("service:NAME"), "{}", bad.stderr);
}

/// IAM User Guide, global condition keys: for a role session aws:PrincipalArn is "the ARN of
/// the role, not the ARN of the role session" (with its path); aws:userid is
/// "role-id:caller-specified-role-name" (the principal table of "Policy variables").
#[test]
fn role_session_with_a_pathed_role() {
    let files = Files::new();
    let iam = files.write(
        "iam.json",
        &policy(json!([{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/svc/app"},
                "StringEquals": {"aws:userid": "AROAEXAMPLEID:s1", "aws:PrincipalType": "AssumedRole"}}}])),
    );
    let session = "arn:aws:sts::111122223333:assumed-role/app/s1";
    let ask = |extra: &[&str]| {
        let mut args = vec![
            "--policy",
            iam.as_str(),
            "--action",
            "s3:ListBucket",
            "--resource",
            "arn:aws:s3:::b",
            "--principal",
            session,
        ];
        args.extend_from_slice(extra);
        simulate(&args)
    };
    let full = ask(&[
        "--role-arn",
        "arn:aws:iam::111122223333:role/svc/app",
        "--principal-id",
        "AROAEXAMPLEID",
    ]);
    assert_eq!(full["decision"], "Allowed", "{full}");
    assert_eq!(
        full["principal"]["role_arn"],
        "arn:aws:iam::111122223333:role/svc/app"
    );
    // Without --role-arn the role's path is unknown: aws:PrincipalArn is role/app.
    assert_eq!(
        ask(&["--principal-id", "AROAEXAMPLEID"])["decision"],
        "ImplicitDeny"
    );
    // Without the role id, aws:userid is not known and reported missing.
    let no_id = ask(&["--role-arn", "arn:aws:iam::111122223333:role/svc/app"]);
    assert_eq!(no_id["decision"], "ImplicitDeny");
    assert_eq!(no_id["missing_keys"], json!(["aws:userid"]));
    // A trust-style resource policy naming the pathed role grants its sessions.
    let queue = files.write(
        "queue.json",
        &policy(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/svc/app"}, "Action": "sqs:SendMessage", "Resource": "*"}])),
    );
    let granted = simulate(&[
        "--resource-policy",
        &queue,
        "--action",
        "sqs:SendMessage",
        "--resource",
        "arn:aws:sqs:us-east-1:111122223333:q",
        "--principal",
        session,
        "--role-arn",
        "arn:aws:iam::111122223333:role/svc/app",
    ]);
    assert_eq!(granted["decision"], "Allowed", "{granted}");
    let wrong = warden(
        &[
            "policy",
            "simulate",
            "--action",
            "s3:ListBucket",
            "--resource",
            "*",
            "--principal",
            session,
            "--role-arn",
            "arn:aws:iam::111122223333:role/svc/other",
        ],
        "",
    );
    assert!(!wrong.success);
    assert!(
        wrong.stderr.contains("is not the ARN of role \"app\""),
        "{}",
        wrong.stderr
    );
}

/// IAM User Guide, "Cross-account policy evaluation logic": the resource's account is the
/// one in its ARN, so a request to another account's queue needs its resource policy; an ARN
/// without an account (an S3 bucket) is taken to be in the caller's account unless
/// --resource-account says otherwise. A question about a resource policy alone needs no
/// --policy.
#[test]
fn resource_account_comes_from_the_arn_and_policy_is_optional() {
    let files = Files::new();
    let iam = files.write("iam.json", &allow_all());
    let other = simulate(&[
        "--policy",
        &iam,
        "--action",
        "sqs:SendMessage",
        "--resource",
        "arn:aws:sqs:us-east-1:999988887777:q",
        "--principal",
        ALICE,
    ]);
    assert_eq!(other["decision"], "ImplicitDeny");
    assert_eq!(other["resource_account"], "999988887777");
    let bucket = simulate(&[
        "--policy",
        &iam,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--principal",
        ALICE,
    ]);
    assert_eq!(bucket["decision"], "Allowed");
    assert_eq!(bucket["resource_account"], "111122223333");
    let elsewhere = simulate(&[
        "--policy",
        &iam,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--principal",
        ALICE,
        "--resource-account",
        "999988887777",
    ]);
    assert_eq!(elsewhere["decision"], "ImplicitDeny");
    let bucket_policy = files.write(
        "bucket.json",
        &policy(json!([{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}])),
    );
    let alone = simulate(&[
        "--resource-policy",
        &bucket_policy,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--principal",
        ALICE,
    ]);
    assert_eq!(alone["decision"], "Allowed");
    assert_eq!(alone["matched"][0]["layer"], "Resource");
}

/// The help documents the caller grammar and the batch format.
#[test]
fn help_documents_callers_and_batch() {
    let help = warden(&["policy", "simulate", "--help"], "");
    assert!(help.success);
    for needle in [
        "service:NAME",
        "anonymous",
        "--role-arn",
        "--key-policy",
        "--rcp",
        "--batch",
        "\"check\"",
    ] {
        assert!(
            help.stdout.contains(needle),
            "{needle} missing from:\n{}",
            help.stdout
        );
    }
}
