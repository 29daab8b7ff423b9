//! Organizations end to end, in process: an organization with a member account that
//! CreateAccount makes, AssumeRole from the management account into the member's
//! `OrganizationAccountAccessRole`, OUs, and service control policies deciding the member's
//! calls (the management account not bound), with AWS's errors and denial messages.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use warden_core::{FixedClock, RootCredentials, Warden};
use warden_crypto::{DeterministicRandom, RootKey, SecretString};
use warden_journal::SqliteAuditLog;
use warden_store_sqlite::SqliteStore;

const MANAGEMENT: &str = "123456789012";
const ROOT: (&str, &str) = ("AKIAIOSFODNN7EXAMPLE", "root-secret");
/// 2026-12-01T00:00:00Z
const NOW: u64 = 1_796_083_200;

#[derive(Clone, Debug)]
struct Keys {
    id: String,
    secret: String,
    token: Option<String>,
}

fn root() -> Keys {
    Keys {
        id: ROOT.0.to_owned(),
        secret: ROOT.1.to_owned(),
        token: None,
    }
}

struct World {
    app: axum::Router,
    warden: Arc<Warden>,
}

impl World {
    fn new() -> Self {
        let warden = Warden::new(
            Arc::new(SqliteStore::open_in_memory().unwrap()),
            Arc::new(SqliteAuditLog::open_in_memory().unwrap()),
            &RootKey::from_bytes(&[7; 32]).unwrap(),
            Arc::new(FixedClock(
                jiff::Timestamp::from_second(NOW as i64).unwrap(),
            )),
            Arc::new(DeterministicRandom::new(16)),
        )
        .unwrap();
        warden
            .bootstrap(
                Some(MANAGEMENT),
                Some(RootCredentials {
                    access_key_id: ROOT.0.to_owned(),
                    secret_access_key: SecretString::new(ROOT.1.to_owned()),
                }),
            )
            .unwrap();
        let warden = Arc::new(warden);
        Self {
            app: warden_server::app(Arc::clone(&warden), "us-east-1".to_owned()),
            warden,
        }
    }

