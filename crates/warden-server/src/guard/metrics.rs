//! The abuse limits in `/_warden/metrics`: the configured limits, open and refused
//! connections, throttled requests, the aggregation of unauthenticated failures and the
//! disk headroom.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use super::{Guard, ThrottleReason};
use crate::observe::metrics::header_lines;

/// Appends the guard's metrics to `out` (text exposition format).
pub(crate) fn render_metrics(out: &mut String, guard: &Guard) {
    let limits = &guard.limits;
    header_lines(
        out,
        "warden_limit",
        "gauge",
        "Configured abuse limits (seconds, connections, requests per second; 0 = off).",
    );
    let (max, per_source) = guard.connections.caps();
    let figures: [(&str, f64); 9] = [
        (
            "header_timeout_seconds",
            limits.header_timeout.as_secs_f64(),
        ),
        ("body_timeout_seconds", limits.body_timeout.as_secs_f64()),
        ("idle_timeout_seconds", limits.idle_timeout.as_secs_f64()),
        ("max_connections", max as f64),
        ("max_connections_per_source", per_source as f64),
        (
            "auth_failures_per_second",
            f64::from(limits.auth_failures_per_second),
        ),
        (
            "rate_limit_per_key",
            f64::from(limits.calls_per_key.unwrap_or(0)),
        ),
        (
            "rate_limit_per_source",
            f64::from(limits.calls_per_source.unwrap_or(0)),
        ),
        (
            "audit_aggregate_interval_seconds",
            limits.aggregate_interval.as_secs_f64(),
        ),
    ];
    for (name, value) in figures {
        let _ = writeln!(out, "warden_limit{{name=\"{name}\"}} {value}");
    }
    header_lines(
        out,
        "warden_connections_open",
        "gauge",
        "Client connections open now.",
    );
    let _ = writeln!(out, "warden_connections_open {}", guard.connections.open());
    header_lines(
        out,
        "warden_connections_refused_total",
        "counter",
        "Connections closed on accept because a cap was reached, by cap.",
    );
    for (cap, counter) in [
        ("global", &guard.connections.refused_global),
        ("per_source", &guard.connections.refused_per_source),
    ] {
        let count = counter.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "warden_connections_refused_total{{cap=\"{cap}\"}} {count}"
        );
    }
    header_lines(
        out,
        "warden_connections_evicted_total",
        "counter",
        "Connections closed before their first request to make room when all slots were taken.",
    );
    let evicted = guard.connections.evicted.load(Ordering::Relaxed);
    let _ = writeln!(out, "warden_connections_evicted_total {evicted}");
    header_lines(
        out,
        "warden_throttled_total",
        "counter",
        "Requests answered Throttling, by the limit they were over.",
    );
    for reason in ThrottleReason::ALL {
        let _ = writeln!(
            out,
            "warden_throttled_total{{reason=\"{}\"}} {}",
            reason.label(),
            guard.throttled(reason)
        );
    }
    let unauthenticated = &guard.unauthenticated;
    let counters = [
        (
            "warden_unauthenticated_calls_total",
            "Failed calls without an authenticated caller, folded into aggregate records.",
            &unauthenticated.calls,
        ),
        (
            "warden_unauthenticated_records_total",
            "Aggregate records of unauthenticated failures written to the audit log.",
            &unauthenticated.written,
        ),
        (
            "warden_unauthenticated_records_dropped_total",
            "Aggregate records dropped because free disk space was below the audit reserve.",
            &unauthenticated.dropped_low_disk,
        ),
        (
            "warden_unauthenticated_records_failed_total",
            "Aggregate records the audit log refused.",
            &unauthenticated.failed,
        ),
    ];
    for (name, help, counter) in counters {
        header_lines(out, name, "counter", help);
        let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
    }
    header_lines(
        out,
        "warden_audit_disk_free_bytes",
        "gauge",
        "Free bytes on the data directory's file system (absent when not measured).",
    );
    if let Some(free) = unauthenticated.free_bytes() {
        let _ = writeln!(out, "warden_audit_disk_free_bytes {free}");
    }
    header_lines(
        out,
        "warden_audit_disk_reserve_bytes",
        "gauge",
        "Below this much free space, records of unauthenticated failures are dropped.",
    );
    let _ = writeln!(
        out,
        "warden_audit_disk_reserve_bytes {}",
        unauthenticated.reserve()
    );
    header_lines(
        out,
        "warden_audit_disk_low",
        "gauge",
        "1 when the last check found free space below the reserve.",
    );
    let low = u8::from(unauthenticated.low_disk.load(Ordering::Relaxed));
    let _ = writeln!(out, "warden_audit_disk_low {low}");
}
