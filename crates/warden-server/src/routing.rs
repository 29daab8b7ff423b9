//! Which Query-protocol service a request is for.

use warden_protocol::ServiceMeta;

/// The services spoken over the AWS Query protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryService {
    /// IAM, API version 2010-05-08.
    Iam,
    /// STS, API version 2011-06-15.
    Sts,
}

impl QueryService {
    /// The generated model metadata of the service.
    pub(crate) fn meta(self) -> &'static ServiceMeta {
        match self {
            Self::Iam => &warden_protocol::iam::META,
            Self::Sts => &warden_protocol::sts::META,
        }
    }

    /// The service's CloudTrail `eventSource`.
    pub(crate) fn event_source(self) -> &'static str {
        match self {
            Self::Iam => "iam.amazonaws.com",
            Self::Sts => "sts.amazonaws.com",
        }
    }
}

/// Route by the SigV4 credential scope's service when signed; otherwise (the unsigned STS
/// federation calls) by `Version`, then by whether STS has an operation of that name.
/// IAM is the default, so unknown requests get IAM's error shapes.
pub(crate) fn choose_query_service(
    scope_service: Option<&str>,
    version: Option<&str>,
    action: Option<&str>,
) -> QueryService {
    match scope_service {
        Some("sts") => return QueryService::Sts,
        Some("iam") => return QueryService::Iam,
        _ => {}
    }
    match version {
        Some(v) if v == warden_protocol::sts::META.api_version => QueryService::Sts,
        Some(v) if v == warden_protocol::iam::META.api_version => QueryService::Iam,
        _ if action.is_some_and(|a| warden_protocol::sts::META.operation(a).is_some()) => {
            QueryService::Sts
        }
        _ => QueryService::Iam,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_scope_then_version_then_action() {
        let cases = [
            (Some("sts"), Some("2010-05-08"), None, QueryService::Sts),
            (
                Some("iam"),
                None,
                Some("GetCallerIdentity"),
                QueryService::Iam,
            ),
            (None, Some("2011-06-15"), None, QueryService::Sts),
            (
                None,
                Some("2010-05-08"),
                Some("AssumeRoleWithWebIdentity"),
                QueryService::Iam,
            ),
            (
                None,
                None,
                Some("AssumeRoleWithWebIdentity"),
                QueryService::Sts,
            ),
            (None, None, Some("CreateUser"), QueryService::Iam),
            (Some("s3"), None, None, QueryService::Iam),
        ];
        for (scope, version, action, expected) in cases {
            assert_eq!(
                choose_query_service(scope, version, action),
                expected,
                "{scope:?} {version:?} {action:?}"
            );
        }
    }
}
