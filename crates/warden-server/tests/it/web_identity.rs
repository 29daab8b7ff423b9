//! AssumeRoleWithWebIdentity in process, against an OpenID Connect issuer the test runs on
//! loopback (discovery document and JWKS over plain HTTP): an accepted token and its
//! session, and each refusal in AWS's words — signature, key id, expiry, audience, an
//! issuer with no IAM provider, a trust condition on `:sub`, and a JWKS endpoint that is
//! down.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::sessions::{
    ACCOUNT, Keys, ROOT, World, allow, code, element, encoded, policy, role_arn, trusts, user_arn,
};

/// An ES256 signing key with its key id.
pub(super) struct SigningKey {
    key: EncodingKey,
    kid: String,
}

impl SigningKey {
    pub(super) fn new(kid: &str) -> Self {
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        Self {
            key: EncodingKey::from_ec_der(&pair.serialize_der()),
            kid: kid.to_owned(),
        }
    }

    /// Its public half as a JWK.
    pub(super) fn jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.key, Algorithm::ES256).unwrap();
        jwk.common.key_id = Some(self.kid.clone());
        jwk
    }

    /// A JWT of these claims, signed, with this key's id (or `kid` instead).
    pub(super) fn sign(&self, claims: &Value, kid: Option<&str>) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.unwrap_or(&self.kid).to_owned());
        jsonwebtoken::encode(&header, claims, &self.key).unwrap()
    }
}

/// An OpenID Connect issuer on loopback: `GET /.well-known/openid-configuration` names
/// `jwks_uri`, which answers the key set. Serves until the test process ends.
pub(super) struct Issuer {
    pub(super) url: String,
}

impl Issuer {
    /// An issuer publishing `keys`; its `jwks_uri` is `jwks_uri` when given (a dead one).
    pub(super) fn start(keys: &[Jwk], jwks_uri: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let discovery = json!({
            "issuer": url,
            "jwks_uri": jwks_uri.unwrap_or_else(|| format!("{url}/keys")),
            "id_token_signing_alg_values_supported": ["ES256"],
        })
        .to_string();
        let jwks = serde_json::to_string(&JwkSet {
            keys: keys.to_vec(),
        })
        .unwrap();
        let pages = Arc::new([
            ("/.well-known/openid-configuration".to_owned(), discovery),
            ("/keys".to_owned(), jwks),
        ]);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split(' ').nth(1).unwrap_or("").to_owned();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap() <= 2 {
                        break;
                    }
                }
                let (status, body) = pages
                    .iter()
                    .find(|(page, _)| *page == path)
                    .map_or(("404 Not Found", ""), |(_, body)| ("200 OK", body.as_str()));
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self { url }
    }

    /// The IAM provider URL and ARN for this issuer.
    pub(super) fn provider(&self) -> (String, String) {
        let bare = self.url.trim_start_matches("http://").to_owned();
        let arn = format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{bare}");
        (bare, arn)
    }
}

/// A URL nothing listens on.
fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/keys", listener.local_addr().unwrap());
    drop(listener);
    url
}

const AUDIENCE: &str = "warden-test-client";

/// A trust statement for the provider, with this condition (JSON object, or empty).
fn trusts_provider(provider_arn: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{provider_arn}"}},"Action":"sts:AssumeRoleWithWebIdentity"{condition}}}"#
    )
}

/// Registers the issuer as an IAM OIDC provider with the test's client id.
async fn register(world: &World, issuer: &Issuer) {
    world
        .root(&format!(
            "Action=CreateOpenIDConnectProvider&Url={}&ClientIDList.member.1={AUDIENCE}",
            encoded(&issuer.url)
        ))
        .await;
}

/// Claims for `sub` valid for an hour from the world's now.
fn claims(world: &World, issuer: &Issuer, sub: &str) -> Value {
    json!({
        "iss": issuer.url,
        "sub": sub,
        "aud": AUDIENCE,
        "iat": world.now(),
        "exp": world.now() + 3600,
        "amr": ["pwd"],
    })
}

