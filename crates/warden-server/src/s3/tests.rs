//! The S3 endpoint in-process: SigV4 (S3 rules) signed requests against the real router.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;
use warden_store::StoreExt;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jiff::Timestamp;
use tower::ServiceExt as _;
use warden_core::{FixedClock, RootCredentials, Warden};
use warden_crypto::{RootKey, SecretString, SystemRandom};
use warden_journal::SqliteAuditLog;
use warden_store::TrailRecord;
use warden_store_sqlite::SqliteStore;

use super::Buckets;

const ACCOUNT: &str = "123456789012";
const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "secret";
/// 2026-01-01T00:00:00Z
const NOW: i64 = 1_767_225_600;

struct Fixture {
    app: axum::Router,
    dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let audit = Arc::new(SqliteAuditLog::open_in_memory().unwrap());
    let warden = Warden::new(
        store,
        audit,
        &RootKey::from_bytes(&[7; 32]).unwrap(),
        Arc::new(FixedClock(Timestamp::from_second(NOW).unwrap())),
        Arc::new(SystemRandom::new()),
    )
    .unwrap();
    warden
        .bootstrap(
            Some(ACCOUNT),
            Some(RootCredentials {
                access_key_id: KEY_ID.to_owned(),
                secret_access_key: SecretString::new(SECRET.to_owned()),
            }),
        )
        .unwrap();
    warden
        .store()
        .write(|tx| {
            tx.trails().create(&TrailRecord {
                account_id: ACCOUNT.to_owned(),
                name: "main".to_owned(),
                home_region: "us-east-1".to_owned(),
                arn: format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/main"),
                s3_bucket_name: "logs".to_owned(),
                s3_key_prefix: None,
                sns_topic_name: None,
                include_global_service_events: true,
                is_multi_region_trail: false,
                log_file_validation_enabled: true,
                is_organization_trail: false,
                cloud_watch_logs_log_group_arn: None,
                cloud_watch_logs_role_arn: None,
                kms_key_id: None,
                logging: true,
                start_logging_time: Some(NOW * 1000),
                stop_logging_time: None,
                create_date: NOW * 1000,
                tags: Vec::new(),
            })
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let metadata = BTreeMap::from([("signature".to_owned(), "ab12".to_owned())]);
    for (bucket, key) in [
        ("logs", "AWSLogs/1/a.json.gz"),
        ("logs", "AWSLogs/1/b.json.gz"),
        ("logs", "AWSLogs/2/c d+e.json.gz"),
        ("foreign", "x"),
    ] {
        warden_trail::bucket::put_object(dir.path(), bucket, key, key.as_bytes(), &metadata)
            .unwrap();
    }
    std::fs::write(dir.path().join("outside"), b"secret").unwrap();
    let app = crate::app(Arc::new(warden), "us-east-1".to_owned())
        .layer(axum::Extension(Buckets(dir.path().to_owned())));
    Fixture { app, dir }
}

/// Signs like botocore's S3 client: single encoding, no normalization, UNSIGNED-PAYLOAD.
fn signed(method: &str, path_and_query: &str, service: &str, secret: &str) -> Request<Body> {
    let url = format!("http://127.0.0.1{path_and_query}");
    let identity = Credentials::new(KEY_ID, secret, None, None, "test").into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW.unsigned_abs()))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers = [("host", "127.0.0.1")];
    let signable = SignableRequest::new(
        method,
        &url,
        headers.iter().copied(),
        SignableBody::UnsignedPayload,
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = Request::builder()
        .method(method)
        .uri(path_and_query)
        .header("host", "127.0.0.1")
        .body(Body::empty())
        .unwrap();
    instructions.apply_to_request_http1x(&mut request);
    request
}

/// A presigned GET URL, as `generate_presigned_url` / `aws s3 presign` make it.
fn presigned(path: &str, secret: &str) -> Request<Body> {
    let url = format!("http://127.0.0.1{path}");
    let identity = Credentials::new(KEY_ID, secret, None, None, "test").into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.signature_location = aws_sigv4::http_request::SignatureLocation::QueryParams;
    settings.expires_in = Some(std::time::Duration::from_secs(300));
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW.unsigned_abs()))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers = [("host", "127.0.0.1")];
    let signable = SignableRequest::new(
        "GET",
        &url,
        headers.iter().copied(),
        SignableBody::UnsignedPayload,
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = Request::builder()
        .method("GET")
        .uri(path)
        .header("host", "127.0.0.1")
        .body(Body::empty())
        .unwrap();
    instructions.apply_to_request_http1x(&mut request);
    request
}

