//! IAM server certificates in process: what UploadServerCertificate refuses (malformed,
//! expired, a key of another certificate, a taken name, the account's quota), NoSuchEntity,
//! and that the private key is never answered, never recorded and stored only sealed.
#![allow(clippy::indexing_slicing, reason = "test code: a failure should panic")]

use axum::http::StatusCode;
use warden_protocol::iam;
use warden_store::StoreExt as _;

use super::operations::{Harness, query_request};

const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "root-secret";
const ACCOUNT: &str = "123456789012";

/// A certificate issued by the chain's CA, valid into 2098, and its key.
const CERT: &str = include_str!("data/server_cert.pem");
const KEY: &str = include_str!("data/server_key.pem");
const CHAIN: &str = include_str!("data/server_chain.pem");
/// A self-signed certificate that expired on 2020-01-01, and its key.
const EXPIRED_CERT: &str = include_str!("data/server_cert_expired.pem");
const EXPIRED_KEY: &str = include_str!("data/server_key_expired.pem");

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The lines of the private key between its PEM armour.
fn key_lines() -> Vec<&'static str> {
    KEY.lines()
        .filter(|line| !line.starts_with("-----"))
        .collect()
}

/// An IAM Query call by root: its status and body.
async fn call(harness: &Harness, action: &str, input: &str) -> (StatusCode, String) {
    let body = format!("Action={action}&Version=2010-05-08&{input}");
    harness
        .send(query_request(&iam::META, &body, ROOT_KEY, ROOT_SECRET))
        .await
}

/// UploadServerCertificate by root.
async fn upload(
    harness: &Harness,
    name: &str,
    body: &str,
    key: &str,
    chain: Option<&str>,
) -> (StatusCode, String) {
    let mut input = format!(
        "ServerCertificateName={name}&CertificateBody={}&PrivateKey={}",
        encoded(body),
        encoded(key)
    );
    if let Some(chain) = chain {
        input.push_str(&format!("&CertificateChain={}", encoded(chain)));
    }
    call(harness, "UploadServerCertificate", &input).await
}

/// Asserts an AWS error answer of this status, code and message part.
fn assert_error(answer: &(StatusCode, String), status: StatusCode, code: &str, message: &str) {
    let (actual, body) = answer;
    assert_eq!(*actual, status, "{body}");
    assert!(body.contains(&format!("<Code>{code}</Code>")), "{body}");
    assert!(body.contains(message), "{body}");
}

