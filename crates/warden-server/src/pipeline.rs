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
use crate::routing::{QueryService, choose_query_service};
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
    let format = ResponseFormat::from_accept(header_value(&parts.headers, "accept"));
    let json_target = header_value(&parts.headers, "x-amz-target").map(str::to_owned);
    let body = read_body(&parts.headers, body);
    let body = match tokio::time::timeout(state.guard.limits.body_timeout, body)
        .await
        .unwrap_or(Err(BodyError::TimedOut))
    {
        Ok(body) => body,
        Err(BodyError::TimedOut) => {
            let error = AwsError::request_timeout();
            let mut response =
                query_error(&warden_protocol::iam::META, &error, &request_id, format);
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            return response;
        }
        Err(BodyError::TooLarge) => {
            return query_error(
                &warden_protocol::iam::META,
                &too_large(),
                &request_id,
                format,
            );
        }
        Err(BodyError::Broken) => {
            let error = AwsError::malformed_query_string("The request body could not be read.");
            return query_error(&warden_protocol::iam::META, &error, &request_id, format);
        }
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
    if let Some(target) = json_target {
        return call.json_protocol(&target).await;
    }
    let params_bytes = if parts.method == Method::GET || body.is_empty() {
        raw_query.as_bytes()
    } else {
        &body
    };
    call.query_protocol(params_bytes, format).await
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
    fn trace(&self, event_source: &'static str) -> Trace {
        Trace {
            event_source,
            event_name: String::new(),
            operation: None,
            resources: Vec::new(),
            caller: None,
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

    async fn query_protocol(&self, params_bytes: &[u8], format: ResponseFormat) -> Response {
        let mut trace = self.trace(QueryService::Iam.event_source());
        let (meta, outcome) = self.query_outcome(params_bytes, &mut trace).await;
        let outcome = trace
            .record(
                &self.state.warden,
                &self.state.guard.unauthenticated,
                self.request_id,
                outcome,
            )
            .await;
        match outcome {
            Ok((operation, output)) => {
                let body = warden_protocol::render::render_query_success(
                    meta,
                    operation,
                    output
                        .as_deref()
                        .map(|o| o as &dyn warden_protocol::encode::Encode),
                    self.request_id,
                    format,
                );
                respond(StatusCode::OK, format.content_type(), self.request_id, body)
            }
            Err(error) => query_error(meta, &error, self.request_id, format),
        }
    }

    /// Decodes, routes and runs a Query-protocol call, noting what it learns in `trace`.
    async fn query_outcome(
        &self,
        params_bytes: &[u8],
        trace: &mut Trace,
    ) -> (&'static ServiceMeta, Outcome) {
        let signed = warden_sigv4::parse(&self.sig_parts);
        let params = match QueryParams::parse(params_bytes) {
            Ok(params) => params,
            Err(error) => return (&warden_protocol::iam::META, Err(error)),
        };
        trace.event_name = params.get("Action").unwrap_or("").to_owned();
        if self.state.warden.is_recording() {
            trace.request_parameters = parameters_from_query(params.iter());
        }
        let scope_service = signed
            .as_ref()
            .ok()
            .and_then(Option::as_ref)
            .map(|s| s.scope.service.as_str());
        let service =
            choose_query_service(scope_service, params.get("Version"), params.get("Action"));
        trace.event_source = service.event_source();
        crate::observe::note_call(trace.event_source, &trace.event_name); // observability hook
        (
            service.meta(),
            self.query_call(service, signed, &params, trace).await,
        )
    }

    async fn query_call(
        &self,
        service: QueryService,
        signed: Result<Option<SignedRequest>, warden_sigv4::SigV4Error>,
        params: &QueryParams,
        trace: &mut Trace,
    ) -> Outcome {
        let meta = service.meta();
        let action = params.get("Action");
        let info = action.and_then(|name| meta.operation(name));
        trace.operation = info;
        let unauthenticated = info.is_some_and(|info| info.unauthenticated);
        let caller = if unauthenticated {
            note_region(signed.map_err(|error| sigv4_error(&error))?.as_ref(), trace);
            None
        } else {
            Some(self.authenticated(signed, trace)?)
        };
        let action = action.ok_or_else(AwsError::missing_action)?;
        let info = info
            .ok_or_else(|| AwsError::invalid_action(action, params.get("Version").unwrap_or("")))?;
        warden_protocol::query::check_version(meta, action, params)?;
        let facts = trace.facts.clone();
        let warden = Arc::clone(&self.state.warden);
        let ran = match service {
            QueryService::Iam => {
                let operation = warden_protocol::iam::Operation::from_query(action, params)?;
                let caller = caller.ok_or_else(missing_token)?;
                self.run_store_call(info.read_only, move || {
                    warden_core::iam::call(&warden, &caller, &facts, operation)
                })
                .await
            }
            // STS reads only the in-memory snapshot: no blocking work, no thread hop.
            QueryService::Sts => {
                let operation = warden_protocol::sts::Operation::from_query(action, params)?;
                Some(warden_core::sts::call(
                    &warden,
                    caller.as_deref(),
                    &facts,
                    operation,
                ))
            }
        };
        let Ran { result, resources } = ran.ok_or_else(AwsError::internal)?;
        trace.resources = resources;
        Ok((info.name, result.map_err(AwsError::from)?))
    }

    /// Run an IAM call off the async workers: on the read thread when the operation only
    /// reads (the generated table's `read_only`), else on the blocking pool. `None` when the
    /// call panicked.
    async fn run_store_call<T: Send + 'static>(
        &self,
        read_only: bool,
        call: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        if read_only {
            self.state.reads.run(call).await
        } else {
            tokio::task::spawn_blocking(call).await.ok()
        }
    }

    /// JSON 1.1 (`X-Amz-Target`): CloudTrail today; KMS and Organizations plug in here.
    /// Requests are authenticated before the target is looked at, as AWS does.
    async fn json_protocol(&self, target: &str) -> Response {
        let (prefix, operation) = target.rsplit_once('.').unwrap_or(("", target));
        let cloudtrail = prefix == warden_protocol::cloudtrail::META.target_prefix;
        let mut trace = self.trace(if cloudtrail {
            "cloudtrail.amazonaws.com"
        } else {
            "unknown"
        });
        trace.event_name = operation.to_owned();
        crate::observe::note_call(trace.event_source, operation); // observability hook
        let outcome = self
            .json_call(cloudtrail, operation, &mut trace)
            .await
            .map_err(AwsError::for_json_protocol);
        let outcome = trace
            .record(
                &self.state.warden,
                &self.state.guard.unauthenticated,
                self.request_id,
                outcome,
            )
            .await;
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
            self.request_id,
            body,
        )
    }

    async fn json_call(&self, cloudtrail: bool, operation: &str, trace: &mut Trace) -> Outcome {
        let caller = self.authenticated(warden_sigv4::parse(&self.sig_parts), trace)?;
        if !cloudtrail {
            return Err(AwsError::unknown_operation());
        }
        if self.state.warden.is_recording() {
            trace.request_parameters =
                serde_json::from_slice::<serde_json::Value>(self.sig_parts.body)
                    .ok()
                    .filter(|body| body.as_object().is_some_and(|members| !members.is_empty()))
                    .map(lower_camel_keys);
        }
        let info = warden_protocol::cloudtrail::META
            .operation(operation)
            .ok_or_else(AwsError::unknown_operation)?;
        trace.operation = Some(info);
        let operation =
            warden_protocol::cloudtrail::Operation::from_json(operation, self.sig_parts.body)?;
        let (warden, facts) = (Arc::clone(&self.state.warden), trace.facts.clone());
        // Not on the read thread: a lookup may wait for the audit index to catch up, and
        // nothing should queue behind that.
        let Ran { result, resources } = tokio::task::spawn_blocking(move || {
            warden_core::cloudtrail::call(&warden, &caller, &facts, operation)
        })
        .await
        .map_err(|_| AwsError::internal())?;
        trace.resources = resources;
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
            AuthFailure::UnknownKey => invalid_client_token(),
        })?;
        Ok(caller)
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
