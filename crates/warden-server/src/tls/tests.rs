//! HTTPS end to end in-process: a test CA made at test time, the real TLS serving loop on a
//! loopback port, SigV4-signed calls over a rustls client; `aws:SecureTransport` is true
//! over TLS and false over plain HTTP.

use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jiff::Timestamp;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt as _;
use warden_core::{FixedClock, RootCredentials, Warden};
use warden_crypto::{RootKey, SecretString, SystemRandom};
use warden_journal::SqliteAuditLog;
use warden_store_sqlite::SqliteStore;

use super::{TlsError, TlsFiles, acceptor};

const ACCOUNT: &str = "123456789012";
const ROOT_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "secret";
/// 2026-01-01T00:00:00Z
const NOW: i64 = 1_767_225_600;

/// A CA, and a certificate for 127.0.0.1 it issued, written as PEM files.
struct TestPki {
    ca_der: rustls_pki_types::CertificateDer<'static>,
    files: TlsFiles,
    _dir: tempfile::TempDir,
}

fn test_pki() -> TestPki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Warden test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = TlsFiles {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
    };
    std::fs::write(&files.cert, leaf.pem()).unwrap();
    std::fs::write(&files.key, leaf_key.serialize_pem()).unwrap();
    TestPki {
        ca_der: ca.der().clone(),
        files,
        _dir: dir,
    }
}

fn router() -> axum::Router {
    let warden = Warden::new(
        Arc::new(SqliteStore::open_in_memory().unwrap()),
        Arc::new(SqliteAuditLog::open_in_memory().unwrap()),
        &RootKey::from_bytes(&[7; 32]).unwrap(),
        Arc::new(FixedClock(Timestamp::from_second(NOW).unwrap())),
        Arc::new(SystemRandom::new()),
    )
    .unwrap();
    warden
        .bootstrap(
            Some(ACCOUNT),
            Some(RootCredentials {
                access_key_id: ROOT_KEY_ID.to_owned(),
                secret_access_key: SecretString::new(ROOT_SECRET.to_owned()),
            }),
        )
        .unwrap();
    crate::app(Arc::new(warden), "us-east-1".to_owned())
}

/// An IAM Query call signed with `key_id`/`secret` at [`NOW`].
fn signed_iam(params: &[(&str, &str)], key_id: &str, secret: &str) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .append_pair("Version", "2010-05-08")
        .finish();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let identity = Credentials::new(key_id, secret, None, None, "test").into();
    let signing = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("iam")
        .time(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW.unsigned_abs()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [("host", "127.0.0.1"), ("content-type", content_type)];
    let signable = SignableRequest::new(
        "POST",
        "https://127.0.0.1/",
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &signing).unwrap().into_parts();
    let mut request = Request::post("/")
        .header("host", "127.0.0.1")
        .header("content-type", content_type)
        .header("content-length", body.len())
        .body(Body::from(body))
        .unwrap();
    instructions.apply_to_request_http1x(&mut request);
    request
}

/// Sends `request` over a fresh TLS connection that trusts only the test CA; returns the
/// status and body.
async fn over_tls(
    port: u16,
    connector: &tokio_rustls::TlsConnector,
    request: Request<Body>,
) -> (u16, String) {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let mut bytes = format!("{} {} HTTP/1.1\r\n", parts.method, parts.uri).into_bytes();
    for (name, value) in &parts.headers {
        bytes.extend_from_slice(format!("{name}: {}\r\n", value.to_str().unwrap()).as_bytes());
    }
    bytes.extend_from_slice(b"connection: close\r\n\r\n");
    bytes.extend_from_slice(&body);
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let server_name = ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = connector.connect(server_name, tcp).await.unwrap();
    tls.write_all(&bytes).await.unwrap();
    let mut answer = Vec::new();
    tls.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    text.split_once(open)
        .unwrap()
        .1
        .split_once(close)
        .unwrap()
        .0
}

#[tokio::test]
async fn https_calls_have_secure_transport() {
    let pki = test_pki();
    let router = router();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let guard = Arc::new(crate::guard::Guard::new(
        crate::Limits::default(),
        crate::guard::Headroom::Unmeasured,
    ));
    let server = tokio::spawn(crate::guard::serve(
        listener,
        Some(acceptor(&pki.files).unwrap()),
        router.clone(),
        guard,
        async {
            drop(stopped.await);
        },
    ));
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let root = |params: &[(&str, &str)]| signed_iam(params, ROOT_KEY_ID, ROOT_SECRET);

    let (status, body) = over_tls(
        port,
        &connector,
        root(&[("Action", "CreateUser"), ("UserName", "alice")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
    let (status, body) = over_tls(
        port,
        &connector,
        root(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "alice"),
            ("PolicyName", "tls-only"),
            ("PolicyDocument", policy),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = over_tls(
        port,
        &connector,
        root(&[("Action", "CreateAccessKey"), ("UserName", "alice")]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let key_id = between(&body, "<AccessKeyId>", "</AccessKeyId>").to_owned();
    let secret = between(&body, "<SecretAccessKey>", "</SecretAccessKey>").to_owned();
    let get_user = || signed_iam(&[("Action", "GetUser")], &key_id, &secret);

    // Over TLS the condition holds…
    let (status, body) = over_tls(port, &connector, get_user()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<UserName>alice</UserName>"), "{body}");
    // …over plain HTTP (no Transport extension) it does not.
    let response = router.oneshot(get_user()).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        String::from_utf8_lossy(&body).contains("<Code>AccessDenied</Code>"),
        "{body:?}"
    );

    // Graceful shutdown: the loop stops accepting and returns.
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[test]
fn unusable_files_are_start_up_errors() {
    let pki = test_pki();
    let missing = TlsFiles {
        cert: pki.files.cert.with_file_name("missing.pem"),
        key: pki.files.key.clone(),
    };
    let error = acceptor(&missing).err().unwrap();
    assert!(
        matches!(
            error,
            TlsError::File {
                what: "certificate",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("missing.pem"), "{error}");

    // A key file holding a certificate, and a certificate file holding a key.
    let swapped = TlsFiles {
        cert: pki.files.key.clone(),
        key: pki.files.cert.clone(),
    };
    let error = acceptor(&swapped).err().unwrap();
    assert!(matches!(error, TlsError::File { .. }), "{error}");

    // A key that is not the certificate's.
    let other = test_pki();
    let mismatched = TlsFiles {
        cert: pki.files.cert,
        key: other.files.key,
    };
    let error = acceptor(&mismatched).err().unwrap();
    assert!(matches!(error, TlsError::Config(_)), "{error}");
}

#[test]
fn plain_requests_are_not_secure_transport() {
    let mut extensions = axum::http::Extensions::new();
    assert!(!super::secure_transport(&extensions));
    extensions.insert(super::Transport { tls: true });
    assert!(super::secure_transport(&extensions));
}
