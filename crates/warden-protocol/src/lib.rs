//! AWS wire protocols for Warden: the Query protocol (IAM, STS) and JSON 1.1
//! (KMS, CloudTrail, Organizations).
//!
//! The typed half is generated from the botocore models by
//! `cargo run -p xtask -- codegen` into [`iam`], [`sts`], [`kms`],
//! [`cloudtrail`] and [`organizations`]: per service an `Operation` enum with
//! one variant per AWS operation, input structs that decode and validate
//! themselves with AWS's exact messages, output structs that write Query XML
//! and JSON, the modeled errors and a `META` description. The hand-written
//! half is the request decoder ([`QueryParams`]), [`AwsError`] and the
//! response envelopes in [`render`].
//!
//! # Request flow (Query)
//!
//! ```
//! use warden_protocol::{iam, render, QueryParams, ResponseFormat};
//!
//! # fn main() -> Result<(), warden_protocol::AwsError> {
//! let body = b"Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=infra";
//! let params = QueryParams::parse(body)?;
//! let operation = iam::Operation::from_query(params.action()?, &params)?;
//! let iam::Operation::CreateUser(input) = &operation else { unreachable!() };
//! assert_eq!(input.user_name, "bob");
//! assert_eq!(input.tags.as_ref().map(Vec::len), Some(1));
//!
//! // A handler builds the typed output …
//! let output = iam::CreateUserResponse {
//!     user: Some(iam::User {
//!         path: "/".into(),
//!         user_name: "bob".into(),
//!         user_id: "AIDAEXAMPLE".into(),
//!         arn: "arn:aws:iam::123456789012:user/bob".into(),
//!         create_date: "2026-01-01T12:00:00Z".parse().unwrap(),
//!         ..Default::default()
//!     }),
//! };
//! // … and the server renders it (or an `AwsError` with `render_query_error`).
//! let xml = render::render_query_success(&iam::META, operation.name(), Some(&output), "req-1", ResponseFormat::Xml);
//! assert!(xml.starts_with(r#"<CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateUserResult><User>"#));
//! # Ok(()) }
//! ```
//!
//! JSON 1.1 services use `Operation::from_json(target_op, body)` with the
//! operation taken from `X-Amz-Target` by [`ServiceMeta::operation_from_target`],
//! and [`render::render_json_success`] / [`render::render_json_error`].
//!
//! # Compatibility notes
//!
//! Checked against AWS's wire text: the validation sentence forms
//! (`Value '…' at 'tags.6.member.value' failed to satisfy constraint: …`,
//! `Value null at … Member must not be null`), `InvalidAction`'s
//! `Could not find operation X for version Y`, and the envelopes. Choices
//! made where AWS's behaviour is not documented:
//!
//! - Within one member, violations are listed length maximum, length
//!   minimum, pattern, enum; members follow model order (AWS's order
//!   varies).
//! - A list of strings with bad elements gives one violation for the list,
//!   `Member must satisfy constraint: [<all element constraints>]`.
//! - Sensitive members (passwords, secret keys) are never echoed:
//!   `Value at 'password' failed …`.
//! - A Query value of the wrong type (`MaxItems=abc`) is a `ValidationError`
//!   (`Member must be an integer`); in JSON 1.1 it is a
//!   `SerializationException`.
//! - A missing `Version` is accepted. `MissingAction` says `No action was
//!   supplied with this request.` (AWS's documented text for older Query
//!   services).
//! - Query JSON errors are `{"Error":{"Type","Code","Message"},"RequestId"}`.
//!
//! # Invariants
//!
//! - No I/O, no clock: everything is a pure function of its inputs.
//! - Decoding never panics and is bounded ([`query::MAX_PARAMS`]); it is
//!   property-tested on arbitrary input.
//! - A 5xx [`AwsError`] never carries internal text ([`AwsError::internal`]).
//! - The generated modules are committed; a test fails when they differ from
//!   a fresh generation.

pub mod decode;
pub mod encode;
mod error;
pub mod generated;
pub mod meta;
pub mod query;
pub mod render;
pub mod xml;

pub use error::AwsError;
pub use generated::{cloudtrail, iam, kms, organizations, sts};
pub use meta::{
    AccessLevel, Arn, ModeledError, NoOutput, OperationInfo, OperationShape, Protocol,
    ResourceType, ResourceUse, ServiceMeta, partition_of,
};
pub use query::{QueryNode, QueryParams};
pub use render::ResponseFormat;
