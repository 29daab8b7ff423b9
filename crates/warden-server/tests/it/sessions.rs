//! Temporary credentials end to end, in process: AssumeRole and GetSessionToken, sessions
//! verified on every call (the token opens, the signature verifies with its secret, expiry
//! by the injected clock), role sessions decided over the role's policies and the session
//! policies, MFA, and the audit record of a role session.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;
use warden_core::{Clock, RootCredentials, Warden};
use warden_crypto::{DeterministicRandom, RootKey, SecretString};
use warden_journal::SqliteAuditLog;
use warden_store_sqlite::SqliteStore;

pub(crate) const ACCOUNT: &str = "123456789012";
const ROOT: (&str, &str) = ("AKIAIOSFODNN7EXAMPLE", "root-secret");
/// 2026-12-01T00:00:00Z
const START: i64 = 1_796_083_200;

/// A clock tests move forward.
struct MovableClock(AtomicI64);

impl Clock for MovableClock {
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_second(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

/// Temporary or long-term credentials.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    id: String,
    secret: String,
    token: Option<String>,
}

impl Keys {
    fn long_term(id: &str, secret: &str) -> Self {
        Self {
            id: id.to_owned(),
            secret: secret.to_owned(),
            token: None,
        }
    }
}

pub(crate) struct World {
    pub(crate) app: axum::Router,
    warden: Arc<Warden>,
    clock: Arc<MovableClock>,
}

impl World {
    pub(crate) async fn new() -> Self {
        let clock = Arc::new(MovableClock(AtomicI64::new(START)));
        let warden = Warden::new(
            Arc::new(SqliteStore::open_in_memory().unwrap()),
            Arc::new(SqliteAuditLog::open_in_memory().unwrap()),
            &RootKey::from_bytes(&[7; 32]).unwrap(),
            Arc::clone(&clock) as Arc<dyn Clock>,
            Arc::new(DeterministicRandom::new(5)),
        )
        .unwrap();
        warden
            .bootstrap(
                Some(ACCOUNT),
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
            clock,
        }
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.0.load(Ordering::SeqCst)
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.clock.0.fetch_add(seconds, Ordering::SeqCst);
    }

    /// A Query call; status and body.
    pub(crate) async fn call(
        &self,
        keys: &Keys,
        service: &str,
        body: &str,
    ) -> (StatusCode, String) {
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

    /// A JSON 1.1 call to CloudTrail; status and body.
    async fn cloudtrail(&self, keys: &Keys, operation: &str, body: &str) -> (StatusCode, String) {
        let target = format!("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.{operation}");
        self.signed(
            keys,
            "cloudtrail",
            &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", &target),
            ],
            body,
        )
        .await
    }