async fn send(fx: &Fixture, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = fx.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(fx: &Fixture, path_and_query: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(fx, signed("GET", path_and_query, "s3", SECRET)).await
}

fn code(body: &str) -> &str {
    body.split("<Code>")
        .nth(1)
        .and_then(|rest| rest.split("</Code>").next())
        .unwrap_or("")
}

#[tokio::test]
async fn get_and_head_object_return_bytes_and_metadata() {
    let fx = fixture();
    let (status, headers, body) = get(&fx, "/logs/AWSLogs/1/a.json.gz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, "AWSLogs/1/a.json.gz");
    assert_eq!(headers["x-amz-meta-signature"], "ab12");
    assert_eq!(headers["content-length"], "19");
    assert!(headers["etag"].to_str().unwrap().starts_with('"'));
    assert!(headers["last-modified"].to_str().unwrap().ends_with(" GMT"));
    // A key with a space and a plus, percent-encoded once in the path.
    let (status, _, body) = get(&fx, "/logs/AWSLogs/2/c%20d%2Be.json.gz").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "AWSLogs/2/c d+e.json.gz")
    );

    let (status, headers, body) = send(
        &fx,
        signed("HEAD", "/logs/AWSLogs/1/a.json.gz", "s3", SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty());
    assert_eq!(headers["content-length"], "19");
    assert_eq!(headers["x-amz-meta-signature"], "ab12");
}

#[tokio::test]
async fn missing_objects_buckets_and_traversal_are_s3_errors() {
    let fx = fixture();
    let (status, _, body) = get(&fx, "/logs/AWSLogs/1/missing").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "NoSuchKey"));
    for traversal in [
        "/logs/..%2Foutside",
        "/logs/AWSLogs/..%2F..%2Foutside",
        "/logs/%2Foutside",
    ] {
        let (status, _, body) = get(&fx, traversal).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "NoSuchKey"),
            "{traversal}"
        );
    }
    // A bucket no trail of the caller's account writes to: denied, existing or not.
    for path in ["/foreign/x", "/nothere/x", "/foreign?list-type=2"] {
        let (status, _, body) = get(&fx, path).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::FORBIDDEN, "AccessDenied"),
            "{path}"
        );
    }
    let (status, _, body) = send(
        &fx,
        signed("DELETE", "/logs/AWSLogs/1/a.json.gz", "s3", SECRET),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed")
    );
    let (status, _, body) = get(&fx, "/logs?policy").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_IMPLEMENTED, "NotImplemented")
    );
}

#[tokio::test]
async fn requests_must_be_signed_for_s3_with_a_valid_signature() {
    let fx = fixture();
    let unsigned = Request::get("/logs/AWSLogs/1/a.json.gz")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&fx, unsigned).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "AccessDenied")
    );
    let (status, _, body) = send(
        &fx,
        signed("GET", "/logs/AWSLogs/1/a.json.gz", "s3", "wrong"),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "SignatureDoesNotMatch")
    );
    let (status, _, body) = send(
        &fx,
        signed("GET", "/logs/AWSLogs/1/a.json.gz", "iam", SECRET),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "AuthorizationHeaderMalformed")
    );
    // A HEAD error has no body, only the status.
    let (status, _, body) = send(&fx, signed("HEAD", "/logs/missing", "s3", SECRET)).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, ""));
}

#[tokio::test]
async fn lists_objects_v1_and_v2_with_paging_and_delimiters() {
    let fx = fixture();
    let (status, _, body) = get(&fx, "/logs?list-type=2&prefix=AWSLogs%2F&max-keys=2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<KeyCount>2</KeyCount>"), "{body}");
    assert!(
        body.contains("<Key>AWSLogs/1/a.json.gz</Key>")
            && body.contains("<Key>AWSLogs/1/b.json.gz</Key>")
    );
    assert!(body.contains("<IsTruncated>true</IsTruncated>"));
    let token = body
        .split("<NextContinuationToken>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap();
    let (_, _, page) = get(
        &fx,
        &format!("/logs?list-type=2&prefix=AWSLogs%2F&continuation-token={token}"),
    )
    .await;
    assert!(
        page.contains("<Key>AWSLogs/2/c d+e.json.gz</Key>"),
        "{page}"
    );
    assert!(page.contains("<IsTruncated>false</IsTruncated>"));

    let (_, _, grouped) = get(
        &fx,
        "/logs?delimiter=%2F&prefix=AWSLogs%2F&encoding-type=url",
    )
    .await;
    assert!(
        grouped.contains("<CommonPrefixes><Prefix>AWSLogs/1/</Prefix></CommonPrefixes>"),
        "{grouped}"
    );
    assert!(grouped.contains("<EncodingType>url</EncodingType>"));
    assert!(!grouped.contains("<Contents>"));

    // V1 with a marker, as `aws cloudtrail validate-logs` lists digests.
    let (_, _, marked) = get(
        &fx,
        "/logs?marker=AWSLogs%2F1%2Fa.json.gz&prefix=AWSLogs&encoding-type=url",
    )
    .await;
    assert!(!marked.contains("a.json.gz</Key>"), "{marked}");
    assert!(
        marked.contains("<Key>AWSLogs/2/c%20d%2Be.json.gz</Key>"),
        "{marked}"
    );
    assert!(marked.contains("<Marker>AWSLogs/1/a.json.gz</Marker>"));

    let (status, _, body) = get(&fx, "/logs?location").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"),
        "{body}"
    );
    let (status, _, body) = send(&fx, signed("HEAD", "/logs", "s3", SECRET)).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
    let (_, _, body) = get(&fx, "/logs?list-type=2&max-keys=x").await;
    assert_eq!(code(&body), "InvalidArgument");
}

#[tokio::test]
async fn other_services_are_not_routed_to_s3() {
    let fx = fixture();
    let request = Request::post("/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("Action=GetCallerIdentity&Version=2011-06-15"))
        .unwrap();
    let (_, _, body) = send(&fx, request).await;
    assert!(body.contains("MissingAuthenticationToken"), "{body}");
    assert!(fx.dir.path().exists());
}

#[tokio::test]
async fn presigned_urls_are_accepted_and_checked() {
    let fx = fixture();
    let request = presigned("/logs/AWSLogs/1/a.json.gz", SECRET);
    assert!(request.uri().query().unwrap().contains("X-Amz-Signature="));
    let (status, _, body) = send(&fx, request).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "AWSLogs/1/a.json.gz")
    );
    let (status, _, body) = send(&fx, presigned("/logs/AWSLogs/1/a.json.gz", "wrong")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "SignatureDoesNotMatch")
    );
}
