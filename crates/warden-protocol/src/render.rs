//! Response envelopes: Query XML and JSON success and error bodies, and the
//! JSON 1.1 bodies.

use serde_json::{Map, Value, json};

use crate::AwsError;
use crate::encode::Encode;
use crate::meta::ServiceMeta;
use crate::xml::XmlWriter;

/// The content type of JSON 1.1 responses.
pub const JSON_1_1_CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The body format of a Query response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// `text/xml`, the default.
    Xml,
    /// `application/json`, when the request's `Accept` asks for it.
    Json,
}

impl ResponseFormat {
    /// Picks the format from the request's `Accept` header.
    pub fn from_accept(accept: Option<&str>) -> Self {
        match accept {
            Some(accept) if accept.to_ascii_lowercase().contains("application/json") => Self::Json,
            _ => Self::Xml,
        }
    }

    /// The `Content-Type` of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xml => "text/xml",
            Self::Json => "application/json",
        }
    }
}

/// A Query success body:
/// `<XResponse xmlns=ns><XResult>…</XResult><ResponseMetadata><RequestId>…`.
///
/// `output` is `None` for operations without output; then there is no
/// `XResult` element. In JSON the same structure is
/// `{"XResponse":{"XResult":{…},"ResponseMetadata":{"RequestId":"…"}}}`.
pub fn render_query_success(
    meta: &ServiceMeta,
    operation: &str,
    output: Option<&dyn Encode>,
    request_id: &str,
    format: ResponseFormat,
) -> String {
    let response = format!("{operation}Response");
    let result = meta
        .operation(operation)
        .and_then(|info| info.result_wrapper)
        .map_or_else(|| format!("{operation}Result"), str::to_owned);
    match format {
        ResponseFormat::Xml => {
            let mut w = XmlWriter::new();
            w.start_with_namespace(&response, meta.xml_namespace);
            if let Some(output) = output {
                w.element(&result, |w| output.write_xml(w));
            }
            w.element("ResponseMetadata", |w| {
                w.text_element("RequestId", request_id)
            });
            w.end(&response);
            w.finish()
        }
        ResponseFormat::Json => {
            let mut body = Map::new();
            if let Some(output) = output {
                body.insert(result, output.to_json());
            }
            body.insert(
                "ResponseMetadata".to_owned(),
                json!({ "RequestId": request_id }),
            );
            json!({ response: body }).to_string()
        }
    }
}

/// A Query error body:
/// `<ErrorResponse xmlns=ns><Error><Type>Sender</Type><Code>…</Code>
/// <Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>`,
/// or `{"Error":{"Type","Code","Message"},"RequestId"}` in JSON.
pub fn render_query_error(
    meta: &ServiceMeta,
    error: &AwsError,
    request_id: &str,
    format: ResponseFormat,
) -> String {
    match format {
        ResponseFormat::Xml => {
            let mut w = XmlWriter::new();
            w.start_with_namespace("ErrorResponse", meta.xml_namespace);
            w.element("Error", |w| {
                w.text_element("Type", error.fault_type());
                w.text_element("Code", &error.code);
                w.text_element("Message", &error.message);
            });
            w.text_element("RequestId", request_id);
            w.end("ErrorResponse");
            w.finish()
        }
        ResponseFormat::Json => json!({
            "Error": { "Type": error.fault_type(), "Code": error.code, "Message": error.message },
            "RequestId": request_id,
        })
        .to_string(),
    }
}

/// A JSON 1.1 success body: the output's members, or `{}` without output.
pub fn render_json_success(output: Option<&dyn Encode>) -> String {
    output
        .map_or_else(|| Value::Object(Map::new()), Encode::to_json)
        .to_string()
}

/// A JSON 1.1 error body: `{"__type":"Code","message":"…"}`, with `"Reason"` when the
/// exception carries one.
pub fn render_json_error(error: &AwsError) -> String {
    match error.reason {
        Some(reason) => {
            json!({ "__type": error.code, "message": error.message, "Reason": reason })
        }
        None => json!({ "__type": error.code, "message": error.message }),
    }
    .to_string()
}
