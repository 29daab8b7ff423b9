//! The services the server answers, as one table: what the pipeline needs to know of each
//! (its model — with the wire protocol —, CloudTrail event source, where its calls run, and how to turn a
//! request into a call of `warden-core`). The pipeline has one path for all of them; adding
//! a service (KMS, Organizations) is one entry in [`SERVICES`] beside its core module.

use warden_core::{Caller, Ran, RequestFacts, Warden};
use warden_protocol::{AwsError, Protocol, QueryParams, ServiceMeta};

/// Where a service's calls run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// On the async worker: the call reads only the in-memory snapshot.
    Inline,
    /// Read-only operations (the generated table's `read_only`) on the read thread, writes
    /// on the blocking pool.
    ReadThreadForReads,
    /// Always on the blocking pool (a call may wait, e.g. for the audit index to catch up,
    /// and nothing should queue behind it on the read thread).
    Blocking,
}

/// A decoded request's body, as its protocol carries it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wire<'a> {
    /// Query parameters (`Action`, `Version` and the operation's members).
    Query(&'a QueryParams),
    /// A JSON 1.1 body.
    Json(&'a [u8]),
}

/// A decoded call, ready to run wherever its placement says.
pub(crate) type Prepared =
    Box<dyn FnOnce(&Warden, Option<&Caller>, &RequestFacts) -> Ran + Send + 'static>;

/// One AWS service as the server answers it.
pub(crate) struct Service {
    /// The generated model metadata (operations, namespace, version, target prefix).
    pub(crate) meta: &'static ServiceMeta,
    /// CloudTrail's `eventSource`, e.g. `iam.amazonaws.com`.
    pub(crate) event_source: &'static str,
    /// Where its calls run.
    pub(crate) placement: Placement,
    /// Decodes the operation named `action` from the request: the call to run, or the
    /// validation error to answer.
    pub(crate) prepare: fn(action: &str, wire: Wire<'_>) -> Result<Prepared, AwsError>,
}

/// Every service the server answers.
pub(crate) static SERVICES: [Service; 3] = [
    Service {
        meta: &warden_protocol::iam::META,
        event_source: "iam.amazonaws.com",
        placement: Placement::ReadThreadForReads,
        prepare: prepare_iam,
    },
    Service {
        meta: &warden_protocol::sts::META,
        event_source: "sts.amazonaws.com",
        placement: Placement::Inline,
        prepare: prepare_sts,
    },
    Service {
        meta: &warden_protocol::cloudtrail::META,
        event_source: "cloudtrail.amazonaws.com",
        placement: Placement::Blocking,
        prepare: prepare_cloudtrail,
    },
];

/// The IAM entry, the default for Query requests that name no other service.
pub(crate) fn iam() -> &'static Service {
    &SERVICES[0]
}

/// The Query service a request is for: by the SigV4 credential scope's service when
/// signed; otherwise (the unsigned STS federation calls) by `Version`, then by whether a
/// service has an operation of that name. IAM is the default, so unknown requests get IAM's
/// error shapes.
pub(crate) fn query_service(
    scope_service: Option<&str>,
    version: Option<&str>,
    action: Option<&str>,
) -> &'static Service {
    let query_services = || {
        SERVICES
            .iter()
            .filter(|service| service.meta.protocol == Protocol::Query)
    };
    let by_scope = || {
        scope_service
            .and_then(|scope| query_services().find(|service| service.meta.signing_name == scope))
    };
    let by_version = || {
        version.and_then(|version| {
            query_services().find(|service| service.meta.api_version == version)
        })
    };
    let by_action = || {
        action.and_then(|action| {
            query_services()
                .filter(|service| !std::ptr::eq(*service, iam()))
                .find(|service| service.meta.operation(action).is_some())
        })
    };
    by_scope()
        .or_else(by_version)
        .or_else(by_action)
        .unwrap_or_else(iam)
}

/// The JSON 1.1 service an `X-Amz-Target` prefix names, if Warden serves it.
pub(crate) fn json_service(target_prefix: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|service| {
        service.meta.protocol == Protocol::Json && service.meta.target_prefix == target_prefix
    })
}

