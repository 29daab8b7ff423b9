//! Observability of AWS requests: one `request` span per request and the Prometheus
//! request metrics (`observe/metrics.rs`), both filled from what the pipeline learns.
//!
//! [`track`] wraps the AWS request handler: it opens the span, times the request and, once
//! the response is ready, counts it. The pipeline reports what it learns through the `note_*`
//! functions — the service and action once routed, the principal once authenticated, the
//! request id — which record the span's fields and remember the metric labels for [`track`]
//! in a task-local slot. So the pipeline holds no observability state, and a `note_*` call
//! outside a tracked request (a unit test of the pipeline, say) does nothing.
//!
//! The `note_*` functions must run on the request's own task (not inside `spawn_blocking`):
//! that is where the slot lives.

pub(crate) mod metrics;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;
use tracing::field::Empty;

pub(crate) use self::metrics::{METRICS_PATH, Metrics, Service};

/// The longest action name a span records; longer (client-chosen) names are cut.
const MAX_ACTION_CHARS: usize = 128;

tokio::task_local! {
    /// What the pipeline has noted about the request the current task serves.
    static CURRENT: RefCell<Notes>;
}

/// What is known about the request being served.
struct Notes {
    /// Its `request` span.
    span: tracing::Span,
    /// Its service, as a metric label.
    service: Service,
    /// Its operation's index in the service's model (`None`: unknown operation).
    operation: Option<usize>,
}

/// Middleware around the AWS request handler: one `request` span per request; when the
/// response is ready, its duration and outcome go into [`Metrics`].
pub(crate) async fn track(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let span = tracing::info_span!(
        "request",
        aws.service = Empty,
        aws.action = Empty,
        aws.request_id = Empty,
        principal.arn = Empty,
    );
    let service = if crate::s3::is_s3_request(&request) {
        span.record("aws.service", Service::S3.label());
        Service::S3
    } else {
        Service::Unknown
    };
    let notes = RefCell::new(Notes {
        span: span.clone(),
        service,
        operation: None,
    });
    let (response, service, operation) = CURRENT
        .scope(notes, async {
            let response = next.run(request).await;
            let (service, operation) = CURRENT
                .try_with(|notes| {
                    let notes = notes.borrow();
                    (notes.service, notes.operation)
                })
                .unwrap_or((service, None));
            (response, service, operation)
        })
        .instrument(span)
        .await;
    metrics.count_request(service, operation, response.status(), started.elapsed());
    response
}

/// Notes the request id the pipeline gave the request (`aws.request_id`).
pub(crate) fn note_request_id(request_id: &str) {
    with_notes(|notes| {
        notes.span.record("aws.request_id", request_id);
    });
}

/// Notes the service the request was routed to, by its CloudTrail `eventSource`
/// (`aws.service`; `unknown` for a source Warden does not serve), and the action the client
/// named (`aws.action`, as named, cut to 128 characters). The metrics count the action under
/// its name only when the service has an operation of that name, else as `unknown`, so
/// clients cannot make up label values.
pub(crate) fn note_call(event_source: &str, action: &str) {
    with_notes(|notes| {
        let service = Service::from_event_source(event_source);
        notes.service = service;
        notes.operation = service.operation_index(action);
        notes.span.record("aws.service", service.label());
        notes
            .span
            .record("aws.action", cut(action, MAX_ACTION_CHARS));
    });
}

/// Notes the authenticated principal's ARN (`principal.arn`).
pub(crate) fn note_principal(arn: &str) {
    with_notes(|notes| {
        notes.span.record("principal.arn", arn);
    });
}

fn with_notes(note: impl FnOnce(&mut Notes)) {
    // Outside a tracked request there is nothing to note into.
    let _outside = CURRENT.try_with(|notes| {
        if let Ok(mut notes) = notes.try_borrow_mut() {
            note(&mut notes);
        }
    });
}

/// `text` up to its first `max` characters.
fn cut(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .and_then(|(end, _)| text.get(..end))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests;
