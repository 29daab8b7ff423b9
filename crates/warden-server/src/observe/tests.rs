//! Label bounding and rendering of the request metrics.

use std::time::Duration;

use axum::http::StatusCode;

use super::cut;
use super::metrics::{Metrics, Service};

#[test]
fn operations_are_labelled_only_when_modeled() {
    assert!(Service::Iam.operation_index("CreateUser").is_some());
    assert!(Service::Iam.operation_index("createuser").is_none());
    assert!(Service::Sts.operation_index("CreateUser").is_none());
    assert!(Service::S3.operation_index("GetObject").is_none());
    assert_eq!(
        Service::from_event_source("cloudtrail.amazonaws.com"),
        Service::CloudTrail
    );
    assert_eq!(Service::from_event_source("unknown"), Service::Unknown);
}

#[test]
fn counters_render_with_bounded_labels() {
    let metrics = Metrics::default();
    let create_user = Service::Iam.operation_index("CreateUser");
    metrics.count_request(
        Service::Iam,
        create_user,
        StatusCode::OK,
        Duration::from_millis(3),
    );
    metrics.count_request(
        Service::Iam,
        Service::Iam.operation_index("NoSuchAction"),
        StatusCode::BAD_REQUEST,
        Duration::from_millis(1),
    );
    metrics.count_request(
        Service::Sts,
        None,
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(9),
    );
    // An out-of-range index (impossible from `operation_index`) still counts as unknown.
    metrics.count_request(
        Service::Sts,
        Some(usize::MAX),
        StatusCode::FORBIDDEN,
        Duration::ZERO,
    );
    let mut out = String::new();
    metrics.render_requests(&mut out);
    for line in [
        "warden_requests_total{service=\"iam\",operation=\"CreateUser\",outcome=\"success\"} 1",
        "warden_requests_total{service=\"iam\",operation=\"unknown\",outcome=\"client_error\"} 1",
        "warden_requests_total{service=\"sts\",operation=\"unknown\",outcome=\"server_error\"} 1",
        "warden_requests_total{service=\"sts\",operation=\"unknown\",outcome=\"client_error\"} 1",
        "warden_request_duration_seconds_bucket{service=\"iam\",le=\"0.001\"} 1",
        "warden_request_duration_seconds_bucket{service=\"iam\",le=\"0.005\"} 2",
        "warden_request_duration_seconds_bucket{service=\"iam\",le=\"+Inf\"} 2",
        "warden_request_duration_seconds_count{service=\"iam\"} 2",
        "warden_request_duration_seconds_sum{service=\"iam\"} 0.004",
        "warden_request_duration_seconds_bucket{service=\"sts\",le=\"5\"} 1",
        "warden_request_duration_seconds_bucket{service=\"sts\",le=\"+Inf\"} 2",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
    assert!(!out.contains("NoSuchAction"), "{out}");
    assert!(!out.contains("service=\"cloudtrail\""), "{out}");
}

#[test]
fn cut_keeps_character_boundaries() {
    assert_eq!(cut("CreateUser", 128), "CreateUser");
    assert_eq!(cut("ééé", 2), "éé");
    assert_eq!(cut("", 0), "");
}