    /// A signed POST with these headers (besides `host`); status and body.
    async fn signed(
        &self,
        keys: &Keys,
        service: &str,
        extra_headers: &[(&str, &str)],
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
            .time(SystemTime::UNIX_EPOCH + Duration::from_secs(self.now().unsigned_abs()))
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let mut headers = vec![("host", "127.0.0.1")];
        headers.extend_from_slice(extra_headers);
        let signable = SignableRequest::new(
            "POST",
            "http://127.0.0.1/",
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut request = Request::builder().method("POST").uri("/");
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(Body::from(body.to_owned())).unwrap();
        instructions.apply_to_request_http1x(&mut request);
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    async fn iam(&self, keys: &Keys, body: &str) -> (StatusCode, String) {
        self.call(keys, "iam", &format!("Version=2010-05-08&{body}"))
            .await
    }

    pub(crate) async fn sts(&self, keys: &Keys, body: &str) -> (StatusCode, String) {
        self.call(keys, "sts", &format!("Version=2011-06-15&{body}"))
            .await
    }

    /// An IAM call as root that must succeed.
    pub(crate) async fn root(&self, body: &str) -> String {
        let (status, body) = self.iam(&Keys::long_term(ROOT.0, ROOT.1), body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A user with an access key and these inline policy statements (none: no policy).
    async fn user(&self, name: &str, statements: &str) -> Keys {
        self.root(&format!("Action=CreateUser&UserName={name}"))
            .await;
        if !statements.is_empty() {
            self.root(&format!(
                "Action=PutUserPolicy&UserName={name}&PolicyName=own&PolicyDocument={}",
                encoded(&policy(statements))
            ))
            .await;
        }
        let body = self
            .root(&format!("Action=CreateAccessKey&UserName={name}"))
            .await;
        Keys::long_term(
            &element(&body, "AccessKeyId"),
            &element(&body, "SecretAccessKey"),
        )
    }

    /// A role trusting `trust_statements`, with these inline policy statements.
    async fn role(&self, name: &str, trust_statements: &str, statements: &str) {
        self.root(&format!(
            "Action=CreateRole&RoleName={name}&AssumeRolePolicyDocument={}",
            encoded(&policy(trust_statements))
        ))
        .await;
        self.root(&format!(
            "Action=PutRolePolicy&RoleName={name}&PolicyName=work&PolicyDocument={}",
            encoded(&policy(statements))
        ))
        .await;
    }

    /// AssumeRole as `keys`; status and body.
    async fn assume(&self, keys: &Keys, role: &str, extra: &str) -> (StatusCode, String) {
        self.sts(
            keys,
            &format!(
                "Action=AssumeRole&RoleArn={}&RoleSessionName=s1{extra}",
                encoded(&role_arn(role))
            ),
        )
        .await
    }

    /// The session's keys from an AssumeRole or GetSessionToken answer.
    pub(crate) fn session(body: &str) -> Keys {
        Keys {
            id: element(body, "AccessKeyId"),
            secret: element(body, "SecretAccessKey"),
            token: Some(element(body, "SessionToken")),
        }
    }

    pub(crate) fn events(&self) -> Vec<Value> {
        self.warden
            .audit_log()
            .records_after(0, 100_000)
            .unwrap()
            .into_iter()
            .map(|stored| serde_json::from_slice(&stored.record.body).unwrap())
            .collect()
    }
}

fn policy(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

fn allow(action: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"*"}}"#)
}

fn trusts(principal: &str) -> String {
    format!(r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}"#)
}

fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

pub(crate) fn encoded(text: &str) -> String {
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

pub(crate) fn element(body: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = body.find(&open).expect(body) + open.len();
    let end = body[start..].find(&format!("</{name}>")).unwrap() + start;
    body[start..end].to_owned()
}

pub(crate) fn code(body: &str) -> String {
    element(body, "Code")
}

#[tokio::test]
async fn a_user_assumes_a_role_and_has_its_permissions_instead_of_its_own() {
    let world = World::new().await;
    let alice = world.user("alice", &allow("iam:ListGroups")).await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    // The trust policy names alice: no identity policy needed in the same account.
    let (status, body) = world.assume(&alice, "reader", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = World::session(&body);
    assert!(session.id.starts_with("ASIA"), "{body}");
    assert_eq!(session.id.len(), 20);
    assert_eq!(session.secret.len(), 40);
    assert!(
        element(&body, "Arn") == format!("arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1"),
        "{body}"
    );
    let role_id = element(&body, "AssumedRoleId");
    assert!(
        role_id.starts_with("AROA") && role_id.ends_with(":s1"),
        "{body}"
    );
    assert!(!body.contains("PackedPolicySize"), "{body}");
    // 1 hour by default.
    assert_eq!(element(&body, "Expiration"), "2026-12-01T01:00:00Z");

    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = world.iam(&session, "Action=ListGroups").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains(&format!(
        "User: arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1 is not authorized to perform: iam:ListGroups on resource: *"
    )), "{body}");

    let (status, body) = world.sts(&session, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1")
    );
    assert_eq!(element(&body, "UserId"), role_id);
    assert_eq!(element(&body, "Account"), ACCOUNT);

    // A role session calling a user-scoped operation without UserName.
    let (status, body) = world.iam(&session, "Action=ListAccessKeys").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "Must specify userName when calling with non-User credentials"
    );
}

#[tokio::test]
async fn a_trust_policy_that_does_not_name_the_caller_refuses_in_aws_words() {
    let world = World::new().await;
    let bob = world.user("bob", &allow("sts:AssumeRole")).await;
    world.user("alice", "").await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let expected = format!(
        "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
        user_arn("bob"),
        role_arn("reader")
    );
    let (status, body) = world.assume(&bob, "reader", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "AccessDenied");
    assert_eq!(element(&body, "Message"), expected);
    // A role that does not exist answers the same.
    let (status, body) = world.assume(&bob, "nonexistent", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        element(&body, "Message"),
        expected.replace("role/reader", "role/nonexistent")
    );
    // The root user may not assume roles.
    let (status, body) = world
        .assume(&Keys::long_term(ROOT.0, ROOT.1), "reader", "")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "Roles may not be assumed by root accounts."
    );
}

#[tokio::test]
async fn a_trust_policy_naming_the_account_needs_the_callers_identity_policy() {
    let world = World::new().await;
    let allowed = world.user("allowed", &allow("sts:AssumeRole")).await;
    let plain = world.user("plain", &allow("iam:ListUsers")).await;
    world
        .role(
            "delegated",
            &trusts(&format!("arn:aws:iam::{ACCOUNT}:root")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (status, body) = world.assume(&plain, "delegated", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = world.assume(&allowed, "delegated", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn external_id_durations_and_session_policies() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    let trust = format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"xyz-123"}}}}}}"#,
        user_arn("alice")
    );
    world
        .role(
            "vendor",
            &trust,
            &format!("{},{}", allow("iam:ListUsers"), allow("iam:ListGroups")),
        )
        .await;
    let (status, _) = world.assume(&alice, "vendor", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = world.assume(&alice, "vendor", "&ExternalId=wrong-id").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Above the role's MaxSessionDuration (3600 by default).
    let (status, body) = world
        .assume(&alice, "vendor", "&ExternalId=xyz-123&DurationSeconds=7200")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "ValidationError");
    assert_eq!(
        element(&body, "Message"),
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
    // Below the model's minimum.
    let (status, body) = world
        .assume(&alice, "vendor", "&ExternalId=xyz-123&DurationSeconds=899")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A session name outside the model's pattern.
    let (status, body) = world
        .sts(
            &alice,
            &format!(
                "Action=AssumeRole&RoleArn={}&RoleSessionName=Session1%3A2&ExternalId=xyz-123",
                encoded(&role_arn("vendor"))
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("roleSessionName"), "{body}");

    // A session policy narrows the role's permissions.
    let session_policy = policy(&allow("iam:ListUsers"));
    let (status, body) = world
        .assume(
            &alice,
            "vendor",
            &format!(
                "&ExternalId=xyz-123&DurationSeconds=900&Policy={}",
                encoded(&session_policy)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "Expiration"), "2026-12-01T00:15:00Z");
    let packed: u32 = element(&body, "PackedPolicySize").parse().unwrap();
    assert!((1..=100).contains(&packed), "{body}");
    let session = World::session(&body);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = world.iam(&session, "Action=ListGroups").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // A malformed session policy.
    let (status, body) = world
        .assume(&alice, "vendor", "&ExternalId=xyz-123&Policy=%7B%7D")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "MalformedPolicyDocument");
    // A session policy over the packed-size budget.
    let statements = vec![allow("iam:ListUsers"); 60].join(",");
    let (status, body) = world
        .assume(
            &alice,
            "vendor",
            &format!(
                "&ExternalId=xyz-123&Policy={}",
                encoded(&policy(&statements))
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "PackedPolicyTooLarge");
}

#[tokio::test]
async fn role_chaining_is_capped_at_one_hour() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    world
        .role(
            "first",
            &trusts(&user_arn("alice")),
            &allow("sts:AssumeRole"),
        )
        .await;
    world
        .root("Action=UpdateRole&RoleName=first&MaxSessionDuration=7200")
        .await;
    let (_, body) = world.assume(&alice, "first", "").await;
    let first = World::session(&body);
    world
        .role(
            "second",
            &trusts(&format!("arn:aws:iam::{ACCOUNT}:root")),
            &allow("iam:ListUsers"),
        )
        .await;
    world
        .root("Action=UpdateRole&RoleName=second&MaxSessionDuration=7200")
        .await;
    let (status, body) = world
        .assume(&first, "second", "&DurationSeconds=7200")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    let (status, body) = world.assume(&first, "second", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = World::session(&body);
    let (status, body) = world.sts(&second, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/second/s1")
    );
}

#[tokio::test]
async fn a_session_expires_and_a_forged_or_foreign_token_is_invalid() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (_, body) = world.assume(&alice, "reader", "&DurationSeconds=900").await;
    let session = World::session(&body);
    let (_, body) = world.assume(&alice, "reader", "").await;
    let other = World::session(&body);

    // Another session's token with this session's key id and secret.
    let foreign = Keys {
        token: other.token.clone(),
        ..session.clone()
    };
    let (status, body) = world.iam(&foreign, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "InvalidClientTokenId");
    // A token altered in one character.
    let mut token = session.token.clone().unwrap();
    let last = token.pop().unwrap();
    token.insert(10, if last == 'A' { 'B' } else { 'A' });
    token.push(last);
    let altered = Keys {
        token: Some(token),
        ..session.clone()
    };
    let (status, body) = world.iam(&altered, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "InvalidClientTokenId");
    // The right token with a wrong secret.
    let wrong_secret = Keys {
        secret: other.secret.clone(),
        ..session.clone()
    };
    let (status, body) = world.iam(&wrong_secret, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "SignatureDoesNotMatch");

    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    world.advance(899);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    world.advance(1);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "ExpiredToken");
    assert_eq!(
        element(&body, "Message"),
        "The security token included in the request is expired"
    );
    let (status, body) = world.sts(&session, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "ExpiredToken");
}

