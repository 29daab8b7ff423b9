//! A read-only, path-style S3 endpoint over the trail buckets, so that unmodified S3 clients
//! (`aws cloudtrail validate-logs`, `aws s3 cp`, boto3) can read delivered log and digest
//! files.
//!
//! Served: `GET /<bucket>?location` (GetBucketLocation), `GET /<bucket>?list-type=2`
//! (ListObjectsV2), `GET /<bucket>` (ListObjects), `HEAD /<bucket>` (HeadBucket),
//! `GET`/`HEAD /<bucket>/<key>` (GetObject, HeadObject, with `x-amz-meta-*`). Everything else
//! is `MethodNotAllowed` or `NotImplemented`.
//!
//! Every request is SigV4-signed with the `s3` service (S3 canonicalization: the path
//! encoded once, never normalized; `UNSIGNED-PAYLOAD` accepted) and authorized with
//! `warden_core::authorize`: `s3:ListBucket` / `s3:GetBucketLocation` on
//! `arn:aws:s3:::<bucket>`, `s3:GetObject` on `arn:aws:s3:::<bucket>/<key>` (in the
//! configured partition). Documents are written with the protocol crate's `XmlWriter`. A bucket
//! belongs to the accounts whose trails deliver into it; callers of other accounts are
//! denied (there are no bucket policies).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use warden_store::StoreExt;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use warden_core::{Caller, Permission, RequestFacts, authorize};
use warden_protocol::xml::XmlWriter;

use crate::authenticate::{AuthFailure, Learned, Rules, authenticate};
use warden_sigv4::{PathEncoding, RequestParts, SigV4Error, VerifyOptions};
use warden_trail::bucket::{self, BucketError, ListRequest, ListResult, MAX_KEYS};

use crate::pipeline::AppState;
use crate::transport::{BodyError, header as header_value, header_pairs, read_body};

/// The buckets root, put in the router's extensions by [`crate::serve`]; without it the S3
/// endpoint answers `NoSuchBucket` for every bucket.
#[derive(Debug, Clone)]
pub struct Buckets(pub PathBuf);

/// S3's XML namespace.
const NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Whether a request is for the S3 endpoint: any path but `/` (every other service posts to
/// `/`), or a request signed for the `s3` service.
pub(crate) fn is_s3_request(request: &Request<Body>) -> bool {
    request.uri().path() != "/" || signed_for_s3(request)
}

fn signed_for_s3(request: &Request<Body>) -> bool {
    let scoped = |text: &str| text.contains("/s3/aws4_request");
    header_value(request.headers(), "authorization").is_some_and(scoped)
        || request.uri().query().is_some_and(|query| {
            query.split('&').any(|pair| {
                pair.starts_with("X-Amz-Credential=")
                    && (scoped(pair) || pair.contains("%2Fs3%2Faws4_request"))
            })
        })
}

/// What the request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Operation {
    GetBucketLocation,
    HeadBucket,
    ListObjects { v2: bool },
    GetObject { key: String, head: bool },
}

/// An S3 error: code, status and message (AWS's wording).
#[derive(Debug, Clone, PartialEq, Eq)]
struct S3Error {
    code: &'static str,
    status: StatusCode,
    message: String,
}

