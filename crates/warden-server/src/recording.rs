//! The audit step of the pipeline: what a call revealed about itself ([`Trace`]) becomes one
//! CloudTrail record, durable before the reply. If it cannot be recorded, the call answers
//! `ServiceUnavailable` instead of its result (fail closed). A call that failed without an
//! authenticated caller is folded into an aggregate record instead
//! ([`crate::guard::unauthenticated`]), so floods of them cost bounded disk.

use std::sync::Arc;

use warden_core::audit::{CallRecord, Federated, lower_camel_keys};
use warden_core::{Caller, Output, RequestFacts, ServiceError, Warden};
use warden_protocol::{Arn, AwsError, OperationInfo};

use crate::guard::Unauthenticated;

/// What the pipeline learned about a call as it went, for its audit record.
pub(crate) struct Trace {
    /// `eventSource`, e.g. `iam.amazonaws.com`.
    pub(crate) event_source: &'static str,
    /// The action the client named (empty when it named none).
    pub(crate) event_name: String,
    /// The operation's table entry, once the action is known to name one.
    pub(crate) operation: Option<&'static OperationInfo>,
    /// The resources the call was authorized on.
    pub(crate) resources: Vec<Arn>,
    /// The authenticated caller.
    pub(crate) caller: Option<Arc<Caller>>,
    /// The user a federation call (without caller) authenticated.
    pub(crate) federated: Option<Federated>,
    /// The access key the request was signed with, authenticated or not.
    pub(crate) access_key_id: Option<String>,
    /// The account owning that key, when the key exists.
    pub(crate) key_account: Option<String>,
    /// The request parameters in CloudTrail's shape (lowerCamel keys).
    pub(crate) request_parameters: Option<serde_json::Value>,
    /// Transport facts: address, user agent, region, time.
    pub(crate) facts: RequestFacts,
}

/// A finished call: the operation's name and output, or the error to answer.
pub(crate) type Outcome = Result<(&'static str, Option<Output>), AwsError>;

impl Trace {
    /// Records the call and hands its outcome back — or, if the record could not be made
    /// durable, the error to answer instead.
    pub(crate) async fn record(
        self,
        warden: &Warden,
        unauthenticated: &Unauthenticated,
        request_id: &str,
        outcome: Outcome,
    ) -> Outcome {
        if !warden.is_recording() {
            return outcome;
        }
        let aggregated = self.caller.is_none() && self.federated.is_none() && outcome.is_err();
        // CloudTrail keeps response elements of successful writes only: reads skip the work.
        let response_elements = match &outcome {
            Ok((_, Some(output))) if self.operation.is_some_and(|info| !info.read_only) => {
                Some(lower_camel_keys(output.to_json()))
            }
            _ => None,
        };
        let error = outcome
            .as_ref()
            .err()
            .map(|error| (error.code.as_ref(), error.message.as_str()));
        let recipient = self
            .caller
            .as_ref()
            .map(|caller| caller.account_id.as_str())
            .or(self.federated.as_ref().map(|user| user.account_id.as_str()))
            .or(self.key_account.as_deref())
            .or_else(|| warden.default_account());
        let Some(recipient_account_id) = recipient else {
            tracing::error!("no account to record the call in; failing the call");
            return Err(ServiceError::AuditUnavailable.into());
        };
        let event = CallRecord {
            event_source: self.event_source,
            event_name: &self.event_name,
            operation: self.operation,
            resources: &self.resources,
            caller: self.caller.as_deref(),
            federated: self.federated.as_ref(),
            access_key_id: self.access_key_id.as_deref(),
            recipient_account_id,
            facts: &self.facts,
            request_parameters: self.request_parameters,
            response_elements,
            error,
            request_id,
        }
        .to_event(warden.event_id()?);
        if aggregated {
            unauthenticated.note(event);
            return outcome;
        }
        match warden.record(&event).await {
            Ok(()) => outcome,
            Err(error) => Err(error.into()),
        }
    }
}
