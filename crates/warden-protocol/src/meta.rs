//! Static descriptions of services, operations and modeled errors, produced
//! by the generator from the botocore models.

/// The wire protocol a service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// AWS Query: form-encoded requests, XML (or JSON on request) responses.
    Query,
    /// AWS JSON 1.1: `X-Amz-Target` routing, JSON bodies both ways.
    Json,
}

/// Service-level metadata from a model's `metadata` block.
#[derive(Debug)]
pub struct ServiceMeta {
    /// The service id, e.g. `IAM`.
    pub service_id: &'static str,
    /// The API version, e.g. `2010-05-08`.
    pub api_version: &'static str,
    /// The wire protocol.
    pub protocol: Protocol,
    /// The SigV4 signing name (the model's `signingName`, else its `endpointPrefix`).
    pub signing_name: &'static str,
    /// The XML namespace of Query responses; empty for JSON services.
    pub xml_namespace: &'static str,
    /// The `X-Amz-Target` prefix of JSON services; empty for Query services.
    pub target_prefix: &'static str,
    /// Every operation of the service, sorted by name.
    pub operations: &'static [OperationInfo],
    /// Every modeled error of the service, sorted by code.
    pub errors: &'static [ModeledError],
}

impl ServiceMeta {
    /// The operation with this exact name.
    pub fn operation(&self, name: &str) -> Option<&'static OperationInfo> {
        let index = self
            .operations
            .binary_search_by(|op| op.name.cmp(name))
            .ok()?;
        self.operations.get(index)
    }

    /// The modeled error with this code (or exception shape name).
    pub fn error(&self, code: &str) -> Option<&'static ModeledError> {
        let errors: &'static [ModeledError] = self.errors;
        errors.iter().find(|e| e.code == code || e.shape == code)
    }

    /// The operation named by an `X-Amz-Target` header
    /// (`TrentService.CreateKey` → `CreateKey`), if the prefix is this service's.
    pub fn operation_from_target<'a>(&self, target: &'a str) -> Option<&'a str> {
        let (prefix, operation) = target.split_once('.')?;
        (prefix == self.target_prefix).then_some(operation)
    }

    /// The validation error code of this protocol.
    pub fn validation_code(&self) -> &'static str {
        match self.protocol {
            Protocol::Query => "ValidationError",
            Protocol::Json => "ValidationException",
        }
    }
}

/// One operation of a service.
#[derive(Debug)]
pub struct OperationInfo {
    /// The PascalCase operation name, e.g. `CreateUser`.
    pub name: &'static str,
    /// The input shape name, if the operation has an input.
    pub input: Option<&'static str>,
    /// The output shape name, if the operation has an output.
    pub output: Option<&'static str>,
    /// The Query `resultWrapper` element (e.g. `CreateUserResult`), if any.
    pub result_wrapper: Option<&'static str>,
    /// `true` when the model marks the operation as unsigned
    /// (`smithy.api#noAuth` / `authtype: none`).
    pub unauthenticated: bool,
}

/// An error declared by a model's exception shape.
#[derive(Debug, PartialEq, Eq)]
pub struct ModeledError {
    /// The exception shape name, e.g. `NoSuchEntityException`.
    pub shape: &'static str,
    /// The wire code, e.g. `NoSuchEntity`.
    pub code: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// `true` for a client fault.
    pub sender_fault: bool,
}

impl ModeledError {
    /// This error with a message, ready to render.
    pub fn with_message(&self, message: impl Into<String>) -> crate::AwsError {
        crate::AwsError::modeled(self, message)
    }
}