impl S3Error {
    fn new(code: &'static str, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
        }
    }

    fn access_denied() -> Self {
        Self::new("AccessDenied", StatusCode::FORBIDDEN, "Access Denied")
    }

    fn no_such_bucket() -> Self {
        Self::new(
            "NoSuchBucket",
            StatusCode::NOT_FOUND,
            "The specified bucket does not exist",
        )
    }

    fn no_such_key() -> Self {
        Self::new(
            "NoSuchKey",
            StatusCode::NOT_FOUND,
            "The specified key does not exist.",
        )
    }

    fn internal() -> Self {
        Self::new(
            "InternalError",
            StatusCode::INTERNAL_SERVER_ERROR,
            "We encountered an internal error. Please try again.",
        )
    }

    fn from_sigv4(error: &SigV4Error) -> Self {
        match error {
            SigV4Error::MissingAuthenticationToken => Self::access_denied(),
            SigV4Error::IncompleteSignature(message) => Self::new(
                "AuthorizationHeaderMalformed",
                StatusCode::BAD_REQUEST,
                message.clone(),
            ),
            SigV4Error::SignatureExpired { .. } | SigV4Error::SignatureNotYetCurrent { .. } => {
                Self::new(
                    "RequestTimeTooSkewed",
                    StatusCode::FORBIDDEN,
                    "The difference between the request time and the current time is too large.",
                )
            }
            SigV4Error::RequestExpired => {
                Self::new("AccessDenied", StatusCode::FORBIDDEN, "Request has expired")
            }
            _ => Self::new(
                "SignatureDoesNotMatch",
                StatusCode::FORBIDDEN,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            ),
        }
    }

    fn from_bucket(error: &BucketError) -> Self {
        match error {
            BucketError::InvalidBucketName(_) | BucketError::NoSuchBucket(_) => {
                Self::no_such_bucket()
            }
            BucketError::InvalidKey(_) | BucketError::NoSuchKey(_) => Self::no_such_key(),
            BucketError::Io { .. } | BucketError::CorruptMetadata(_) => {
                tracing::error!(%error, "s3 read failed");
                Self::internal()
            }
        }
    }
}

/// One S3 request.
pub(crate) async fn s3_request(state: &Arc<AppState>, request: Request<Body>) -> Response {
    let request_id = state.warden.request_id().simple_upper();
    let (parts, body) = request.into_parts();
    let head = parts.method == Method::HEAD;
    let result = async {
        let body = tokio::time::timeout(
            state.guard.limits.body_timeout,
            read_body(&parts.headers, body),
        );
        let body = body
            .await
            .unwrap_or(Err(BodyError::TimedOut))
            .map_err(|_| {
                S3Error::new(
                    "IncompleteBody",
                    StatusCode::BAD_REQUEST,
                    "The request body could not be read.",
                )
            })?;
        let headers = header_pairs(&parts.headers);
        let sig_parts = RequestParts {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query().unwrap_or(""),
            headers: &headers,
            body: &body,
        };
        let source = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let caller = guarded_authenticate(state, &sig_parts, source)?;
        let (bucket, operation) = route(&parts.method, parts.uri.path(), sig_parts.query)?;
        let facts = RequestFacts {
            source_ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
            user_agent: header_value(&parts.headers, "user-agent")
                .unwrap_or("")
                .to_owned(),
            secure_transport: false,
            region: scope_region(&sig_parts).unwrap_or_else(|| state.region.clone()),
            now: state.warden.now(),
        };
        let root = parts.extensions.get::<Buckets>().map(|b| b.0.clone());
        let query = parse_query(sig_parts.query);
        let state = Arc::clone(state);
        let region = state.region.clone();
        tokio::task::spawn_blocking(move || {
            let root = root.ok_or_else(S3Error::no_such_bucket)?;
            let call = Handler {
                state: &state,
                caller: &caller,
                facts: &facts,
                root: &root,
                bucket: &bucket,
            };
            call.run(&operation, &query, &region)
        })
        .await
        .map_err(|_| S3Error::internal())?
    }
    .await;
    let mut response = match result {
        Ok(response) => response,
        Err(error) => error_response(&error, &request_id, head),
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amz-request-id", value);
    }
    response
}

