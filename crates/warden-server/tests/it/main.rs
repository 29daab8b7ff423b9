//! In-process tests of the router: `tower::ServiceExt::oneshot` against the same `app` that
//! `warden serve` runs, over an in-memory store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should panic"
)]

mod guard;
mod identity_providers;
mod kms;
mod observe;
mod operations;
mod organizations;
mod saml_federation;
mod server_certificates;
mod sessions;
mod web_identity;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use warden_core::{RootCredentials, SystemClock, Warden};
use warden_crypto::{RootKey, SecretString, SystemRandom};
use warden_journal::SqliteAuditLog;
use warden_store_sqlite::SqliteStore;

fn app() -> axum::Router {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let root_key = RootKey::from_bytes(&[7; 32]).unwrap();
    let audit = Arc::new(SqliteAuditLog::open_in_memory().unwrap());
    let warden = Warden::new(
        store,
        audit,
        &root_key,
        Arc::new(SystemClock),
        Arc::new(SystemRandom::new()),
    )
    .unwrap();
    warden
        .bootstrap(
            Some("123456789012"),
            Some(RootCredentials {
                access_key_id: "AKIAIOSFODNN7EXAMPLE".to_owned(),
                secret_access_key: SecretString::new("secret".to_owned()),
            }),
        )
        .unwrap();
    warden_server::app(Arc::new(warden), "us-east-1".to_owned())
}

async fn send(request: Request<Body>) -> (StatusCode, String, String) {
    let response = app().oneshot(request).await.unwrap();
    let status = response.status();
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let mut body = String::from_utf8(body.to_vec()).unwrap();
    if !request_id.is_empty() {
        body = body.replace(&request_id, "<request-id>");
    }
    (status, request_id, body)
}

fn form(body: &'static str) -> Request<Body> {
    Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn health_is_ok() {
    let (status, _, body) =
        send(Request::get("/_warden/health").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn unsigned_sts_call_is_missing_authentication_token_in_sts_namespace() {
    let (status, request_id, body) =
        send(form("Action=GetCallerIdentity&Version=2011-06-15")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(request_id.len(), 36);
    assert_eq!(
        body,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
         <Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>\
         </Error><RequestId><request-id></RequestId></ErrorResponse>"
    );
}

#[tokio::test]
async fn malformed_authorization_is_incomplete_signature() {
    let request = Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("authorization", "AWS4-HMAC-SHA256 nonsense")
        .body(Body::from("Action=ListUsers&Version=2010-05-08"))
        .unwrap();
    let (status, _, body) = send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("<Code>IncompleteSignature</Code>"), "{body}");
    assert!(
        body.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"),
        "{body}"
    );
}

#[tokio::test]
async fn json_accept_header_gets_a_json_error() {
    let request = Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("accept", "application/json")
        .body(Body::from("Action=GetCallerIdentity&Version=2011-06-15"))
        .unwrap();
    let (status, _, body) = send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["Error"]["Code"], "MissingAuthenticationToken");
}

#[tokio::test]
async fn json_protocol_requests_are_authenticated_first() {
    let request = Request::post("/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "TrentService.ListKeys")
        .body(Body::from("{}"))
        .unwrap();
    let (status, _, body) = send(request).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        json["__type"]
            .as_str()
            .unwrap()
            .starts_with("MissingAuthenticationToken"),
        "{body}"
    );
}

#[tokio::test]
async fn oversized_body_is_refused_before_reading() {
    let request = Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .header("content-length", "104857600")
        .body(Body::from("Action=GetCallerIdentity"))
        .unwrap();
    let (status, _, body) = send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        body.contains("<Code>RequestEntityTooLarge</Code>"),
        "{body}"
    );
}
