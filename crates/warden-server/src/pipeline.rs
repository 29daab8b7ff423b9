//! The AWS request pipeline: route → decode → authenticate → authorize → handle → encode.
//!
//! Everything here is transport glue; the decisions live in `warden-sigv4` (signatures),
//! `warden-protocol` (wire formats) and `warden-core` (authorization and the services).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use warden_core::audit::{lower_camel_keys, parameters_from_query};
use warden_core::{Caller, Ran, RequestFacts, Warden};
use warden_protocol::{AwsError, QueryParams, ResponseFormat, ServiceMeta};
use warden_sigv4::{RequestParts, SignedRequest, SigningKeyCache, VerifyOptions};

use crate::authenticate::{AuthFailure, Learned, Rules, authenticate};
use crate::guard::Guard;
use crate::read_thread::ReadThread;
use crate::recording::{Outcome, Trace};
use crate::service::{Placement, Service, Wire};
use crate::transport::{BodyError, header as header_value, header_pairs, read_body};

/// What every request handler shares.
pub(crate) struct AppState {
    /// The services.
    pub(crate) warden: Arc<Warden>,
    /// Derived SigV4 signing keys, so most requests cost one HMAC chain less.
    pub(crate) signing_keys: SigningKeyCache,
    /// The region reported for requests whose credential scope names none (unsigned calls).
    pub(crate) region: String,
    /// Where read-only IAM calls run (writes and CloudTrail calls run on the blocking pool).
    pub(crate) reads: ReadThread,
    /// Abuse limits: throttling, timeouts, the aggregation of unauthenticated failures.
    pub(crate) guard: Arc<Guard>,
}

/// One AWS API request, any service, any protocol.
pub(crate) async fn aws_request(
    State(state): State<Arc<AppState>>,
    request: Request<Body>,
) -> Response {
    if crate::s3::is_s3_request(&request) {
        return crate::s3::s3_request(&state, request).await;
    }
    let request_id = state.warden.request_id().to_string();
    crate::observe::note_request_id(&request_id); // observability hook
    let (parts, body) = request.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let framing = match header_value(&parts.headers, "x-amz-target") {
        Some(target) => Framing::Json {
            target: target.to_owned(),
        },
        None => Framing::Query {
            format: ResponseFormat::from_accept(header_value(&parts.headers, "accept")),
        },
    };
    let body = read_body(&parts.headers, body);
    let body = match tokio::time::timeout(state.guard.limits.body_timeout, body)
        .await
        .unwrap_or(Err(BodyError::TimedOut))
    {
        Ok(body) => body,
        Err(error) => return framing.body_error(&error, &request_id),
    };
    let headers = header_pairs(&parts.headers);
    let raw_query = parts.uri.query().unwrap_or("");
    let sig_parts = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: raw_query,
        headers: &headers,
        body: &body,
    };
    let call = Call {
        state: &state,
        sig_parts,
        request_id: &request_id,
        facts_base: FactsBase {
            source_ip: peer,
            user_agent: header_value(&parts.headers, "user-agent")
                .unwrap_or("")
                .to_owned(),
            secure_transport: crate::tls::secure_transport(&parts.extensions), // TLS hook
        },
    };
    let params_bytes = if parts.method == Method::GET || body.is_empty() {
        raw_query.as_bytes()
    } else {
        &body
    };
    call.serve(&framing, params_bytes).await
}

/// How a request is framed, which decides how it is opened and how it is answered.
enum Framing {
    /// AWS Query: parameters in the form body or query string; XML (or JSON) answers.
    Query {
        /// The answer's format (`Accept`).
        format: ResponseFormat,
    },
    /// JSON 1.1: `X-Amz-Target: Prefix.Operation`, JSON both ways.
    Json {
        /// The `X-Amz-Target` header.
        target: String,
    },
}

/// A request opened by its framing: the service (when known), the operation it names and
/// its members.
struct Opened<'a> {
    service: Option<&'static Service>,
    action: Option<&'a str>,
    wire: Wire<'a>,
}