#[tokio::test]
async fn a_deleted_and_recreated_role_denies_the_old_sessions() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (_, body) = world.assume(&alice, "reader", "").await;
    let old = World::session(&body);
    world
        .root("Action=DeleteRolePolicy&RoleName=reader&PolicyName=work")
        .await;
    world.root("Action=DeleteRole&RoleName=reader").await;
    let (status, body) = world.iam(&old, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (status, body) = world.iam(&old, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.contains("because the principal no longer exists"),
        "{body}"
    );
    let (_, body) = world.assume(&alice, "reader", "").await;
    let new = World::session(&body);
    let (status, body) = world.iam(&new, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn context_keys_of_a_role_session() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    let statement = format!(
        r#"{{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{{"StringLike":{{"aws:userid":"AROA*:s1"}},"StringEquals":{{"aws:PrincipalArn":"{}","aws:PrincipalType":"AssumedRole"}},"Null":{{"aws:username":"true","aws:TokenIssueTime":"false"}},"Bool":{{"aws:MultiFactorAuthPresent":"false"}}}}}}"#,
        role_arn("keyed")
    );
    world
        .role("keyed", &trusts(&user_arn("alice")), &statement)
        .await;
    let (_, body) = world.assume(&alice, "keyed", "").await;
    let session = World::session(&body);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The codes at steps t-2 … t+1 (t: the clock's step) of the device in a
/// CreateVirtualMFADevice response.
fn codes_of(body: &str, now: i64) -> [String; 4] {
    use base64::Engine as _;
    let base32 = base64::engine::general_purpose::STANDARD
        .decode(element(body, "Base32StringSeed"))
        .unwrap();
    let seed = totp_rs::Secret::try_from_base32(String::from_utf8(base32).unwrap()).unwrap();
    let device = warden_crypto::totp::Device::new(seed.as_bytes()).unwrap();
    let step = warden_crypto::totp::step_at(now as u64);
    [step - 2, step - 1, step, step + 1].map(|step| device.code(step).to_string())
}

/// A virtual MFA device enabled for `user` with its codes of steps t-2 and t-1; its serial
/// number and the codes of steps t and t+1.
async fn mfa_for(world: &World, user: &str) -> (String, [String; 2]) {
    let body = world
        .root(&format!(
            "Action=CreateVirtualMFADevice&VirtualMFADeviceName={user}-mfa"
        ))
        .await;
    let serial = element(&body, "SerialNumber");
    let [c1, c2, c3, c4] = codes_of(&body, world.now());
    world
        .root(&format!(
            "Action=EnableMFADevice&UserName={user}&SerialNumber={}&AuthenticationCode1={c1}&AuthenticationCode2={c2}",
            encoded(&serial)
        ))
        .await;
    (serial, [c3, c4])
}

#[tokio::test]
async fn a_role_requiring_mfa_is_refused_without_a_code_and_granted_with_one() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    let (serial, [now_code, _]) = mfa_for(&world, "alice").await;
    let trust = format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}"#,
        user_arn("alice")
    );
    let admin_policy = r#"{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}"#;
    world.role("admin", &trust, admin_policy).await;
    let (status, body) = world.assume(&alice, "admin", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = world
        .assume(
            &alice,
            "admin",
            &format!("&SerialNumber={}&TokenCode=000000", encoded(&serial)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    );
    let with_code = format!("&SerialNumber={}&TokenCode={now_code}", encoded(&serial));
    let (status, body) = world.assume(&alice, "admin", &with_code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = World::session(&body);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A code is accepted once.
    let (status, body) = world.assume(&alice, "admin", &with_code).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The audit record of the session's call.
    let events = world.events();
    let event = events
        .iter()
        .rev()
        .find(|event| {
            event["eventName"] == "ListUsers" && event["userIdentity"]["type"] == "AssumedRole"
        })
        .unwrap();
    let identity = &event["userIdentity"];
    assert_eq!(
        identity["arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/admin/s1")
    );
    assert!(identity["principalId"].as_str().unwrap().ends_with(":s1"));
    assert_eq!(identity["accessKeyId"], session.id.as_str());
    assert_eq!(identity["sessionContext"]["sessionIssuer"]["type"], "Role");
    assert_eq!(
        identity["sessionContext"]["sessionIssuer"]["arn"],
        role_arn("admin")
    );
    assert_eq!(
        identity["sessionContext"]["sessionIssuer"]["userName"],
        "admin"
    );
    assert_eq!(
        identity["sessionContext"]["attributes"]["mfaAuthenticated"],
        "true"
    );
    assert_eq!(
        identity["sessionContext"]["attributes"]["creationDate"],
        "2026-12-01T00:00:00Z"
    );
    assert!(identity.get("userName").is_none());
    // Neither the session's secret nor its token is ever recorded.
    for event in &events {
        let text = event.to_string();
        assert!(!text.contains(&session.secret), "{text}");
        assert!(!text.contains(session.token.as_deref().unwrap()), "{text}");
    }
}

#[tokio::test]
async fn get_session_token_for_users_and_root() {
    let world = World::new().await;
    let alice = world
        .user(
            "alice",
            &format!("{},{}", allow("iam:ListUsers"), allow("sts:AssumeRole")),
        )
        .await;
    let (status, body) = world.sts(&alice, "Action=GetSessionToken").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // 12 hours by default.
    assert_eq!(element(&body, "Expiration"), "2026-12-01T12:00:00Z");
    let session = World::session(&body);
    assert!(session.id.starts_with("ASIA"));
    let (status, body) = world.sts(&session, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "Arn"), user_arn("alice"));
    assert!(element(&body, "UserId").starts_with("AIDA"));
    // Without MFA, no IAM.
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "InvalidClientTokenId");
    // Session credentials cannot call GetSessionToken.
    let (status, body) = world.sts(&session, "Action=GetSessionToken").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "Cannot call GetSessionToken with session credentials"
    );
    // It may assume a role.
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (status, body) = world.assume(&session, "reader", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // With MFA: IAM calls, with the user's permissions and the MFA context keys.
    let (serial, [now_code, _]) = mfa_for(&world, "alice").await;
    let (status, body) = world
        .sts(
            &alice,
            &format!(
                "Action=GetSessionToken&DurationSeconds=129600&SerialNumber={}&TokenCode={now_code}",
                encoded(&serial)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "Expiration"), "2026-12-02T12:00:00Z");
    let mfa_session = World::session(&body);
    let (status, body) = world.iam(&mfa_session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = world.iam(&mfa_session, "Action=ListGroups").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "AccessDenied");
    let event = world
        .events()
        .into_iter()
        .rev()
        .find(|event| event["eventName"] == "ListGroups")
        .unwrap();
    assert_eq!(event["userIdentity"]["type"], "IAMUser");
    assert_eq!(event["userIdentity"]["userName"], "alice");
    assert_eq!(
        event["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"],
        "true"
    );

    // The root user: at most one hour.
    let root = Keys::long_term(ROOT.0, ROOT.1);
    let (status, body) = world
        .sts(&root, "Action=GetSessionToken&DurationSeconds=7200")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "Expiration"), "2026-12-01T01:00:00Z");
    let root_session = World::session(&body);
    let (status, body) = world.sts(&root_session, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:iam::{ACCOUNT}:root")
    );
    assert_eq!(element(&body, "UserId"), ACCOUNT);
}