#[tokio::test]
async fn upload_refuses_what_iam_refuses() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    let malformed = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_error(
        &upload(&harness, "c", malformed, KEY, None).await,
        StatusCode::BAD_REQUEST,
        "MalformedCertificate",
        "Unable to parse certificate",
    );
    assert_error(
        &upload(&harness, "c", "not a certificate", KEY, None).await,
        StatusCode::BAD_REQUEST,
        "MalformedCertificate",
        "Unable to parse certificate",
    );
    assert_error(
        &upload(&harness, "c", EXPIRED_CERT, EXPIRED_KEY, None).await,
        StatusCode::BAD_REQUEST,
        "MalformedCertificate",
        "Certificate is no longer valid",
    );
    assert_error(
        &upload(&harness, "c", CERT, EXPIRED_KEY, None).await,
        StatusCode::BAD_REQUEST,
        "KeyPairMismatch",
        "did not match",
    );
    assert_error(
        &upload(&harness, "c", CERT, "not a key", None).await,
        StatusCode::BAD_REQUEST,
        "MalformedCertificate",
        "Unable to parse private key",
    );
    assert_error(
        &upload(&harness, "c", CERT, KEY, Some("not a chain")).await,
        StatusCode::BAD_REQUEST,
        "MalformedCertificate",
        "Unable to parse certificate chain",
    );
    // Nothing refused was kept.
    let (status, listed) = call(&harness, "ListServerCertificates", "").await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert!(!listed.contains("<member>"), "{listed}");

    let (status, body) = upload(&harness, "Web", CERT, KEY, Some(CHAIN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<ServerCertificateId>ASCA"), "{body}");
    assert!(
        body.contains(&format!(
            "<Arn>arn:aws:iam::{ACCOUNT}:server-certificate/Web</Arn>"
        )),
        "{body}"
    );
    assert!(
        body.contains("<Expiration>2098-02-12T20:40:14Z</Expiration>"),
        "{body}"
    );
    assert_error(
        &upload(&harness, "WEB", CERT, KEY, None).await,
        StatusCode::CONFLICT,
        "EntityAlreadyExists",
        "The Server Certificate with name WEB already exists.",
    );
}

#[tokio::test]
async fn missing_certificates_are_no_such_entity_and_renames_check_names() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    for action in [
        "GetServerCertificate",
        "DeleteServerCertificate",
        "ListServerCertificateTags",
    ] {
        assert_error(
            &call(&harness, action, "ServerCertificateName=nope").await,
            StatusCode::NOT_FOUND,
            "NoSuchEntity",
            "The Server Certificate with name nope cannot be found.",
        );
    }
    assert_error(
        &call(
            &harness,
            "UpdateServerCertificate",
            "ServerCertificateName=nope&NewPath=%2Fx%2F",
        )
        .await,
        StatusCode::NOT_FOUND,
        "NoSuchEntity",
        "The Server Certificate with name nope cannot be found.",
    );
    assert_eq!(
        upload(&harness, "one", CERT, KEY, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        upload(&harness, "two", CERT, KEY, None).await.0,
        StatusCode::OK
    );
    assert_error(
        &call(
            &harness,
            "UpdateServerCertificate",
            "ServerCertificateName=one&NewServerCertificateName=TWO",
        )
        .await,
        StatusCode::CONFLICT,
        "EntityAlreadyExists",
        "The Server Certificate with name TWO already exists.",
    );
    // A move keeps the name; the ARN follows the path.
    let (status, body) = call(
        &harness,
        "UpdateServerCertificate",
        "ServerCertificateName=one&NewPath=%2Fedge%2F",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, got) = call(
        &harness,
        "GetServerCertificate",
        "ServerCertificateName=ONE",
    )
    .await;
    assert!(
        got.contains(&format!(
            "<Arn>arn:aws:iam::{ACCOUNT}:server-certificate/edge/one</Arn>"
        )),
        "{got}"
    );
    let (status, body) = call(
        &harness,
        "DeleteServerCertificate",
        "ServerCertificateName=one",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_error(
        &call(
            &harness,
            "GetServerCertificate",
            "ServerCertificateName=one",
        )
        .await,
        StatusCode::NOT_FOUND,
        "NoSuchEntity",
        "cannot be found",
    );
}

#[tokio::test]
async fn the_private_key_is_never_answered_recorded_or_stored_in_the_clear() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    let mut answers = vec![upload(&harness, "web", CERT, KEY, Some(CHAIN)).await];
    answers.push(
        call(
            &harness,
            "GetServerCertificate",
            "ServerCertificateName=web",
        )
        .await,
    );
    answers.push(call(&harness, "ListServerCertificates", "").await);
    // A refused upload is recorded too, with its parameters.
    answers.push(upload(&harness, "other", CERT, EXPIRED_KEY, None).await);
    for (_, body) in &answers {
        for line in key_lines() {
            assert!(!body.contains(line), "the private key was answered: {body}");
        }
    }
    let got = &answers[1].1;
    assert!(got.contains("<CertificateBody>"), "{got}");
    assert!(got.contains("<CertificateChain>"), "{got}");

    let events = harness.events();
    let uploads: Vec<_> = events
        .iter()
        .filter(|event| event["eventName"] == "UploadServerCertificate")
        .collect();
    assert_eq!(uploads.len(), 2);
    for event in &events {
        let text = event.to_string();
        for line in key_lines() {
            assert!(!text.contains(line), "the private key was recorded: {text}");
        }
    }
    for event in uploads {
        let parameters = &event["requestParameters"];
        assert!(parameters["serverCertificateName"].is_string(), "{event}");
        assert!(parameters["certificateBody"].is_string(), "{event}");
        assert!(
            !parameters.to_string().to_lowercase().contains("privatekey"),
            "{event}"
        );
    }

    // At rest the key is sealed: none of its text is in the stored record.
    let stored = harness
        .warden
        .store()
        .read(|tx| tx.server_certificates().get(ACCOUNT, "web"))
        .unwrap()
        .unwrap();
    let sealed = String::from_utf8_lossy(&stored.private_key_sealed).into_owned();
    assert!(!stored.private_key_sealed.is_empty());
    for line in key_lines() {
        assert!(!sealed.contains(line));
    }
    assert!(!format!("{stored:?}").contains("private_key"));
}

#[tokio::test]
async fn the_account_quota_holds_and_the_summary_counts() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    for n in 0..20 {
        let (status, body) = upload(&harness, &format!("cert-{n}"), CERT, KEY, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_error(
        &upload(&harness, "cert-20", CERT, KEY, None).await,
        StatusCode::CONFLICT,
        "LimitExceeded",
        "Cannot exceed quota for ServerCertificatesPerAccount: 20",
    );
    let (status, summary) = call(&harness, "GetAccountSummary", "").await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert!(
        summary.contains("<key>ServerCertificates</key><value>20</value>"),
        "{summary}"
    );
    assert!(
        summary.contains("<key>ServerCertificatesQuota</key><value>20</value>"),
        "{summary}"
    );
    // Pages of the listing, in name order.
    let (_, page) = call(&harness, "ListServerCertificates", "MaxItems=15").await;
    assert!(page.contains("<IsTruncated>true</IsTruncated>"), "{page}");
    let marker = page
        .split("<Marker>")
        .nth(1)
        .and_then(|rest| rest.split("</Marker>").next())
        .unwrap()
        .to_owned();
    let (_, rest) = call(
        &harness,
        "ListServerCertificates",
        &format!("MaxItems=15&Marker={}", encoded(&marker)),
    )
    .await;
    assert!(rest.contains("<IsTruncated>false</IsTruncated>"), "{rest}");
    assert_eq!(rest.matches("<ServerCertificateName>").count(), 5, "{rest}");
}
