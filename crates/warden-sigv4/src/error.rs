//! Verification failures and their AWS wire codes, HTTP statuses and messages.

/// Why a request failed SigV4 parsing or verification.
///
/// Each variant maps to the code, status and message AWS's Query-protocol
/// services (IAM, STS) answer with; see [`SigV4Error::aws_code`],
/// [`SigV4Error::http_status`] and [`SigV4Error::message`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// The request carries no signature at all but the operation needs one.
    #[error("request is missing an authentication token")]
    MissingAuthenticationToken,
    /// The Authorization header or presigned query is malformed or incomplete.
    /// The string is the full AWS message.
    #[error("incomplete signature: {0}")]
    IncompleteSignature(String),
    /// The signature does not match the one computed from the request.
    #[error("signature does not match")]
    SignatureDoesNotMatch,
    /// The credential scope names the wrong region, service or terminator.
    /// The string is the full AWS message.
    #[error("invalid credential scope: {0}")]
    InvalidCredentialScope(String),
    /// The credential scope's date differs from the request date.
    #[error("credential scope date {scope_date} does not match request date {amz_date}")]
    CredentialDateMismatch {
        /// `YYYYMMDD` from the credential scope.
        scope_date: String,
        /// `yyyymmddThhmmssZ` from `X-Amz-Date`.
        amz_date: String,
    },
    /// The request date is more than 15 minutes before the server clock.
    #[error("signature expired: {signed} is earlier than {earliest} ({now} - 15 min.)")]
    SignatureExpired {
        /// The request's `X-Amz-Date`.
        signed: String,
        /// The server clock, `yyyymmddThhmmssZ`.
        now: String,
        /// `now` minus 15 minutes.
        earliest: String,
    },
    /// The request date is more than 15 minutes after the server clock.
    #[error("signature not yet current: {signed} is later than {latest} ({now} + 15 min.)")]
    SignatureNotYetCurrent {
        /// The request's `X-Amz-Date`.
        signed: String,
        /// The server clock, `yyyymmddThhmmssZ`.
        now: String,
        /// `now` plus 15 minutes.
        latest: String,
    },
    /// A presigned request is used after `X-Amz-Date + X-Amz-Expires`.
    #[error("request has expired")]
    RequestExpired,
    /// `X-Amz-Content-Sha256` does not match the body, or is `UNSIGNED-PAYLOAD`
    /// on a non-empty body when that is not allowed.
    #[error("payload hash does not match the body")]
    PayloadHashMismatch,
}

/// The message AWS sends with `SignatureDoesNotMatch`.
pub const SIGNATURE_DOES_NOT_MATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

impl SigV4Error {
    /// The AWS error code (`<Code>` in the Query-protocol error envelope).
    pub fn aws_code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature(_) => "IncompleteSignature",
            Self::SignatureDoesNotMatch
            | Self::InvalidCredentialScope(_)
            | Self::CredentialDateMismatch { .. }
            | Self::SignatureExpired { .. }
            | Self::SignatureNotYetCurrent { .. }
            | Self::PayloadHashMismatch => "SignatureDoesNotMatch",
            Self::RequestExpired => "RequestExpired",
        }
    }

    /// The HTTP status AWS answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::IncompleteSignature(_) | Self::RequestExpired => 400,
            Self::MissingAuthenticationToken
            | Self::SignatureDoesNotMatch
            | Self::InvalidCredentialScope(_)
            | Self::CredentialDateMismatch { .. }
            | Self::SignatureExpired { .. }
            | Self::SignatureNotYetCurrent { .. }
            | Self::PayloadHashMismatch => 403,
        }
    }

    /// The human-readable message AWS sends (`<Message>`).
    pub fn message(&self) -> String {
        match self {
            Self::MissingAuthenticationToken => {
                "Request is missing Authentication Token".to_owned()
            }
            Self::IncompleteSignature(message) | Self::InvalidCredentialScope(message) => {
                message.clone()
            }
            Self::SignatureDoesNotMatch | Self::PayloadHashMismatch => {
                SIGNATURE_DOES_NOT_MATCH_MESSAGE.to_owned()
            }
            Self::CredentialDateMismatch {
                scope_date,
                amz_date,
            } => {
                let request_date = amz_date.get(..8).unwrap_or(amz_date);
                format!(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{request_date}', from '{amz_date}'."
                )
            }
            Self::SignatureExpired {
                signed,
                now,
                earliest,
            } => format!(
                "Signature expired: {signed} is now earlier than {earliest} ({now} - 15 min.)"
            ),
            Self::SignatureNotYetCurrent {
                signed,
                now,
                latest,
            } => format!(
                "Signature not yet current: {signed} is still later than {latest} ({now} + 15 min.)"
            ),
            Self::RequestExpired => "Request has expired.".to_owned(),
        }
    }
}