#[tokio::test]
async fn an_mfa_session_ages_and_json_services_answer_expired_tokens_in_their_shape() {
    let world = World::new().await;
    let statement = r#"{"Effect":"Allow","Action":["iam:ListUsers","cloudtrail:DescribeTrails"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"600"}}}"#;
    let alice = world.user("alice", statement).await;
    let (serial, [now_code, _]) = mfa_for(&world, "alice").await;
    let (status, body) = world
        .sts(
            &alice,
            &format!(
                "Action=GetSessionToken&DurationSeconds=900&SerialNumber={}&TokenCode={now_code}",
                encoded(&serial)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = World::session(&body);
    // Long-term keys carry no MFA facts.
    let (status, body) = world.iam(&alice, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = world.cloudtrail(&session, "DescribeTrails", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Ten minutes after the code, the MFA is too old for the policy.
    world.advance(600);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "AccessDenied");
    // Expired: JSON 1.1 services answer ExpiredTokenException.
    world.advance(300);
    let (status, body) = world.cloudtrail(&session, "DescribeTrails", "{}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let json: Value = serde_json::from_str(&body).unwrap();
    assert!(
        json["__type"]
            .as_str()
            .unwrap()
            .ends_with("ExpiredTokenException"),
        "{body}"
    );
}

#[tokio::test]
async fn a_source_identity_needs_the_trust_policy_and_stays_across_chaining() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    world
        .role(
            "plain",
            &trusts(&user_arn("alice")),
            &allow("sts:AssumeRole"),
        )
        .await;
    let both = format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}}"#,
        user_arn("alice")
    );
    let chained_trust = format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Condition":{{"StringEquals":{{"sts:SourceIdentity":"alice@example.com"}}}}}}"#,
        role_arn("tagged")
    );
    world.role("tagged", &both, &allow("sts:AssumeRole")).await;
    world
        .role("next", &chained_trust, &allow("iam:ListUsers"))
        .await;
    let source = "&SourceIdentity=alice%40example.com";
    // The trust policy must allow sts:SetSourceIdentity.
    let (status, body) = world.assume(&alice, "plain", source).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        element(&body, "Message").contains("sts:SetSourceIdentity"),
        "{body}"
    );
    let (status, body) = world.assume(&alice, "tagged", source).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "SourceIdentity"), "alice@example.com");
    let first = World::session(&body);
    // Chained: the source identity is inherited (sts:SourceIdentity in the next trust policy).
    let (status, body) = world.assume(&first, "next", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "SourceIdentity"), "alice@example.com");
    let second = World::session(&body);
    let (status, body) = world.iam(&second, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let event = world
        .events()
        .into_iter()
        .rev()
        .find(|event| event["eventName"] == "ListUsers")
        .unwrap();
    assert_eq!(
        event["userIdentity"]["sessionContext"]["sourceIdentity"],
        "alice@example.com"
    );
}