/// The one authentication path, with S3's rules (signed for `s3`, S3's canonical path,
/// unsigned payloads allowed) and S3's answers: over an abuse limit, `SlowDown` (503).
fn guarded_authenticate(
    state: &AppState,
    parts: &RequestParts<'_>,
    source: Option<std::net::IpAddr>,
) -> Result<Arc<Caller>, S3Error> {
    let rules = Rules {
        service: Some("s3"),
        verify: VerifyOptions {
            normalize_path: false,
            path_encoding: PathEncoding::Single,
            allow_unsigned_payload: true,
        },
    };
    let signed = warden_sigv4::parse(parts);
    authenticate(state, parts, signed, source, rules, &mut Learned::default()).map_err(
        |failure| match failure {
            AuthFailure::Throttled => S3Error::new(
                "SlowDown",
                StatusCode::SERVICE_UNAVAILABLE,
                "Please reduce your request rate.",
            ),
            AuthFailure::Unsigned => S3Error::access_denied(),
            AuthFailure::Signature(error) => S3Error::from_sigv4(&error),
            AuthFailure::WrongService(service) => S3Error::new(
                "AuthorizationHeaderMalformed",
                StatusCode::BAD_REQUEST,
                format!(
                    "The authorization header is malformed; incorrect service \"{service}\". This endpoint belongs to \"s3\"."
                ),
            ),
            AuthFailure::BadToken => S3Error::new(
                "InvalidToken",
                StatusCode::BAD_REQUEST,
                "The provided token is malformed or otherwise invalid.",
            ),
            AuthFailure::ExpiredToken => S3Error::new(
                "ExpiredToken",
                StatusCode::BAD_REQUEST,
                "The provided token has expired.",
            ),
            AuthFailure::UnknownKey => S3Error::new(
                "InvalidAccessKeyId",
                StatusCode::FORBIDDEN,
                "The AWS Access Key Id you provided does not exist in our records.",
            ),
        },
    )
}

fn scope_region(parts: &RequestParts<'_>) -> Option<String> {
    warden_sigv4::parse(parts)
        .ok()
        .flatten()
        .map(|signed| signed.scope.region)
}

/// The bucket and operation of a path-style request.
fn route(method: &Method, path: &str, query: &str) -> Result<(String, Operation), S3Error> {
    let head = *method == Method::HEAD;
    if *method != Method::GET && !head {
        return Err(S3Error::new(
            "MethodNotAllowed",
            StatusCode::METHOD_NOT_ALLOWED,
            "The specified method is not allowed against this resource.",
        ));
    }
    let rest = path.strip_prefix('/').unwrap_or(path);
    let (bucket, raw_key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(S3Error::new(
            "NotImplemented",
            StatusCode::NOT_IMPLEMENTED,
            "ListBuckets is not implemented: this endpoint serves trail buckets read-only.",
        ));
    }
    let bucket = decode(bucket).ok_or_else(S3Error::no_such_bucket)?;
    if !raw_key.is_empty() {
        let key = decode(raw_key).ok_or_else(S3Error::no_such_key)?;
        return Ok((bucket, Operation::GetObject { key, head }));
    }
    let params = parse_query(query);
    let operation = if head {
        Operation::HeadBucket
    } else if params.iter().any(|(name, _)| name == "location") {
        Operation::GetBucketLocation
    } else if let Some((name, _)) = params
        .iter()
        .find(|(name, _)| is_unsupported_subresource(name))
    {
        return Err(S3Error::new(
            "NotImplemented",
            StatusCode::NOT_IMPLEMENTED,
            format!("The bucket subresource {name} is not implemented."),
        ));
    } else {
        let v2 = params
            .iter()
            .any(|(name, value)| name == "list-type" && value == "2");
        Operation::ListObjects { v2 }
    };
    Ok((bucket, operation))
}

/// Bucket subresources other than listing and location (policy, acl, versions, …).
fn is_unsupported_subresource(name: &str) -> bool {
    const LISTING: [&str; 8] = [
        "list-type",
        "prefix",
        "delimiter",
        "marker",
        "max-keys",
        "start-after",
        "continuation-token",
        "encoding-type",
    ];
    !LISTING.contains(&name) && !name.starts_with("X-Amz-") && name != "fetch-owner"
}

fn decode(raw: &str) -> Option<String> {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The blocking part of a request: ownership, authorization, the file system.
struct Handler<'a> {
    state: &'a AppState,
    caller: &'a Caller,
    facts: &'a RequestFacts,
    root: &'a Path,
    bucket: &'a str,
}