    async fn signed(
        &self,
        keys: &Keys,
        service: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (StatusCode, String) {
        let identity = Credentials::new(
            keys.id.clone(),
            keys.secret.clone(),
            keys.token.clone(),
            None,
            "test",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name(service)
            .time(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW))
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let mut all = vec![("host", "127.0.0.1")];
        all.extend_from_slice(headers);
        let signable = SignableRequest::new(
            "POST",
            "http://127.0.0.1/",
            all.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut request = Request::builder().method("POST").uri("/");
        for (name, value) in &all {
            request = request.header(*name, *value);
        }
        let mut request = request.body(Body::from(body.to_owned())).unwrap();
        instructions.apply_to_request_http1x(&mut request);
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    /// An Organizations call; status and JSON answer.
    async fn orgs(&self, keys: &Keys, operation: &str, input: Value) -> (StatusCode, Value) {
        let target = format!("AWSOrganizationsV20161128.{operation}");
        let (status, body) = self
            .signed(
                keys,
                "organizations",
                &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("x-amz-target", &target),
                ],
                &input.to_string(),
            )
            .await;
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// An Organizations call that must succeed.
    async fn ok(&self, keys: &Keys, operation: &str, input: Value) -> Value {
        let (status, answer) = self.orgs(keys, operation, input).await;
        assert_eq!(status, StatusCode::OK, "{operation}: {answer}");
        answer
    }

    async fn query(&self, keys: &Keys, service: &str, body: &str) -> (StatusCode, String) {
        self.signed(
            keys,
            service,
            &[(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body,
        )
        .await
    }

    async fn iam(&self, keys: &Keys, body: &str) -> (StatusCode, String) {
        self.query(keys, "iam", &format!("Version=2010-05-08&{body}"))
            .await
    }

    /// A management-account user allowed everything, with an access key.
    async fn admin(&self, name: &str) -> Keys {
        for body in [
            format!("Action=CreateUser&UserName={name}"),
            format!(
                "Action=PutUserPolicy&UserName={name}&PolicyName=all&PolicyDocument={}",
                encoded(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                )
            ),
        ] {
            let (status, answer) = self.iam(&root(), &body).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
        let (_, answer) = self
            .iam(&root(), &format!("Action=CreateAccessKey&UserName={name}"))
            .await;
        Keys {
            id: element(&answer, "AccessKeyId"),
            secret: element(&answer, "SecretAccessKey"),
            token: None,
        }
    }

    /// An organization with SCPs enabled; its root id.
    async fn organization(&self) -> String {
        self.ok(&root(), "CreateOrganization", json!({"FeatureSet": "ALL"}))
            .await;
        let roots = self.ok(&root(), "ListRoots", json!({})).await;
        let root_id = roots["Roots"][0]["Id"].as_str().unwrap().to_owned();
        self.ok(
            &root(),
            "EnablePolicyType",
            json!({"RootId": root_id, "PolicyType": "SERVICE_CONTROL_POLICY"}),
        )
        .await;
        root_id
    }

    /// A new member account (in the root); its id.
    async fn member(&self, name: &str) -> String {
        let created = self
            .ok(
                &root(),
                "CreateAccount",
                json!({"Email": format!("{name}@example.com"), "AccountName": name}),
            )
            .await;
        assert_eq!(created["CreateAccountStatus"]["State"], "SUCCEEDED");
        created["CreateAccountStatus"]["AccountId"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn unit(&self, parent: &str, name: &str) -> String {
        let created = self
            .ok(
                &root(),
                "CreateOrganizationalUnit",
                json!({"ParentId": parent, "Name": name}),
            )
            .await;
        created["OrganizationalUnit"]["Id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// An SCP attached to `target`; its id.
    async fn scp(&self, name: &str, statements: &str, target: &str) -> String {
        let created = self
            .ok(
                &root(),
                "CreatePolicy",
                json!({
                    "Name": name,
                    "Description": "",
                    "Type": "SERVICE_CONTROL_POLICY",
                    "Content": format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#),
                }),
            )
            .await;
        let id = created["Policy"]["PolicySummary"]["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.ok(
            &root(),
            "AttachPolicy",
            json!({"PolicyId": id, "TargetId": target}),
        )
        .await;
        id
    }

    /// A session of the member's `OrganizationAccountAccessRole`, assumed by `keys`.
    async fn assume_into_member(&self, keys: &Keys, account: &str) -> Keys {
        let (status, answer) = self
            .query(
                keys,
                "sts",
                &format!(
                    "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ops&RoleArn={}",
                    encoded(&format!(
                        "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
                    ))
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        Keys {
            id: element(&answer, "AccessKeyId"),
            secret: element(&answer, "SecretAccessKey"),
            token: Some(element(&answer, "SessionToken")),
        }
    }
}

fn encoded(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn element(body: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = body.find(&open).expect(body) + open.len();
    let end = body[start..].find(&format!("</{name}>")).unwrap() + start;
    body[start..end].to_owned()
}

const DENY_CREATE_USER: &str = r#"{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}"#;

#[tokio::test]
async fn the_walkthrough_assume_into_a_new_account_then_an_scp_on_its_ou_denies() {
    let world = World::new();
    let admin = world.admin("admin").await;
    let root_id = world.organization().await;
    let member = world.member("workload").await;
    assert_ne!(member, MANAGEMENT);

    // The management account's admin assumes the role CreateAccount made; the session
    // belongs to the member account and has AdministratorAccess there.
    let session = world.assume_into_member(&admin, &member).await;
    let (status, answer) = world
        .query(
            &session,
            "sts",
            "Action=GetCallerIdentity&Version=2011-06-15",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(element(&answer, "Account"), member);
    assert_eq!(
        element(&answer, "Arn"),
        format!("arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/ops")
    );
    let (status, answer) = world
        .iam(&session, "Action=CreateUser&UserName=early")
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert!(
        answer.contains(&format!("arn:aws:iam::{member}:user/early")),
        "{answer}"
    );

    // An SCP on the account's OU denies the next call, in AWS's words.
    let unit = world.unit(&root_id, "workloads").await;
    world
        .ok(
            &root(),
            "MoveAccount",
            json!({"AccountId": member, "SourceParentId": root_id, "DestinationParentId": unit}),
        )
        .await;
    world.scp("no-users", DENY_CREATE_USER, &unit).await;
    let (status, answer) = world.iam(&session, "Action=CreateUser&UserName=late").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(
        answer.contains(&format!(
            "User: arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/ops is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::{member}:user/late with an explicit deny in a service control policy"
        )),
        "{answer}"
    );

    // The management account is not bound, even by an SCP on the root.
    world
        .scp("no-users-anywhere", DENY_CREATE_USER, &root_id)
        .await;
    let (status, answer) = world.iam(&admin, "Action=CreateUser&UserName=still").await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // The audit record of the denied call names the member account.
    let events: Vec<Value> = world
        .warden
        .audit_log()
        .records_after(0, 100_000)
        .unwrap()
        .into_iter()
        .map(|stored| serde_json::from_slice(&stored.record.body).unwrap())
        .collect();
    let denied = events
        .iter()
        .find(|event| {
            event["eventName"] == "CreateUser" && event["requestParameters"]["userName"] == "late"
        })
        .unwrap();
    assert_eq!(denied["recipientAccountId"], member.as_str());
    assert_eq!(denied["userIdentity"]["accountId"], member.as_str());
}

#[tokio::test]
async fn an_scp_on_a_parent_ou_caps_an_account_two_levels_down() {
    let world = World::new();
    let admin = world.admin("admin").await;
    let root_id = world.organization().await;
    let member = world.member("deep").await;
    let upper = world.unit(&root_id, "upper").await;
    let lower = world.unit(&upper, "lower").await;
    world
        .ok(
            &root(),
            "MoveAccount",
            json!({"AccountId": member, "SourceParentId": root_id, "DestinationParentId": lower}),
        )
        .await;
    let session = world.assume_into_member(&admin, &member).await;
    let (status, _) = world.iam(&session, "Action=CreateUser&UserName=a").await;
    assert_eq!(status, StatusCode::OK);
    world.scp("cap", DENY_CREATE_USER, &upper).await;
    let (status, answer) = world.iam(&session, "Action=CreateUser&UserName=b").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(
        answer.contains("with an explicit deny in a service control policy"),
        "{answer}"
    );
    // Other actions stay allowed.
    let (status, answer) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn without_full_aws_access_only_what_an_scp_allows_is_allowed() {
    let world = World::new();
    let admin = world.admin("admin").await;
    world.organization().await;
    let member = world.member("narrow").await;
    let session = world.assume_into_member(&admin, &member).await;
    world
        .scp(
            "list-only",
            r#"{"Effect":"Allow","Action":"iam:List*","Resource":"*"}"#,
            &member,
        )
        .await;
    world
        .ok(
            &root(),
            "DetachPolicy",
            json!({"PolicyId": "p-FullAWSAccess", "TargetId": member}),
        )
        .await;
    let (status, answer) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = world.iam(&session, "Action=CreateUser&UserName=x").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(
        answer.contains("because no service control policy allows the iam:CreateUser action"),
        "{answer}"
    );
    // The last SCP of a target cannot be detached.
    let policies = world
        .ok(
            &root(),
            "ListPoliciesForTarget",
            json!({"TargetId": member, "Filter": "SERVICE_CONTROL_POLICY"}),
        )
        .await;
    let last = policies["Policies"][0]["Id"].as_str().unwrap().to_owned();
    let (status, answer) = world
        .orgs(
            &root(),
            "DetachPolicy",
            json!({"PolicyId": last, "TargetId": member}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "ConstraintViolationException");
    assert_eq!(
        answer["Reason"],
        "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    );
}

#[tokio::test]
async fn ous_nest_five_levels_deep_and_no_deeper() {
    let world = World::new();
    let mut parent = world.organization().await;
    for level in 1..=5 {
        parent = world.unit(&parent, &format!("level-{level}")).await;
    }
    let (status, answer) = world
        .orgs(
            &root(),
            "CreateOrganizationalUnit",
            json!({"ParentId": parent, "Name": "level-6"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "ConstraintViolationException");
    assert_eq!(answer["Reason"], "OU_DEPTH_LIMIT_EXCEEDED");
    let parents = world
        .ok(&root(), "ListParents", json!({"ChildId": parent}))
        .await;
    assert_eq!(parents["Parents"][0]["Type"], "ORGANIZATIONAL_UNIT");
    let unit = world
        .ok(
            &root(),
            "DescribeOrganizationalUnit",
            json!({"OrganizationalUnitId": parent}),
        )
        .await;
    let path = unit["OrganizationalUnit"]["Path"].as_str().unwrap();
    assert_eq!(path.matches("/ou-").count(), 5, "{path}");
}

#[tokio::test]
async fn members_cannot_manage_and_accounts_outside_get_not_in_use() {
    let world = World::new();
    let admin = world.admin("admin").await;
    let (status, answer) = world.orgs(&admin, "DescribeOrganization", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "AWSOrganizationsNotInUseException");
    world.organization().await;
    let member = world.member("member").await;
    let session = world.assume_into_member(&admin, &member).await;
    let (status, answer) = world.orgs(&session, "ListAccounts", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "AccessDeniedException");
    // Any member may describe its organization.
    let described = world.ok(&session, "DescribeOrganization", json!({})).await;
    assert_eq!(described["Organization"]["MasterAccountId"], MANAGEMENT);
    let (status, answer) = world.orgs(&root(), "CreateOrganization", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "AlreadyInOrganizationException");
}

#[tokio::test]
async fn assuming_a_role_in_another_account_needs_the_callers_own_allow() {
    let world = World::new();
    world.organization().await;
    let member = world.member("member").await;
    // A management-account user without policies: the trust policy names the account,
    // which delegates to the user's own (absent) policies.
    for body in ["Action=CreateUser&UserName=plain"] {
        world.iam(&root(), body).await;
    }
    let (_, answer) = world
        .iam(&root(), "Action=CreateAccessKey&UserName=plain")
        .await;
    let plain = Keys {
        id: element(&answer, "AccessKeyId"),
        secret: element(&answer, "SecretAccessKey"),
        token: None,
    };
    let (status, answer) = world
        .query(
            &plain,
            "sts",
            &format!(
                "Action=AssumeRole&Version=2011-06-15&RoleSessionName=xy&RoleArn={}",
                encoded(&format!(
                    "arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
                ))
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert!(answer.contains(&format!(
        "User: arn:aws:iam::{MANAGEMENT}:user/plain is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    )), "{answer}");
}

#[tokio::test]
async fn principal_org_keys_are_filled_for_members() {
    let world = World::new();
    let admin = world.admin("admin").await;
    let root_id = world.organization().await;
    let member = world.member("member").await;
    let session = world.assume_into_member(&admin, &member).await;
    let org = world.ok(&root(), "DescribeOrganization", json!({})).await;
    let org_id = org["Organization"]["Id"].as_str().unwrap().to_owned();
    // Deny iam:ListRoles unless the caller's path is exactly the root's.
    let statement = format!(
        r#"{{"Effect":"Deny","Action":"iam:ListRoles","Resource":"*","Condition":{{"ForAllValues:StringNotEquals":{{"aws:PrincipalOrgPaths":["{org_id}/{root_id}/"]}},"StringEquals":{{"aws:PrincipalOrgID":"{org_id}"}}}}}}"#
    );
    world.scp("path-bound", &statement, &root_id).await;
    let (status, answer) = world.iam(&session, "Action=ListRoles").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let unit = world.unit(&root_id, "elsewhere").await;
    world
        .ok(
            &root(),
            "MoveAccount",
            json!({"AccountId": member, "SourceParentId": root_id, "DestinationParentId": unit}),
        )
        .await;
    let (status, answer) = world.iam(&session, "Action=ListRoles").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
}

#[tokio::test]
async fn an_rcp_on_a_member_denies_assuming_its_roles_and_governs_only_its_services() {
    let world = World::new();
    let admin = world.admin("admin").await;
    let root_id = world.organization().await;
    world
        .ok(
            &root(),
            "EnablePolicyType",
            json!({"RootId": root_id, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
        )
        .await;
    let member = world.member("guarded").await;
    let session = world.assume_into_member(&admin, &member).await;
    // A customer RCP may only deny.
    let (status, answer) = world
        .orgs(
            &root(),
            "CreatePolicy",
            json!({"Name": "allow", "Description": "", "Type": "RESOURCE_CONTROL_POLICY",
                   "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:*","Resource":"*"}]}"#}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["__type"], "MalformedPolicyDocumentException");
    let created = world
        .ok(
            &root(),
            "CreatePolicy",
            json!({"Name": "no-assume", "Description": "", "Type": "RESOURCE_CONTROL_POLICY",
                   "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["sts:AssumeRole","iam:CreateUser"],"Resource":"*"}]}"#}),
        )
        .await;
    let policy_id = created["Policy"]["PolicySummary"]["Id"].as_str().unwrap();
    world
        .ok(
            &root(),
            "AttachPolicy",
            json!({"PolicyId": policy_id, "TargetId": member}),
        )
        .await;
    // RCPFullAWSAccess cannot be detached.
    let (status, answer) = world
        .orgs(
            &root(),
            "DetachPolicy",
            json!({"PolicyId": "p-RCPFullAWSAccess", "TargetId": member}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["Reason"], "NON_DETACHABLE_POLICY");
    let (status, answer) = world
        .query(
            &admin,
            "sts",
            &format!(
                "Action=AssumeRole&Version=2011-06-15&RoleSessionName=again&RoleArn={}",
                encoded(&format!(
                    "arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
                ))
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    // IAM is not a service RCPs govern.
    let (status, answer) = world.iam(&session, "Action=CreateUser&UserName=ok").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}
