//! [`AwsError`]: the one error shape every AWS protocol renders.
//!
//! Domain crates keep their own error enums; the server maps them into an
//! `AwsError` at exactly one boundary (convention 4). This module only knows
//! AWS codes, HTTP statuses and messages.

use std::borrow::Cow;

use crate::meta::ModeledError;

/// An error as AWS puts it on the wire: a code, an HTTP status, a fault side
/// and a human-readable message.
///
/// A 5xx never carries internal text: build it with [`AwsError::internal`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({status}): {message}")]
pub struct AwsError {
    /// The AWS error code, e.g. `NoSuchEntity` or `ValidationError`.
    pub code: Cow<'static, str>,
    /// The HTTP status code, e.g. 404.
    pub status: u16,
    /// `true` when the caller is at fault (`<Type>Sender</Type>`), `false`
    /// for a service fault (`<Type>Receiver</Type>`).
    pub sender_fault: bool,
    /// The message shown to the caller.
    pub message: String,
    /// The modeled `Reason` member some JSON 1.1 exceptions carry
    /// (Organizations' `ConstraintViolationException`, `InvalidInputException`, …).
    pub reason: Option<&'static str>,
}

impl AwsError {
    /// A new error with an explicit code, status and message; the fault side
    /// is derived from the status (5xx is the receiver's fault).
    pub fn new(
        code: impl Into<Cow<'static, str>>,
        status: u16,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            status,
            sender_fault: status < 500,
            message: message.into(),
            reason: None,
        }
    }

    /// An error declared in a service model (see the generated `errors` modules).
    pub fn modeled(error: &ModeledError, message: impl Into<String>) -> Self {
        Self {
            code: Cow::Borrowed(error.code),
            status: error.status,
            sender_fault: error.sender_fault,
            message: message.into(),
            reason: None,
        }
    }

    /// `MissingAction` (400): a Query request without an `Action` parameter.
    pub fn missing_action() -> Self {
        Self::new(
            "MissingAction",
            400,
            "No action was supplied with this request.",
        )
    }

    /// `InvalidAction` (400): `Could not find operation X for version Y`.
    pub fn invalid_action(action: &str, version: &str) -> Self {
        Self::new(
            "InvalidAction",
            400,
            format!("Could not find operation {action} for version {version}"),
        )
    }

    /// `UnknownOperationException` (400): a JSON 1.1 request whose
    /// `X-Amz-Target` names no operation of the service.
    pub fn unknown_operation() -> Self {
        Self::new("UnknownOperationException", 400, "")
    }

    /// `SerializationException` (400): a JSON 1.1 body that is not a JSON
    /// object or has members of the wrong type.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", 400, message)
    }

    /// `MalformedQueryString` (404, as AWS documents it): a Query request
    /// body or query string that cannot be decoded within our limits.
    pub fn malformed_query_string(message: impl Into<String>) -> Self {
        Self::new("MalformedQueryString", 404, message)
    }

    /// A constraint-violation error in AWS's form:
    /// `N validation error(s) detected: <violation>; <violation>`.
    ///
    /// `code` is `ValidationError` for Query services and
    /// `ValidationException` for JSON 1.1 services.
    pub fn validation(code: &'static str, violations: &[String]) -> Self {
        let count = violations.len();
        let noun = if count == 1 { "error" } else { "errors" };
        let message = format!(
            "{count} validation {noun} detected: {}",
            violations.join("; ")
        );
        Self::new(code, 400, message)
    }

    /// `InternalFailure` (500) with a fixed message: internal details are
    /// logged by the caller, never echoed.
    pub fn internal() -> Self {
        Self::new(
            "InternalFailure",
            500,
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    /// `AccessDenied` (403) with the given message.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new("AccessDenied", 403, message)
    }

    /// This error as a JSON 1.1 service answers it: an authorization denial is
    /// `AccessDeniedException` (400) there, where the Query services say `AccessDenied` (403).
    #[must_use]
    pub fn for_json_protocol(self) -> Self {
        match self.code.as_ref() {
            "AccessDenied" => Self::new("AccessDeniedException", 400, self.message),
            "Throttling" => self.with_code("ThrottlingException"),
            "ExpiredToken" => Self::new("ExpiredTokenException", 400, self.message),
            _ => self,
        }
    }

    /// `Throttling` (400, "Rate exceeded"): the caller is over a rate limit. The SDKs retry
    /// it with backoff; the JSON protocol spells it `ThrottlingException`.
    pub fn throttling() -> Self {
        Self::new("Throttling", 400, "Rate exceeded")
    }

    /// `RequestTimeout` (400): the client did not send its request body in time.
    pub fn request_timeout() -> Self {
        Self::new(
            "RequestTimeout",
            400,
            "Your socket connection to the server was not read from or written to within the timeout period.",
        )
    }

    /// `MissingParameter` (400): a parameter the protocol itself needs is absent.
    pub fn missing_parameter(message: impl Into<String>) -> Self {
        Self::new("MissingParameter", 400, message)
    }

    /// `InvalidParameterValue` (400).
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterValue", 400, message)
    }

    /// The same error with the modeled `Reason` member.
    #[must_use]
    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = Some(reason);
        self
    }

    /// The same error with another code (e.g. a service-specific spelling).
    pub fn with_code(mut self, code: impl Into<Cow<'static, str>>) -> Self {
        self.code = code.into();
        self
    }

    /// `Sender` or `Receiver`, as written in `<Type>`.
    pub fn fault_type(&self) -> &'static str {
        if self.sender_fault {
            "Sender"
        } else {
            "Receiver"
        }
    }
}
