//! The Prometheus metrics at `GET /_warden/metrics` (text exposition format 0.0.4).
//!
//! Hand-written atomics rather than a metrics crate: every label value comes from a closed
//! set known at build time (the services, their modeled operations, three outcomes), so the
//! counters are plain arrays indexed by position, lock-free on the request path; the audit
//! and snapshot figures are read from their owners at scrape time; and the text format is a
//! few lines of `write!`. See `docs/LOGGING.md` for what each metric means.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use warden_core::Warden;
use warden_protocol::ServiceMeta;
use warden_store::AUDIT_BATCH_BUCKETS;

/// Path of the metrics endpoint (outside the AWS namespace, like the health endpoint).
pub(crate) const METRICS_PATH: &str = "/_warden/metrics";

/// The content type of the text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The upper bounds (inclusive) of the request-duration histogram's buckets, in seconds.
const DURATION_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The `service` label of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// IAM.
    Iam,
    /// STS.
    Sts,
    /// CloudTrail.
    CloudTrail,
    /// The read-only S3 endpoint over trail buckets.
    S3,
    /// Not (yet) routed: unreadable requests, unknown JSON targets.
    Unknown,
}

impl Service {
    /// Every service, in label order.
    const ALL: [Self; 5] = [
        Self::Iam,
        Self::Sts,
        Self::CloudTrail,
        Self::S3,
        Self::Unknown,
    ];

    /// The label value.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Iam => "iam",
            Self::Sts => "sts",
            Self::CloudTrail => "cloudtrail",
            Self::S3 => "s3",
            Self::Unknown => "unknown",
        }
    }

    /// The service of a CloudTrail `eventSource`.
    pub(crate) fn from_event_source(event_source: &str) -> Self {
        match event_source {
            "iam.amazonaws.com" => Self::Iam,
            "sts.amazonaws.com" => Self::Sts,
            "cloudtrail.amazonaws.com" => Self::CloudTrail,
            "s3.amazonaws.com" => Self::S3,
            _ => Self::Unknown,
        }
    }

    /// The service's model, for those with one.
    fn meta(self) -> Option<&'static ServiceMeta> {
        match self {
            Self::Iam => Some(&warden_protocol::iam::META),
            Self::Sts => Some(&warden_protocol::sts::META),
            Self::CloudTrail => Some(&warden_protocol::cloudtrail::META),
            Self::S3 | Self::Unknown => None,
        }
    }

    /// The position of the operation named `name` in the service's model.
    pub(crate) fn operation_index(self, name: &str) -> Option<usize> {
        self.meta()?
            .operations
            .binary_search_by(|operation| operation.name.cmp(name))
            .ok()
    }

    /// The `operation` label of the operation at `index` (`unknown` for `None`).
    fn operation_label(self, index: Option<usize>) -> &'static str {
        index
            .and_then(|index| self.meta()?.operations.get(index))
            .map_or("unknown", |operation| operation.name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The `outcome` label: from the response's status class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// 1xx–3xx: the call did what was asked.
    Success,
    /// 4xx: the client's fault (authentication, authorization, validation, not found…).
    ClientError,
    /// 5xx: ours (including `ServiceUnavailable` when the audit log fails closed).
    ServerError,
}

impl Outcome {
    const ALL: [Self; 3] = [Self::Success, Self::ClientError, Self::ServerError];

    fn of(status: StatusCode) -> Self {
        if status.is_server_error() {
            Self::ServerError
        } else if status.is_client_error() {
            Self::ClientError
        } else {
            Self::Success
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::ClientError => "client_error",
            Self::ServerError => "server_error",
        }
    }
}