impl Framing {
    /// The answer to a finished call, in this framing.
    fn respond(
        &self,
        service: Option<&'static Service>,
        outcome: Outcome,
        request_id: &str,
    ) -> Response {
        match self {
            Self::Query { format } => {
                let meta = service.unwrap_or_else(crate::service::iam).meta;
                match outcome {
                    Ok((operation, output)) => {
                        let body = warden_protocol::render::render_query_success(
                            meta,
                            operation,
                            output
                                .as_deref()
                                .map(|o| o as &dyn warden_protocol::encode::Encode),
                            request_id,
                            *format,
                        );
                        respond(StatusCode::OK, format.content_type(), request_id, body)
                    }
                    Err(error) => query_error(meta, &error, request_id, *format),
                }
            }
            Self::Json { target } => {
                let (status, body) = match outcome {
                    Ok((_, output)) => (
                        StatusCode::OK,
                        warden_protocol::render::render_json_success(
                            output
                                .as_deref()
                                .map(|o| o as &dyn warden_protocol::encode::Encode),
                        ),
                    ),
                    Err(error) => {
                        tracing::debug!(%target, code = %error.code, "json request refused");
                        (
                            StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST),
                            warden_protocol::render::render_json_error(&error),
                        )
                    }
                };
                respond(
                    status,
                    warden_protocol::render::JSON_1_1_CONTENT_TYPE,
                    request_id,
                    body,
                )
            }
        }
    }

    /// The answer to a request whose body could not be read (not recorded: nothing about
    /// the call is known).
    fn body_error(&self, error: &BodyError, request_id: &str) -> Response {
        let aws_error = match error {
            BodyError::TimedOut => AwsError::request_timeout(),
            BodyError::TooLarge => too_large(),
            BodyError::Broken => {
                AwsError::malformed_query_string("The request body could not be read.")
            }
        };
        let aws_error = match self {
            Self::Query { .. } => aws_error,
            Self::Json { .. } => aws_error.for_json_protocol(),
        };
        let mut response = self.respond(None, Err(aws_error), request_id);
        if matches!(error, BodyError::TimedOut) {
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
        }
        response
    }

    /// The error for an operation the service does not have (or a request naming none).
    fn unknown_operation(&self, action: Option<&str>, wire: Wire<'_>) -> AwsError {
        match (self, action) {
            (Self::Json { .. }, _) => AwsError::unknown_operation(),
            (Self::Query { .. }, None) => AwsError::missing_action(),
            (Self::Query { .. }, Some(action)) => {
                let version = match wire {
                    Wire::Query(params) => params.get("Version"),
                    Wire::Json(_) => None,
                };
                AwsError::invalid_action(action, version.unwrap_or(""))
            }
        }
    }
}

struct FactsBase {
    source_ip: Option<std::net::IpAddr>,
    user_agent: String,
    /// Whether the request came over TLS (`aws:SecureTransport`).
    secure_transport: bool,
}

/// One request on its way through the pipeline.
struct Call<'a> {
    state: &'a AppState,
    sig_parts: RequestParts<'a>,
    request_id: &'a str,
    facts_base: FactsBase,
}

