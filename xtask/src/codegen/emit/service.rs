//! Emission of the service root, the operation enum and the error table.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{Result, bail};

use super::super::model::Kind;
use super::super::names::{first_sentence, pascal, screaming};
use super::{Emitter, HEADER};

impl Emitter<'_> {
    pub(super) fn root(&self) -> String {
        let m = self.meta();
        let service = &self.model.service;
        let protocol = if self.is_query() { "Query" } else { "JSON 1.1" };
        format!(
            "{HEADER}//! {full} (`{id}`, API version {version}, {protocol} protocol): typed operations,\n\
             //! inputs with validation, outputs with XML/JSON encoders and modeled errors.\n\
             //!\n\
             //! Generated from `aws-models/{service}/service-2.json`.\n\n\
             pub mod arn;\npub mod errors;\npub mod operations;\nmod requests;\nmod responses;\nmod rules;\nmod types;\n\n\
             pub use errors::error_status;\n\
             pub use operations::{{META, OPERATIONS, Operation}};\n\
             pub use requests::*;\npub use responses::*;\npub use types::*;\n",
            full = first_sentence(&m.full_name),
            id = m.service_id,
            version = m.api_version,
        )
    }

    pub(super) fn operations(&self) -> Result<String> {
        let m = self.meta();
        let mut out = String::from(HEADER);
        out.push_str("//! The operation enum, the operation table and the service metadata.\n\n");
        let _ = writeln!(
            out,
            "/// Every operation of the service with its decoded input.\n\
             #[derive(Debug, Clone, PartialEq)]\n\
             #[allow(clippy::large_enum_variant, reason = \"generated: inputs are short-lived\")]\n\
             pub enum Operation {{"
        );
        for op in &self.model.operations {
            let _ = writeln!(out, "/// `{}`.", op.name);
            match &op.input {
                Some(input) => {
                    let _ = writeln!(out, "{}(super::{}),", op.name, pascal(input));
                }
                None => {
                    let _ = writeln!(out, "{},", op.name);
                }
            }
        }
        out.push_str("}\n\nimpl Operation {\n");
        out.push_str("/// The AWS operation name, e.g. `CreateUser`.\npub fn name(&self) -> &'static str {\nmatch self {\n");
        for op in &self.model.operations {
            let pattern = if op.input.is_some() {
                format!("Self::{}(_)", op.name)
            } else {
                format!("Self::{}", op.name)
            };
            let _ = writeln!(out, "{pattern} => \"{}\",", op.name);
        }
        out.push_str("}\n}\n\n");
        let prefix = &self.meta().signing_name;
        let _ = writeln!(
            out,
            "/// The IAM action that authorizes the operation, e.g. `{prefix}:{}`.\n\
             pub fn iam_action(&self) -> &'static str {{\nmatch self {{",
            self.model
                .operations
                .first()
                .map_or("", |op| op.name.as_str())
        );
        for op in &self.model.operations {
            let pattern = if op.input.is_some() {
                format!("Self::{}(_)", op.name)
            } else {
                format!("Self::{}", op.name)
            };
            let _ = writeln!(out, "{pattern} => \"{prefix}:{}\",", op.name);
        }
        out.push_str("}\n}\n\n");
        let unauthenticated: Vec<String> = self
            .model
            .operations
            .iter()
            .filter(|op| op.unauthenticated)
            .map(|op| {
                if op.input.is_some() {
                    format!("Self::{}(_)", op.name)
                } else {
                    format!("Self::{}", op.name)
                }
            })
            .collect();
        out.push_str("/// `true` when the model marks the operation as unsigned.\npub fn is_unauthenticated(&self) -> bool {\n");
        if unauthenticated.is_empty() {
            out.push_str("let _ = self;\nfalse\n}\n\n");
        } else {
            let _ = writeln!(out, "matches!(self, {})\n}}\n", unauthenticated.join(" | "));
        }
        if self.is_query() {
            self.query_decoder(&mut out);
        } else {
            self.json_decoder(&mut out);
        }
        out.push_str("}\n\n");
        for op in &self.model.operations {
            let _ = writeln!(out, "{}", self.operation_info(op)?);
            if let Some(input) = &op.input {
                let output = op.output.as_deref().map_or_else(
                    || "crate::meta::NoOutput".to_owned(),
                    |o| format!("super::{}", pascal(o)),
                );
                let _ = writeln!(
                    out,
                    "impl crate::meta::OperationShape for super::{input} {{\n\
                     const INFO: &'static crate::meta::OperationInfo = &{constant};\n\
                     type Output = {output};\n}}\n",
                    input = pascal(input),
                    constant = screaming(&op.name),
                );
            }
        }
        let _ = writeln!(
            out,
            "/// Every operation, sorted by name.\npub const OPERATIONS: &[&crate::meta::OperationInfo] = &["
        );
        for op in &self.model.operations {
            let _ = writeln!(out, "&{},", screaming(&op.name));
        }
        out.push_str("];\n\n");
        let protocol = if self.is_query() { "Query" } else { "Json" };
        let _ = writeln!(
            out,
            "/// The `{id}` service metadata.\n\
             pub static META: crate::meta::ServiceMeta = crate::meta::ServiceMeta {{\n\
             service_id: {id:?},\napi_version: {version:?},\nprotocol: crate::meta::Protocol::{protocol},\n\
             signing_name: {signing:?},\nxml_namespace: {ns:?},\ntarget_prefix: {target:?},\n\
             operations: OPERATIONS,\nerrors: super::errors::ALL,\n}};",
            id = m.service_id,
            version = m.api_version,
            signing = m.signing_name,
            ns = m.xml_namespace,
            target = m.target_prefix,
        );
        Ok(out)
    }

    /// One operation's table row: the model's facts joined with the authorization
    /// reference's.
    fn operation_info(&self, op: &super::super::model::Operation) -> Result<String> {
        let facts = self.reference.facts(self.model, &op.name)?;
        let quoted = |v: &Option<String>| {
            v.as_ref()
                .map_or("None".to_owned(), |s| format!("Some({s:?})"))
        };
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
            format!("&[{}]", quoted.join(", "))
        };
        let resources: Vec<String> = facts
            .resources
            .iter()
            .map(|(name, required)| {
                format!(
                    "crate::meta::ResourceUse {{ resource_type: &super::arn::{}, required: {required} }}",
                    super::arn::resource_constant(name)
                )
            })
            .collect();
        Ok(format!(
            "/// `{name}`.\npub const {constant}: crate::meta::OperationInfo = crate::meta::OperationInfo {{ \
             name: {name:?}, input: {input}, output: {output}, result_wrapper: {wrapper}, \
             unauthenticated: {unauthenticated}, actions: {actions}, access_level: {access}, \
             read_only: {read_only}, resources: &[{resources}], condition_keys: {keys}, \
             sensitive_input: {sensitive_input}, sensitive_output: {sensitive_output} }};",
            name = op.name,
            constant = screaming(&op.name),
            input = quoted(&op.input),
            output = quoted(&op.output),
            wrapper = quoted(&op.result_wrapper),
            unauthenticated = op.unauthenticated,
            actions = list(&facts.actions),
            access = facts
                .access_level
                .map_or("None".to_owned(), |level| format!(
                    "Some(crate::meta::AccessLevel::{level})"
                )),
            read_only = facts.read_only,
            resources = resources.join(", "),
            keys = list(&facts.condition_keys),
            sensitive_input = list(&facts.sensitive_input),
            sensitive_output = list(&facts.sensitive_output),
        ))
    }

    fn query_decoder(&self, out: &mut String) {
        out.push_str(
            "/// Decodes and validates a Query request for `action`.\n\
             ///\n\
             /// # Errors\n\
             ///\n\
             /// `InvalidAction` for an unknown action or another `Version`, and\n\
             /// `ValidationError` when the parameters violate the model.\n\
             pub fn from_query(action: &str, params: &crate::QueryParams) -> Result<Self, crate::AwsError> {\n\
             crate::query::check_version(&META, action, params)?;\n",
        );
        if self.model.operations.iter().any(|op| op.input.is_some()) {
            out.push_str("let source = params.root();\n");
        }
        out.push_str("match action {\n");
        for op in &self.model.operations {
            match &op.input {
                Some(_) => {
                    let _ = writeln!(
                        out,
                        "{:?} => crate::decode::decode_input(&META, &source).map(Self::{}),",
                        op.name, op.name
                    );
                }
                None => {
                    let _ = writeln!(out, "{:?} => Ok(Self::{}),", op.name, op.name);
                }
            }
        }
        out.push_str(
            "_ => Err(crate::AwsError::invalid_action(action, params.get(\"Version\").unwrap_or(META.api_version))),\n}\n}\n",
        );
    }

    fn json_decoder(&self, out: &mut String) {
        out.push_str(
            "/// Decodes and validates a JSON 1.1 request body for the operation\n\
             /// named by `X-Amz-Target` (without its prefix).\n\
             ///\n\
             /// # Errors\n\
             ///\n\
             /// `UnknownOperationException`, `SerializationException` for a body\n\
             /// that is not a JSON object, and `ValidationException`.\n\
             pub fn from_json(target_op: &str, body: &[u8]) -> Result<Self, crate::AwsError> {\n\
             let body = crate::decode::parse_json_body(body)?;\n\
             let source = crate::decode::JsonNode::root(&body);\n\
             match target_op {\n",
        );
        for op in &self.model.operations {
            match &op.input {
                Some(_) => {
                    let _ = writeln!(
                        out,
                        "{:?} => crate::decode::decode_input(&META, &source).map(Self::{}),",
                        op.name, op.name
                    );
                }
                None => {
                    let _ = writeln!(out, "{:?} => Ok(Self::{}),", op.name, op.name);
                }
            }
        }
        out.push_str("_ => Err(crate::AwsError::unknown_operation()),\n}\n}\n");
    }

    pub(super) fn errors(&self) -> Result<String> {
        let mut out = String::from(HEADER);
        out.push_str("//! The service's modeled errors (exception shapes).\n\nuse crate::meta::ModeledError;\n\n");
        let mut errors = Vec::new();
        for (name, shape) in &self.model.shapes {
            if let Kind::Structure {
                error: Some(error), ..
            } = &shape.kind
            {
                let code = if error.code.is_empty() {
                    name.clone()
                } else {
                    error.code.clone()
                };
                let constant = screaming(name.strip_suffix("Exception").unwrap_or(name));
                errors.push((
                    code,
                    constant,
                    name,
                    error.status,
                    error.sender_fault,
                    &shape.documentation,
                ));
            }
        }
        errors.sort();
        let mut seen = BTreeSet::new();
        for (code, constant, shape, status, sender, docs) in &errors {
            if !seen.insert(constant.clone()) {
                bail!("{}: two errors named {constant}", self.model.service);
            }
            let doc = first_sentence(docs);
            let doc = if doc.is_empty() {
                String::new()
            } else {
                format!("\n///\n/// {doc}")
            };
            let _ = writeln!(
                out,
                "/// `{code}` ({status}).{doc}\npub const {constant}: ModeledError = ModeledError {{ shape: {shape:?}, code: {code:?}, status: {status}, sender_fault: {sender} }};\n"
            );
        }
        out.push_str(
            "/// Every modeled error, sorted by code.\npub const ALL: &[ModeledError] = &[",
        );
        for (_, constant, ..) in &errors {
            let _ = write!(out, "{constant}, ");
        }
        out.push_str(
            "];\n\n/// The HTTP status and fault side (`true` = sender) of a modeled error code.\n\
             pub fn error_status(code: &str) -> Option<(u16, bool)> {\n\
             super::META.error(code).map(|error| (error.status, error.sender_fault))\n}\n",
        );
        Ok(out)
    }
}