impl Handler<'_> {
    fn run(
        &self,
        operation: &Operation,
        query: &[(String, String)],
        region: &str,
    ) -> Result<Response, S3Error> {
        // S3 ARNs name no Region or account: `arn:PARTITION:s3:::bucket[/key]`.
        let bucket_arn = format!("arn:{}:s3:::{}", self.state.warden.partition(), self.bucket);
        match operation {
            Operation::GetBucketLocation => {
                self.authorize("s3:GetBucketLocation", bucket_arn, Vec::new())?;
                self.require_bucket()?;
                let mut body = XmlWriter::document();
                if region == "us-east-1" {
                    body.empty_with_namespace("LocationConstraint", NAMESPACE);
                } else {
                    body.start_with_namespace("LocationConstraint", NAMESPACE);
                    body.text(region);
                    body.end("LocationConstraint");
                }
                Ok(xml(body.finish()))
            }
            Operation::HeadBucket => {
                self.authorize("s3:ListBucket", bucket_arn, Vec::new())?;
                self.require_bucket()?;
                Ok(StatusCode::OK.into_response())
            }
            Operation::ListObjects { v2 } => {
                let keys = ["prefix", "delimiter", "max-keys"]
                    .iter()
                    .filter_map(|name| {
                        param(query, name).map(|value| {
                            (
                                format!("s3:{name}"),
                                warden_policy::ContextValue::Single(value.to_owned()),
                            )
                        })
                    })
                    .collect();
                self.authorize("s3:ListBucket", bucket_arn, keys)?;
                self.list(*v2, query)
            }
            Operation::GetObject { key, head } => {
                self.authorize("s3:GetObject", format!("{bucket_arn}/{key}"), Vec::new())?;
                let object = bucket::get_object(self.root, self.bucket, key)
                    .map_err(|error| S3Error::from_bucket(&error))?;
                Ok(object_response(object, *head))
            }
        }
    }

    /// The bucket must be written by a trail of the caller's account; then the caller's
    /// policies must allow the action.
    fn authorize(
        &self,
        action: &str,
        resource: String,
        keys: Vec<(String, warden_policy::ContextValue)>,
    ) -> Result<(), S3Error> {
        let owners = self
            .state
            .warden
            .store()
            .read(|tx| tx.trails().list(None))
            .map_err(|error| {
                tracing::error!(%error, "cannot list trails");
                S3Error::internal()
            })?;
        let owned = owners.iter().any(|trail| {
            trail.s3_bucket_name == self.bucket && trail.account_id == self.caller.account_id
        });
        if !owned {
            return Err(S3Error::access_denied());
        }
        let permission = Permission {
            action: action.to_owned(),
            resource,
            resource_account: self.caller.account_id.clone(),
            keys,
        };
        authorize(
            &self.state.warden.snapshot(),
            self.caller,
            self.facts,
            permission,
        )
        .map_err(|_| S3Error::access_denied())
    }

    fn require_bucket(&self) -> Result<(), S3Error> {
        match bucket::bucket_exists(self.root, self.bucket) {
            Ok(true) => Ok(()),
            Ok(false) => Err(S3Error::no_such_bucket()),
            Err(error) => Err(S3Error::from_bucket(&error)),
        }
    }

    fn list(&self, v2: bool, query: &[(String, String)]) -> Result<Response, S3Error> {
        let max_keys = match param(query, "max-keys") {
            None => MAX_KEYS,
            Some(text) => text.parse::<usize>().map_err(|_| {
                S3Error::new(
                    "InvalidArgument",
                    StatusCode::BAD_REQUEST,
                    "Provided max-keys not an integer or within integer range",
                )
            })?,
        };
        let token = param(query, "continuation-token");
        let after = if v2 {
            match token {
                Some(token) => Some(decode_token(token)?),
                None => param(query, "start-after").map(str::to_owned),
            }
        } else {
            param(query, "marker").map(str::to_owned)
        };
        let request = ListRequest {
            prefix: param(query, "prefix").unwrap_or("").to_owned(),
            delimiter: param(query, "delimiter")
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            after: after.filter(|after| !after.is_empty()),
            max_keys,
        };
        let result = bucket::list_objects(self.root, self.bucket, &request)
            .map_err(|error| S3Error::from_bucket(&error))?;
        let url = param(query, "encoding-type") == Some("url");
        Ok(xml(list_xml(
            self.bucket,
            &request,
            &result,
            v2,
            query,
            url,
        )))
    }
}