impl Call<'_> {
    /// A trace for this request, before anything about the call is known.
    fn trace(&self) -> Trace {
        Trace {
            event_source: crate::service::iam().event_source,
            event_name: String::new(),
            operation: None,
            resources: Vec::new(),
            caller: None,
            federated: None,
            access_key_id: None,
            key_account: None,
            request_parameters: None,
            facts: RequestFacts {
                source_ip: self.facts_base.source_ip,
                user_agent: self.facts_base.user_agent.clone(),
                secure_transport: self.facts_base.secure_transport,
                region: self.state.region.clone(),
                now: self.state.warden.now(),
            },
        }
    }

    /// The one path of every Query and JSON call: open, authenticate, run, record, answer.
    async fn serve(&self, framing: &Framing, params_bytes: &[u8]) -> Response {
        let mut trace = self.trace();
        let (service, outcome) = self.outcome(framing, params_bytes, &mut trace).await;
        let outcome = match framing {
            Framing::Query { .. } => outcome,
            Framing::Json { .. } => outcome.map_err(AwsError::for_json_protocol),
        };
        let outcome = trace
            .record(
                &self.state.warden,
                &self.state.guard.unauthenticated,
                self.request_id,
                outcome,
            )
            .await;
        framing.respond(service, outcome, self.request_id)
    }

    /// Opens the request by its framing and runs it.
    async fn outcome(
        &self,
        framing: &Framing,
        params_bytes: &[u8],
        trace: &mut Trace,
    ) -> (Option<&'static Service>, Outcome) {
        let signed = warden_sigv4::parse(&self.sig_parts);
        let params;
        let opened = match framing {
            Framing::Query { .. } => {
                params = match QueryParams::parse(params_bytes) {
                    Ok(params) => params,
                    Err(error) => return (None, Err(error)),
                };
                self.open_query(&params, signed.as_ref().ok().and_then(Option::as_ref))
            }
            Framing::Json { target } => self.open_json(target),
        };
        (
            opened.service,
            self.run(framing, opened, signed, trace).await,
        )
    }

    fn open_query<'p>(
        &self,
        params: &'p QueryParams,
        signed: Option<&SignedRequest>,
    ) -> Opened<'p> {
        let action = params.get("Action");
        let scope_service = signed.map(|s| s.scope.service.as_str());
        let service = crate::service::query_service(scope_service, params.get("Version"), action);
        Opened {
            service: Some(service),
            action,
            wire: Wire::Query(params),
        }
    }

    fn open_json<'t>(&'t self, target: &'t str) -> Opened<'t> {
        let (prefix, operation) = target.rsplit_once('.').unwrap_or(("", target));
        Opened {
            service: crate::service::json_service(prefix),
            action: Some(operation),
            wire: Wire::Json(self.sig_parts.body),
        }
    }

    /// Authenticates and runs an opened call, noting what it learns in `trace`.
    async fn run(
        &self,
        framing: &Framing,
        opened: Opened<'_>,
        signed: Result<Option<SignedRequest>, warden_sigv4::SigV4Error>,
        trace: &mut Trace,
    ) -> Outcome {
        let Opened {
            service,
            action,
            wire,
        } = opened;
        trace.event_name = action.unwrap_or("").to_owned();
        trace.event_source = service.map_or("unknown", |service| service.event_source);
        crate::observe::note_call(trace.event_source, &trace.event_name); // observability hook
        if service.is_some() && self.state.warden.is_recording() {
            trace.request_parameters = request_parameters(wire);
        }
        let info = service
            .zip(action)
            .and_then(|(service, action)| service.meta.operation(action));
        trace.operation = info;
        let caller = if info.is_some_and(|info| info.unauthenticated) {
            note_region(signed.map_err(|error| sigv4_error(&error))?.as_ref(), trace);
            None
        } else {
            Some(self.authenticated(signed, trace)?)
        };
        let (Some(service), Some(action), Some(info)) = (service, action, info) else {
            return Err(framing.unknown_operation(action, wire));
        };
        if let Wire::Query(params) = wire {
            warden_protocol::query::check_version(service.meta, action, params)?;
        }
        let prepared = (service.prepare)(action, wire)?;
        let facts = trace.facts.clone();
        let warden = Arc::clone(&self.state.warden);
        let run = move || prepared(&warden, caller.as_deref(), &facts);
        let ran = match service.placement {
            Placement::Inline => Some(run()),
            Placement::ReadThreadForReads if info.read_only => self.state.reads.run(run).await,
            Placement::ReadThreadForReads | Placement::Blocking => {
                tokio::task::spawn_blocking(run).await.ok()
            }
        };
        let Ran {
            result,
            resources,
            federated,
        } = ran.ok_or_else(AwsError::internal)?;
        trace.resources = resources;
        trace.federated = federated;
        Ok((info.name, result.map_err(AwsError::from)?))
    }

    /// The one authentication path ([`authenticate`]) with AWS's Query/JSON answers;
    /// what it learned (the claimed key, its account, the region, the caller) goes into
    /// `trace`.
    fn authenticated(
        &self,
        signed: Result<Option<SignedRequest>, warden_sigv4::SigV4Error>,
        trace: &mut Trace,
    ) -> Result<Arc<Caller>, AwsError> {
        let rules = Rules {
            service: None,
            verify: VerifyOptions::default(),
        };
        let mut learned = Learned::default();
        let result = authenticate(
            self.state,
            &self.sig_parts,
            signed,
            self.facts_base.source_ip,
            rules,
            &mut learned,
        );
        if let Some(region) = learned.region {
            trace.facts.region = region;
        }
        if learned.claimed_key.is_some() {
            trace.access_key_id = learned.claimed_key;
        }
        if learned.key_account.is_some() {
            trace.key_account = learned.key_account;
        }
        if let Some(caller) = &learned.caller {
            trace.caller = Some(Arc::clone(caller));
            crate::observe::note_principal(&caller.arn); // observability hook
        }
        let caller = result.map_err(|failure| match failure {
            AuthFailure::Throttled => AwsError::throttling(),
            AuthFailure::Unsigned => missing_token(),
            AuthFailure::Signature(error) => sigv4_error(&error),
            AuthFailure::WrongService(service) => AwsError::new(
                "SignatureDoesNotMatch",
                403,
                format!("Credential should be scoped to correct service: '{service}'."),
            ),
            AuthFailure::UnknownKey | AuthFailure::BadToken => invalid_client_token(),
            AuthFailure::ExpiredToken => AwsError::new(
                "ExpiredToken",
                403,
                "The security token included in the request is expired",
            ),
        })?;
        Ok(caller)
    }
}