/// An unsigned AssumeRoleWithWebIdentity; status and body.
async fn assume(world: &World, role: &str, token: &str) -> (StatusCode, String) {
    assume_with(world, role, token, "").await
}

/// An unsigned AssumeRoleWithWebIdentity with `extra` parameters; status and body.
pub(super) async fn assume_with(
    world: &World,
    role: &str,
    token: &str,
    extra: &str,
) -> (StatusCode, String) {
    let body = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName=web&WebIdentityToken={}{extra}",
        encoded(&role_arn(role)),
        encoded(token)
    );
    let request = Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(body))
        .unwrap();
    let response = world.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// The error message, XML entities decoded.
fn message(body: &str) -> String {
    element(body, "Message")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A world with the issuer registered and a role `web` trusting its provider under
/// `condition`, allowed `iam:ListUsers`.
async fn setup(issuer: &Issuer, condition: &str) -> World {
    let world = World::new().await;
    register(&world, issuer).await;
    let (_, provider_arn) = issuer.provider();
    world
        .role(
            "web",
            &trusts_provider(&provider_arn, condition),
            &allow("iam:ListUsers"),
        )
        .await;
    world
}

#[tokio::test]
async fn an_id_token_of_a_registered_issuer_starts_a_role_session() {
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let (bare, provider_arn) = issuer.provider();
    let world = setup(
        &issuer,
        &format!(
            r#"{{"StringEquals":{{"{bare}:aud":"{AUDIENCE}","{bare}:sub":"user-1"}},"ForAnyValue:StringEquals":{{"{bare}:amr":"pwd"}}}}"#
        ),
    )
    .await;
    let token = key.sign(&claims(&world, &issuer, "user-1"), None);
    let (status, body) = assume(&world, "web", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "SubjectFromWebIdentityToken"), "user-1");
    assert_eq!(element(&body, "Audience"), AUDIENCE);
    assert_eq!(element(&body, "Provider"), provider_arn);
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/web/web")
    );
    assert!(!body.contains("PackedPolicySize"), "{body}");
    let session = World::session(&body);
    assert!(session.id.starts_with("ASIA"), "{body}");
    // The session is a role session: the role's permissions, and nothing else.
    let (status, body) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = world.iam(&session, "Action=ListRoles").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = world.sts(&session, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/web/web")
    );
    // CloudTrail records the call as the provider's user, in the role's account.
    let events = world.events();
    let event = events
        .iter()
        .find(|event| event["eventName"] == "AssumeRoleWithWebIdentity")
        .unwrap();
    assert_eq!(event["userIdentity"]["type"], "WebIdentityUser", "{event}");
    assert_eq!(event["userIdentity"]["userName"], "user-1");
    assert_eq!(event["userIdentity"]["identityProvider"], provider_arn);
    assert_eq!(
        event["userIdentity"]["principalId"],
        format!("{provider_arn}:{AUDIENCE}:user-1")
    );
    assert_eq!(event["recipientAccountId"], ACCOUNT);
    assert!(
        !event.to_string().contains(&token),
        "the token is a credential: {event}"
    );
    assert_eq!(event["resources"][0]["ARN"], role_arn("web"));
}

