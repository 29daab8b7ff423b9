//! The request under load: signed once with the `aws-sigv4` crate (as the AWS SDKs sign) and
//! laid out as the HTTP/1.1 bytes sent again and again.

use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context as _;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

/// A request ready to send again and again.
#[derive(Clone)]
pub(crate) struct Prepared {
    /// `host:port` to connect to.
    pub(crate) address: String,
    /// The whole signed HTTP/1.1 request.
    pub(crate) bytes: Arc<[u8]>,
}

/// What to sign.
pub(crate) struct RequestSpec<'a> {
    /// Base URL, e.g. `http://127.0.0.1:4750`.
    pub(crate) endpoint: &'a str,
    /// Signing service (credential scope).
    pub(crate) service: &'a str,
    /// The form body.
    pub(crate) body: &'a str,
    /// Access key id.
    pub(crate) access_key_id: &'a str,
    /// Secret access key.
    pub(crate) secret_access_key: &'a str,
    /// Session token, for temporary credentials (sent as `X-Amz-Security-Token`).
    pub(crate) session_token: Option<&'a str>,
}

/// Sign the request once and lay it out as the bytes to send.
pub(crate) fn prepare(args: &RequestSpec<'_>) -> anyhow::Result<Prepared> {
    let uri: http::Uri = args.endpoint.parse().context("bad --endpoint")?;
    let host = uri.host().context("--endpoint needs a host")?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let url = format!("{}/", args.endpoint.trim_end_matches('/'));
    let host_header = format!("{host}:{port}");
    let headers = [
        ("host", host_header.as_str()),
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ];
    let identity = Credentials::new(
        args.access_key_id,
        args.secret_access_key,
        args.session_token.map(str::to_owned),
        None,
        "loadgen",
    )
    .into();
    #[expect(
        clippy::disallowed_methods,
        reason = "a benchmark client signs with the wall clock"
    )]
    let now = SystemTime::now();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(args.service)
        .time(now)
        .settings(SigningSettings::default())
        .build()?
        .into();
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(args.body.as_bytes()),
    )?;
    let (instructions, _signature) = sign(signable, &params)?.into_parts();
    let mut request = http::Request::builder().method("POST").uri("/");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut request = request.body(())?;
    instructions.apply_to_request_http1x(&mut request);
    let mut bytes = b"POST / HTTP/1.1\r\n".to_vec();
    for (name, value) in request.headers() {
        bytes.extend_from_slice(name.as_str().as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("content-length: {}\r\n\r\n", args.body.len()).as_bytes());
    bytes.extend_from_slice(args.body.as_bytes());
    Ok(Prepared {
        address: host_header,
        bytes: bytes.into(),
    })
}
