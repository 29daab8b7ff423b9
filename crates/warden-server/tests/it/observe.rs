//! The request span and the Prometheus metrics, in-process: a capturing tracing layer, and
//! scrapes of `/_warden/metrics` after known requests. Nothing here depends on timing.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use jiff::Timestamp;
use tower::ServiceExt as _;
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use warden_core::{FixedClock, RootCredentials, Warden};
use warden_crypto::{RootKey, SecretString, SystemRandom};
use warden_journal::SqliteAuditLog;
use warden_store_sqlite::SqliteStore;

const ACCOUNT: &str = "123456789012";
const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "secret";
/// 2026-01-01T00:00:00Z
const NOW: i64 = 1_767_225_600;

fn app() -> axum::Router {
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
                access_key_id: KEY_ID.to_owned(),
                secret_access_key: SecretString::new(SECRET.to_owned()),
            }),
        )
        .unwrap();
    warden_server::app(Arc::new(warden), "us-east-1".to_owned())
}

/// A Query call signed by the root user at [`NOW`] for `service`.
fn signed(service: &str, body: &str) -> Request<Body> {
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let identity = Credentials::new(KEY_ID, SECRET, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW.unsigned_abs()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [("host", "127.0.0.1"), ("content-type", content_type)];
    let signable = SignableRequest::new(
        "POST",
        "http://127.0.0.1/",
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = Request::post("/")
        .header("host", "127.0.0.1")
        .header("content-type", content_type)
        .body(Body::from(body.to_owned()))
        .unwrap();
    instructions.apply_to_request_http1x(&mut request);
    request
}

fn unsigned(body: &'static str) -> Request<Body> {
    Request::post("/")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(body))
        .unwrap()
}

/// Sends `request`; returns the status and the request id header.
async fn call(app: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), request_id)
}

async fn scrape(app: &axum::Router) -> String {
    let response = app
        .clone()
        .oneshot(
            Request::get("/_warden/metrics")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(body.to_vec()).unwrap()
}

/// The value of the series `series` (name and labels, exactly as rendered).
fn value(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().unwrap())
}

#[tokio::test]
async fn requests_are_counted_with_bounded_labels() {
    let app = app();
    let (status, _) = call(
        &app,
        unsigned("Action=GetCallerIdentity&Version=2011-06-15"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        &app,
        signed("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &app,
        signed("iam", "Action=CreateUser&UserName=bob&Version=2010-05-08"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &app,
        signed("iam", "Action=MadeUpAction12345&Version=2010-05-08"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let before_health = scrape(&app).await;
    let (status, _) = call(
        &app,
        Request::get("/_warden/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let metrics = scrape(&app).await;
    assert_eq!(metrics, before_health, "health calls are not counted");
    let requests = |labels: &str| value(&metrics, &format!("warden_requests_total{{{labels}}}"));
    assert_eq!(
        requests(r#"service="sts",operation="GetCallerIdentity",outcome="client_error""#),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        requests(r#"service="sts",operation="GetCallerIdentity",outcome="success""#),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        requests(r#"service="iam",operation="CreateUser",outcome="success""#),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        requests(r#"service="iam",operation="unknown",outcome="client_error""#),
        Some(1.0),
        "{metrics}"
    );
    assert!(!metrics.contains("MadeUpAction12345"), "{metrics}");
    assert_eq!(
        value(
            &metrics,
            r#"warden_request_duration_seconds_count{service="iam"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        value(
            &metrics,
            r#"warden_request_duration_seconds_bucket{service="sts",le="+Inf"}"#
        ),
        Some(2.0),
        "{metrics}"
    );
    // Three authenticated calls were audited, each durable before its answer, in at least
    // one commit; the unsigned one waits for its interval's aggregate record.
    assert!(
        value(&metrics, "warden_audit_durable_sequence").unwrap() >= 3.0,
        "{metrics}"
    );
    let commits = value(&metrics, "warden_audit_commit_batch_records_count").unwrap();
    assert!(commits >= 1.0, "{metrics}");
    assert_eq!(
        value(
            &metrics,
            r#"warden_audit_commit_batch_records_bucket{le="+Inf"}"#
        ),
        Some(commits),
        "{metrics}"
    );
    assert!(
        value(&metrics, "warden_audit_commit_batch_records_sum").unwrap() >= 3.0,
        "{metrics}"
    );
    assert!(
        value(&metrics, "warden_audit_index_lag_records").is_some(),
        "{metrics}"
    );
}

#[tokio::test]
async fn snapshot_generation_counts_publications() {
    let app = app();
    let before = value(&scrape(&app).await, "warden_snapshot_generation").unwrap();
    let (status, _) = call(
        &app,
        signed("iam", "Action=CreateUser&UserName=carol&Version=2010-05-08"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = value(&scrape(&app).await, "warden_snapshot_generation").unwrap();
    assert_eq!(after, before + 1.0);
}

/// The fields of every closed `request` span.
#[derive(Clone, Default)]
struct RequestSpans(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

struct Fields(BTreeMap<String, String>);

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S> tracing_subscriber::Layer<S> for RequestSpans
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != "request" {
            return;
        }
        let mut fields = Fields(BTreeMap::new());
        attrs.record(&mut fields);
        ctx.span(id).unwrap().extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let mut extensions = span.extensions_mut();
        if let Some(fields) = extensions.get_mut::<Fields>() {
            values.record(fields);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).unwrap();
        if let Some(fields) = span.extensions_mut().remove::<Fields>() {
            self.0.lock().unwrap().push(fields.0);
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_request_has_one_span_with_its_fields() {
    let spans = RequestSpans::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    // With a single registered dispatcher, tracing computes a callsite's cached interest from
    // the default of whichever thread registers it first — another test's thread, without a
    // subscriber, would cache "never" for the request span. A second registered dispatcher
    // makes tracing combine them all ("sometimes": ask the current thread's subscriber).
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let app = app();

    let (status, request_id) = call(
        &app,
        signed("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, unsigned_id) = call(
        &app,
        unsigned("Action=GetCallerIdentity&Version=2011-06-15"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let spans = spans.0.lock().unwrap().clone();
    let field = |span: &BTreeMap<String, String>, name: &str| span.get(name).cloned();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let signed_span = &spans[0];
    assert_eq!(field(signed_span, "aws.service").as_deref(), Some("sts"));
    assert_eq!(
        field(signed_span, "aws.action").as_deref(),
        Some("GetCallerIdentity")
    );
    assert_eq!(field(signed_span, "aws.request_id"), Some(request_id));
    assert_eq!(
        field(signed_span, "principal.arn").as_deref(),
        Some("arn:aws:iam::123456789012:root")
    );
    // Unauthenticated: everything but the principal.
    let unsigned_span = &spans[1];
    assert_eq!(field(unsigned_span, "aws.service").as_deref(), Some("sts"));
    assert_eq!(field(unsigned_span, "aws.request_id"), Some(unsigned_id));
    assert_eq!(field(unsigned_span, "principal.arn"), None);
}