/// ListBucketResult, V1 or V2.
fn list_xml(
    bucket: &str,
    request: &ListRequest,
    result: &ListResult,
    v2: bool,
    query: &[(String, String)],
    url: bool,
) -> String {
    // `encoding-type=url`: keys, prefixes, delimiters and markers come percent-encoded.
    let text = |value: &str| {
        if url {
            url_encode(value)
        } else {
            value.to_owned()
        }
    };
    let mut out = XmlWriter::document();
    out.start_with_namespace("ListBucketResult", NAMESPACE);
    out.text_element("Name", bucket);
    out.text_element("Prefix", &text(&request.prefix));
    if v2 {
        let count = result.objects.len() + result.common_prefixes.len();
        out.text_element("KeyCount", &count.to_string());
        if let Some(token) = param(query, "continuation-token") {
            out.text_element("ContinuationToken", token);
        }
        if let Some(start_after) = param(query, "start-after") {
            out.text_element("StartAfter", &text(start_after));
        }
    } else {
        out.text_element("Marker", &text(param(query, "marker").unwrap_or("")));
    }
    out.text_element("MaxKeys", &request.max_keys.to_string());
    if let Some(delimiter) = &request.delimiter {
        out.text_element("Delimiter", &text(delimiter));
    }
    if url {
        out.text_element("EncodingType", "url");
    }
    out.text_element(
        "IsTruncated",
        if result.is_truncated { "true" } else { "false" },
    );
    if let Some(next) = result.next_after.as_deref().filter(|_| result.is_truncated) {
        if v2 {
            out.text_element("NextContinuationToken", &hex::encode(next));
        } else if request.delimiter.is_some() {
            out.text_element("NextMarker", &text(next));
        }
    }
    for object in &result.objects {
        out.element("Contents", |out| {
            out.text_element("Key", &text(&object.key));
            out.text_element("LastModified", &iso_time(object.last_modified));
            out.text_element("ETag", &object.etag);
            out.text_element("Size", &object.size.to_string());
            out.text_element("StorageClass", "STANDARD");
        });
    }
    for prefix in &result.common_prefixes {
        out.element("CommonPrefixes", |out| {
            out.text_element("Prefix", &text(prefix))
        });
    }
    out.end("ListBucketResult");
    out.finish()
}

fn decode_token(token: &str) -> Result<String, S3Error> {
    hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            S3Error::new(
                "InvalidArgument",
                StatusCode::BAD_REQUEST,
                "The continuation token provided is incorrect",
            )
        })
}

fn object_response(object: bucket::Object, head: bool) -> Response {
    let length = object.bytes.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(object.bytes)
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    let mut set = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    };
    set("content-type", "application/octet-stream");
    set("content-length", &length.to_string());
    set("etag", &object.etag);
    set("last-modified", &http_date(object.last_modified));
    set("accept-ranges", "none");
    for (name, value) in &object.metadata {
        set(&format!("x-amz-meta-{name}"), value);
    }
    response
}

fn error_response(error: &S3Error, request_id: &str, head: bool) -> Response {
    if head {
        return error.status.into_response();
    }
    let mut body = XmlWriter::document();
    body.element("Error", |body| {
        body.text_element("Code", error.code);
        body.text_element("Message", &error.message);
        body.text_element("RequestId", request_id);
    });
    let body = body.finish();
    (
        error.status,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

fn xml(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

/// `encoding-type=url`: everything but unreserved characters and `/` percent-encoded.
fn url_encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}

fn iso_time(time: Timestamp) -> String {
    jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S.000Z", time).unwrap_or_default()
}

fn http_date(time: Timestamp) -> String {
    jiff::fmt::strtime::format("%a, %d %b %Y %H:%M:%S GMT", time).unwrap_or_default()
}

#[cfg(test)]
mod tests;