/// The call to run for a decoded operation of a service that always has a caller.
fn authenticated_call<O: Send + 'static>(
    operation: O,
    call: fn(&Warden, &Caller, &RequestFacts, O) -> Ran,
) -> Prepared {
    Box::new(move |warden, caller, facts| match caller {
        Some(caller) => call(warden, caller, facts, operation),
        // The pipeline authenticates every operation the model does not mark
        // unauthenticated; these services have none, so this is never reached.
        None => Ran {
            result: Err(warden_core::ServiceError::Internal(
                "an operation that needs a caller was run without one".to_owned(),
            )),
            resources: Vec::new(),
            federated: None,
        },
    })
}

fn query_params<'a>(wire: Wire<'a>) -> Result<&'a QueryParams, AwsError> {
    match wire {
        Wire::Query(params) => Ok(params),
        Wire::Json(_) => Err(AwsError::unknown_operation()),
    }
}

fn json_body<'a>(wire: Wire<'a>) -> Result<&'a [u8], AwsError> {
    match wire {
        Wire::Json(body) => Ok(body),
        Wire::Query(_) => Err(AwsError::missing_action()),
    }
}

fn prepare_iam(action: &str, wire: Wire<'_>) -> Result<Prepared, AwsError> {
    let operation = warden_protocol::iam::Operation::from_query(action, query_params(wire)?)?;
    Ok(authenticated_call(operation, warden_core::iam::call))
}

fn prepare_sts(action: &str, wire: Wire<'_>) -> Result<Prepared, AwsError> {
    let operation = warden_protocol::sts::Operation::from_query(action, query_params(wire)?)?;
    Ok(Box::new(move |warden, caller, facts| {
        warden_core::sts::call(warden, caller, facts, operation)
    }))
}

fn prepare_cloudtrail(action: &str, wire: Wire<'_>) -> Result<Prepared, AwsError> {
    let operation = warden_protocol::cloudtrail::Operation::from_json(action, json_body(wire)?)?;
    Ok(authenticated_call(operation, warden_core::cloudtrail::call))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_scope_then_version_then_action() {
        let sts = &warden_protocol::sts::META;
        let iam = &warden_protocol::iam::META;
        let cases = [
            (Some("sts"), Some("2010-05-08"), None, sts),
            (Some("iam"), None, Some("GetCallerIdentity"), iam),
            (None, Some("2011-06-15"), None, sts),
            (
                None,
                Some("2010-05-08"),
                Some("AssumeRoleWithWebIdentity"),
                iam,
            ),
            (None, None, Some("AssumeRoleWithWebIdentity"), sts),
            (None, None, Some("CreateUser"), iam),
            (Some("s3"), None, None, iam),
        ];
        for (scope, version, action, expected) in cases {
            let chosen = query_service(scope, version, action);
            assert!(
                std::ptr::eq(chosen.meta, expected),
                "{scope:?} {version:?} {action:?} chose {}",
                chosen.event_source
            );
        }
    }

    #[test]
    fn json_services_are_found_by_target_prefix_only() {
        let cloudtrail = warden_protocol::cloudtrail::META.target_prefix;
        assert!(
            json_service(cloudtrail).is_some_and(|s| s.event_source == "cloudtrail.amazonaws.com")
        );
        assert!(
            json_service("TrentService").is_none(),
            "KMS is not served yet"
        );
        assert!(
            json_service("").is_none(),
            "the Query services have no prefix"
        );
    }

    #[test]
    fn every_service_has_its_own_event_source_and_model() {
        for (index, service) in SERVICES.iter().enumerate() {
            for other in &SERVICES[index + 1..] {
                assert_ne!(service.event_source, other.event_source);
                assert!(!std::ptr::eq(service.meta, other.meta));
            }
            assert_eq!(
                service.meta.protocol == Protocol::Json,
                !service.meta.target_prefix.is_empty(),
                "{}",
                service.event_source
            );
        }
    }
}