/// The request counters and duration histograms of one server.
#[derive(Debug)]
pub(crate) struct Metrics {
    /// Per service (in [`Service::ALL`] order): per operation of its model, then one for
    /// unknown operations: per outcome (in [`Outcome::ALL`] order).
    requests: Vec<Box<[[AtomicU64; 3]]>>,
    /// Per service: the request durations.
    durations: Vec<Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            requests: Service::ALL
                .iter()
                .map(|service| {
                    let operations = service.meta().map_or(0, |meta| meta.operations.len());
                    (0..=operations).map(|_| Default::default()).collect()
                })
                .collect(),
            durations: Service::ALL.iter().map(|_| Histogram::default()).collect(),
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub(crate) fn count_request(
        &self,
        service: Service,
        operation: Option<usize>,
        status: StatusCode,
        elapsed: Duration,
    ) {
        if let Some(operations) = self.requests.get(service.index()) {
            // The last entry counts unknown operations.
            let row = operation
                .filter(|index| *index < operations.len().saturating_sub(1))
                .or_else(|| operations.len().checked_sub(1));
            if let Some(counter) = row
                .and_then(|row| operations.get(row))
                .and_then(|row| row.get(Outcome::of(status) as usize))
            {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        if let Some(histogram) = self.durations.get(service.index()) {
            histogram.observe(elapsed);
        }
    }

    /// The exposition text: request metrics, then what `warden` reports about its audit
    /// log and snapshot.
    pub(crate) fn render(&self, warden: &Warden) -> String {
        let mut out = String::with_capacity(4096);
        self.render_requests(&mut out);
        render_audit(&mut out, &warden.audit_log().stats());
        header_lines(
            &mut out,
            "warden_snapshot_generation",
            "gauge",
            "Authorization snapshots published since start (one per successful write).",
        );
        let _ = writeln!(
            out,
            "warden_snapshot_generation {}",
            warden.snapshot_generation()
        );
        render_store_commits(&mut out, warden.store().commit_stats());
        out
    }

    pub(super) fn render_requests(&self, out: &mut String) {
        header_lines(
            out,
            "warden_requests_total",
            "counter",
            "AWS API requests answered, by service, operation and outcome.",
        );
        for (service, operations) in Service::ALL.iter().zip(&self.requests) {
            let unknown = operations.len().saturating_sub(1);
            for (index, outcomes) in operations.iter().enumerate() {
                let operation =
                    service.operation_label(Some(index).filter(|index| *index < unknown));
                for (outcome, count) in Outcome::ALL.iter().zip(outcomes) {
                    let count = count.load(Ordering::Relaxed);
                    if count > 0 {
                        let _ = writeln!(
                            out,
                            "warden_requests_total{{service=\"{}\",operation=\"{operation}\",outcome=\"{}\"}} {count}",
                            service.label(),
                            outcome.label()
                        );
                    }
                }
            }
        }
        header_lines(
            out,
            "warden_request_duration_seconds",
            "histogram",
            "Time from receiving an AWS API request to its response, by service.",
        );
        for (service, histogram) in Service::ALL.iter().zip(&self.durations) {
            histogram.render(out, service.label());
        }
    }
}

/// The audit log's figures.
/// The store's group commit: commits, and the writes they carried.
fn render_store_commits(out: &mut String, stats: warden_store::CommitStats) {
    header_lines(
        out,
        "warden_store_commits_total",
        "counter",
        "Store write transactions committed (concurrent writes share one).",
    );
    let _ = writeln!(out, "warden_store_commits_total {}", stats.commits);
    header_lines(
        out,
        "warden_store_committed_writes_total",
        "counter",
        "Writes those commits carried.",
    );
    let _ = writeln!(out, "warden_store_committed_writes_total {}", stats.writes);
}

fn render_audit(out: &mut String, stats: &warden_store::AuditStats) {
    header_lines(
        out,
        "warden_audit_commit_batch_records",
        "histogram",
        "Records written per audit journal group commit.",
    );
    let mut cumulative = 0u64;
    for (bound, count) in AUDIT_BATCH_BUCKETS.iter().zip(&stats.batch_counts) {
        cumulative = cumulative.saturating_add(*count);
        let _ = writeln!(
            out,
            "warden_audit_commit_batch_records_bucket{{le=\"{bound}\"}} {cumulative}"
        );
    }
    let _ = writeln!(
        out,
        "warden_audit_commit_batch_records_bucket{{le=\"+Inf\"}} {}",
        stats.commits()
    );
    let _ = writeln!(
        out,
        "warden_audit_commit_batch_records_sum {}",
        stats.batch_records
    );
    let _ = writeln!(
        out,
        "warden_audit_commit_batch_records_count {}",
        stats.commits()
    );
    header_lines(
        out,
        "warden_audit_durable_sequence",
        "gauge",
        "Sequence of the last audit record on stable storage.",
    );
    let _ = writeln!(
        out,
        "warden_audit_durable_sequence {}",
        stats.durable_sequence
    );
    header_lines(
        out,
        "warden_audit_index_lag_records",
        "gauge",
        "Durable audit records not yet in the lookup index (LookupEvents waits for them).",
    );
    let _ = writeln!(out, "warden_audit_index_lag_records {}", stats.index_lag());
}

pub(crate) fn header_lines(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A latency histogram: counts per bucket (not cumulative; the last is `+Inf`), and the sum
/// in nanoseconds.
#[derive(Debug, Default)]
struct Histogram {
    buckets: [AtomicU64; DURATION_BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = DURATION_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(DURATION_BUCKETS.len());
        if let Some(count) = self.buckets.get(bucket) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Writes the histogram's series for `service`, unless it observed nothing.
    fn render(&self, out: &mut String, service: &str) {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|count| count.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return;
        }
        let mut cumulative = 0u64;
        for (bound, count) in DURATION_BUCKETS.iter().zip(&counts) {
            cumulative = cumulative.saturating_add(*count);
            let _ = writeln!(
                out,
                "warden_request_duration_seconds_bucket{{service=\"{service}\",le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "warden_request_duration_seconds_bucket{{service=\"{service}\",le=\"+Inf\"}} {total}"
        );
        // Exact in f64 up to about 104 days of summed time; beyond, rounded.
        let seconds = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(
            out,
            "warden_request_duration_seconds_sum{{service=\"{service}\"}} {seconds}"
        );
        let _ = writeln!(
            out,
            "warden_request_duration_seconds_count{{service=\"{service}\"}} {total}"
        );
    }
}

/// Answers a scrape.
pub(crate) fn scrape(metrics: &Metrics, warden: &Warden, guard: &crate::guard::Guard) -> Response {
    let mut text = metrics.render(warden);
    crate::guard::render_metrics(&mut text, guard);
    (StatusCode::OK, [(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}