/// The request's members in CloudTrail's shape (lowerCamel keys), `None` when it has none.
fn request_parameters(wire: Wire<'_>) -> Option<serde_json::Value> {
    match wire {
        Wire::Query(params) => parameters_from_query(params.iter()),
        Wire::Json(body) => serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .filter(|body| body.as_object().is_some_and(|members| !members.is_empty()))
            .map(lower_camel_keys),
    }
}

/// A signed request's credential scope names the region the call is recorded in.
fn note_region(signed: Option<&SignedRequest>, trace: &mut Trace) {
    if let Some(signed) = signed {
        trace.facts.region.clone_from(&signed.scope.region);
    }
}

fn sigv4_error(error: &warden_sigv4::SigV4Error) -> AwsError {
    AwsError::new(error.aws_code(), error.http_status(), error.message())
}

fn missing_token() -> AwsError {
    sigv4_error(&warden_sigv4::SigV4Error::MissingAuthenticationToken)
}

fn invalid_client_token() -> AwsError {
    AwsError::new(
        "InvalidClientTokenId",
        403,
        "The security token included in the request is invalid.",
    )
}

fn too_large() -> AwsError {
    AwsError::new(
        "RequestEntityTooLarge",
        413,
        format!(
            "Request body is larger than {} bytes.",
            crate::transport::MAX_BODY_BYTES
        ),
    )
}

fn query_error(
    meta: &ServiceMeta,
    error: &AwsError,
    request_id: &str,
    format: ResponseFormat,
) -> Response {
    let body = warden_protocol::render::render_query_error(meta, error, request_id, format);
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    respond(status, format.content_type(), request_id, body)
}

/// The header carrying the request id, as AWS names it (HTTP names are case-insensitive).
const REQUEST_ID_HEADER: header::HeaderName = header::HeaderName::from_static("x-amzn-requestid");

fn respond(
    status: StatusCode,
    content_type: &'static str,
    request_id: &str,
    body: String,
) -> Response {
    let mut response = (status, [(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(value) = header::HeaderValue::from_str(request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