#[tokio::test]
async fn a_role_sessions_calls_count_for_the_roles_service_last_accessed_report() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (_, body) = world.assume(&alice, "reader", "").await;
    let session = World::session(&body);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    world.warden.flush_last_used().unwrap();
    let job = world
        .root(&format!(
            "Action=GenerateServiceLastAccessedDetails&Arn={}",
            encoded(&role_arn("reader"))
        ))
        .await;
    let report = world
        .root(&format!(
            "Action=GetServiceLastAccessedDetails&JobId={}",
            element(&job, "JobId")
        ))
        .await;
    assert!(
        report.contains(&format!(
            "<LastAuthenticatedEntity>{}</LastAuthenticatedEntity>",
            role_arn("reader")
        )),
        "{report}"
    );
}

#[tokio::test]
async fn get_role_shows_when_and_where_a_session_last_used_the_role() {
    let world = World::new().await;
    let alice = world.user("alice", "").await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let unused = world.root("Action=GetRole&RoleName=reader").await;
    assert!(unused.contains("<RoleLastUsed></RoleLastUsed>"), "{unused}");
    let (_, body) = world.assume(&alice, "reader", "").await;
    let session = World::session(&body);
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    world.warden.flush_last_used().unwrap();
    let used = world.root("Action=GetRole&RoleName=reader").await;
    assert!(
        used.contains("<RoleLastUsed><LastUsedDate>2026-12-01T00:00:00Z</LastUsedDate><Region>us-east-1</Region></RoleLastUsed>"),
        "{used}"
    );

    // A role deleted and re-created under the same name starts unused; the old session's
    // later calls are refused and do not count for the new role.
    world
        .root("Action=DeleteRolePolicy&RoleName=reader&PolicyName=work")
        .await;
    world.root("Action=DeleteRole&RoleName=reader").await;
    world
        .role(
            "reader",
            &trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (status, _) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    world.warden.flush_last_used().unwrap();
    let fresh = world.root("Action=GetRole&RoleName=reader").await;
    assert!(fresh.contains("<RoleLastUsed></RoleLastUsed>"), "{fresh}");
}
