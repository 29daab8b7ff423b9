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
    pub operations: &'static [&'static OperationInfo],
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
        self.operations.get(index).copied()
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
    /// The IAM actions that authorize the operation, all of which must be allowed
    /// (one for nearly every operation; KMS `ReEncrypt` needs `ReEncryptFrom` and
    /// `ReEncryptTo`).
    pub actions: &'static [&'static str],
    /// The action's access level in the service authorization reference; `None` when the
    /// reference does not list the action.
    pub access_level: Option<AccessLevel>,
    /// CloudTrail's `readOnly` for the operation: the call changes nothing. Decides whether
    /// response elements are recorded and whether the call may run on a read path.
    pub read_only: bool,
    /// The resource types the action applies to, with their ARN templates (empty: the
    /// action is authorized on `*`).
    pub resources: &'static [ResourceUse],
    /// The action's own condition keys (request keys such as `aws:TagKeys`).
    pub condition_keys: &'static [&'static str],
    /// Members (wire names) anywhere in the input that hold secrets: never recorded.
    pub sensitive_input: &'static [&'static str],
    /// Members (wire names) anywhere in the output that hold secrets: never recorded.
    pub sensitive_output: &'static [&'static str],
}

/// An action's access level, as the service authorization reference classifies it (the
/// first level listed when it lists several).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessLevel {
    /// Lists resources.
    List,
    /// Reads a resource or its attributes.
    Read,
    /// Creates, changes or deletes.
    Write,
    /// Changes who may do what (policies, grants).
    PermissionsManagement,
    /// Changes tags only.
    Tagging,
}

/// A resource type of a service: its name in the authorization reference, its ARN template
/// and the type CloudTrail names it by.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// The reference's name, e.g. `user`.
    pub name: &'static str,
    /// The ARN template, e.g. `arn:${Partition}:iam::${Account}:user/${UserNameWithPath}`.
    pub arn_template: &'static str,
    /// CloudTrail's `resources[].type`, e.g. `AWS::IAM::User`.
    pub cloudtrail_type: &'static str,
}

/// How an action uses a resource type.
#[derive(Debug)]
pub struct ResourceUse {
    /// The resource type.
    pub resource_type: &'static ResourceType,
    /// Whether the action always acts on a resource of this type.
    pub required: bool,
}

/// A resource's ARN together with its resource type, as the generated ARN builders make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    /// The resource type.
    pub resource_type: &'static ResourceType,
    /// The ARN text.
    pub value: String,
}

impl Arn {
    /// The ARN text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Display for Arn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

/// The partition of a region (`aws`, `aws-cn`, `aws-us-gov`), for ARNs.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// The static description of one operation, implemented by the generator for each
/// operation's input type, so that an operation's input, output and facts cannot drift
/// apart (smithy-rs's `OperationShape`).
pub trait OperationShape {
    /// The operation's table entry.
    const INFO: &'static OperationInfo;
    /// The operation's output; [`NoOutput`] when the model declares none.
    type Output: crate::encode::Encode + Send + 'static;
}

/// The output of an operation whose model declares none (rendered as no result element).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoOutput;

impl crate::encode::Encode for NoOutput {
    fn write_xml(&self, _writer: &mut crate::xml::XmlWriter) {}
    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(serde_json::Map::new())
    }
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