#[tokio::test]
async fn session_policies_and_durations_follow_assume_role_rules() {
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let world = setup(&issuer, "").await;
    let token = key.sign(&claims(&world, &issuer, "user-1"), None);
    let (status, body) = assume_with(&world, "web", &token, "&DurationSeconds=7200").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        message(&body),
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
    let (status, body) = assume_with(
        &world,
        "web",
        &token,
        &format!("&Policy={}", encoded("{\"Version\":1}")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "MalformedPolicyDocument");
    let (status, body) = assume_with(
        &world,
        "web",
        &token,
        &format!("&Policy={}", encoded(&policy(&allow("iam:GetUser")))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<PackedPolicySize>"), "{body}");
    // The session policy leaves nothing of the role's ListUsers.
    let session = World::session(&body);
    let (status, _) = world.iam(&session, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_token_signed_by_another_key_or_naming_an_unknown_kid_is_invalid() {
    let key = SigningKey::new("k1");
    let impostor = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let world = setup(&issuer, "").await;
    let forged = impostor.sign(&claims(&world, &issuer, "user-1"), None);
    let (status, body) = assume(&world, "web", &forged).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidIdentityToken");
    let unknown_kid = key.sign(&claims(&world, &issuer, "user-1"), Some("k2"));
    let (status, body) = assume(&world, "web", &unknown_kid).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidIdentityToken");
    assert_eq!(
        message(&body),
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
    );
    let (status, body) = assume(&world, "web", "not.a.jwt").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidIdentityToken");
}

#[tokio::test]
async fn an_expired_token_is_refused_with_expired_token_exception() {
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let world = setup(&issuer, "").await;
    let token = key.sign(&claims(&world, &issuer, "user-1"), None);
    world.advance(3600);
    let (status, body) = assume(&world, "web", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "ExpiredTokenException");
    let now = world.now();
    assert_eq!(
        message(&body),
        format!(
            "Token expired: current date/time {now} must be before the expiration date/time{now}"
        )
    );
}

#[tokio::test]
async fn a_token_for_another_audience_or_an_unregistered_issuer_is_invalid() {
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let world = setup(&issuer, "").await;
    let mut other_audience = claims(&world, &issuer, "user-1");
    other_audience["aud"] = json!(["someone-else"]);
    let (status, body) = assume(&world, "web", &key.sign(&other_audience, None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidIdentityToken");
    assert_eq!(message(&body), "Incorrect token audience");
    let stranger = Issuer::start(&[key.jwk()], None);
    let token = key.sign(&claims(&world, &stranger, "user-1"), None);
    let (status, body) = assume(&world, "web", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidIdentityToken");
    assert_eq!(
        message(&body),
        format!(
            "No OpenIDConnect provider found in your account for {}",
            stranger.url
        )
    );
}

#[tokio::test]
async fn a_trust_condition_on_the_subject_refuses_other_subjects() {
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let (bare, _) = issuer.provider();
    let world = setup(
        &issuer,
        &format!(r#"{{"StringEquals":{{"{bare}:sub":"user-1"}}}}"#),
    )
    .await;
    let token = key.sign(&claims(&world, &issuer, "user-2"), None);
    let (status, body) = assume(&world, "web", &token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "AccessDenied");
    assert_eq!(
        message(&body),
        "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    );
    // A role that does not exist is refused in the same words.
    let token = key.sign(&claims(&world, &issuer, "user-1"), None);
    let (status, body) = assume(&world, "nobody", &token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        message(&body),
        "Not authorized to perform sts:AssumeRoleWithWebIdentity"
    );
    let (status, body) = assume(&world, "web", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_jwks_endpoint_that_is_down_is_an_idp_communication_error() {
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], Some(dead_url()));
    let world = setup(&issuer, "").await;
    let token = key.sign(&claims(&world, &issuer, "user-1"), None);
    let (status, body) = assume(&world, "web", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "IDPCommunicationError");
}

#[tokio::test]
async fn the_call_needs_no_signature_and_ignores_the_caller() {
    // Signed by root, the call is still decided by the token alone.
    let key = SigningKey::new("k1");
    let issuer = Issuer::start(&[key.jwk()], None);
    let world = setup(&issuer, "").await;
    let token = key.sign(&claims(&world, &issuer, "user-1"), None);
    let (status, body) = world
        .sts(
            &Keys::long_term(ROOT.0, ROOT.1),
            &format!(
                "Action=AssumeRoleWithWebIdentity&RoleArn={}&RoleSessionName=web&WebIdentityToken={}",
                encoded(&role_arn("web")),
                encoded(&token)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Serves `world`'s router on a loopback port (Warden's own issuer endpoints must be
/// reachable over HTTP for the round trip); its base URL.
async fn serve_on_loopback(world: &World) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    world.warden.use_public_url(&base);
    let app = world.app.clone();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_web_identity_token_round_trips_through_assume_role_with_web_identity() {
    let world = World::new().await;
    let base = serve_on_loopback(&world).await;
    let root = Keys::long_term(ROOT.0, ROOT.1);
    let token_for = |algorithm: &'static str| {
        let root = root.clone();
        let world = &world;
        async move {
            world
                .sts(
                    &root,
                    &format!(
                        "Action=GetWebIdentityToken&Audience.member.1={AUDIENCE}&SigningAlgorithm={algorithm}"
                    ),
                )
                .await
        }
    };
    // Disabled until the account enables it.
    let (status, body) = token_for("RS256").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        code(&body),
        "OutboundWebIdentityFederationDisabledException"
    );
    let (status, body) = world
        .iam(&root, "Action=GetOutboundWebIdentityFederationInfo")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(code(&body), "FeatureDisabled");
    let enabled = world
        .root("Action=EnableOutboundWebIdentityFederation")
        .await;
    let issuer = element(&enabled, "IssuerIdentifier");
    assert!(
        issuer.starts_with(&format!("{base}/_warden/oidc/{ACCOUNT}/")),
        "{issuer}"
    );
    let (status, body) = world
        .iam(&root, "Action=EnableOutboundWebIdentityFederation")
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(&body), "FeatureEnabled");
    let info = world
        .root("Action=GetOutboundWebIdentityFederationInfo")
        .await;
    assert_eq!(element(&info, "IssuerIdentifier"), issuer);
    assert_eq!(element(&info, "JwtVendingEnabled"), "true");
    // Trust Warden's own issuer for a role, and assume it with Warden's tokens.
    world
        .root(&format!(
            "Action=CreateOpenIDConnectProvider&Url={}&ClientIDList.member.1={AUDIENCE}",
            encoded(&issuer)
        ))
        .await;
    let bare = issuer.trim_start_matches("http://");
    let provider_arn = format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{bare}");
    world
        .role(
            "outbound",
            &trusts_provider(
                &provider_arn,
                &format!(r#"{{"StringEquals":{{"{bare}:sub":"arn:aws:iam::{ACCOUNT}:root"}}}}"#),
            ),
            &allow("iam:ListUsers"),
        )
        .await;
    for algorithm in ["RS256", "ES384"] {
        let (status, body) = token_for(algorithm).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let token = element(&body, "WebIdentityToken");
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(format!("{:?}", header.alg), algorithm);
        assert!(header.kid.is_some());
        let (status, body) = assume_with(&world, "outbound", &token, "").await;
        assert_eq!(status, StatusCode::OK, "{algorithm}: {body}");
        assert_eq!(
            element(&body, "SubjectFromWebIdentityToken"),
            format!("arn:aws:iam::{ACCOUNT}:root")
        );
    }
    // Disabled again: no new tokens; the issuer stays, with its keys.
    world
        .root("Action=DisableOutboundWebIdentityFederation")
        .await;
    let (status, body) = token_for("ES384").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = world
        .iam(&root, "Action=DisableOutboundWebIdentityFederation")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(code(&body), "FeatureDisabled");
    let info = world
        .root("Action=GetOutboundWebIdentityFederationInfo")
        .await;
    assert_eq!(element(&info, "JwtVendingEnabled"), "false");
    assert_eq!(element(&info, "IssuerIdentifier"), issuer);
}

#[tokio::test]
async fn a_web_identity_token_cannot_outlive_the_calling_session() {
    let world = World::new().await;
    world
        .root("Action=EnableOutboundWebIdentityFederation")
        .await;
    // A role session of 15 minutes (GetSessionToken's sessions may call only AssumeRole
    // and GetCallerIdentity in STS).
    let alice = world.user("alice", &allow("sts:AssumeRole")).await;
    world
        .role(
            "vendor",
            &trusts(&user_arn("alice")),
            &allow("sts:GetWebIdentityToken"),
        )
        .await;
    let (status, body) = world.assume(&alice, "vendor", "&DurationSeconds=900").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = World::session(&body);
    world.advance(600);
    let (status, body) = world
        .sts(
            &session,
            "Action=GetWebIdentityToken&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=600",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "SessionDurationEscalationException");
    let (status, body) = world
        .sts(
            &session,
            "Action=GetWebIdentityToken&Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=300",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
