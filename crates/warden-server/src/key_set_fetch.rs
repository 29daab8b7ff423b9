//! Fetching OpenID Connect issuers' key sets for AssumeRoleWithWebIdentity: GET
//! `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`. HTTPS with the
//! system's trusted CAs (rustls on aws-lc-rs, `rustls-native-certs`); plain HTTP only to a
//! loopback address (test issuers). Both requests together are bounded by [`DEADLINE`],
//! each answer by [`MAX_BODY`]; redirects are not followed. Runs on a blocking thread (the
//! pipeline never runs a federation call inline) and drives hyper's client on the
//! runtime's handle.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt as _, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use warden_core::sts::{FetchError, KeySetFetcher};

/// The longest both requests together may take.
const DEADLINE: Duration = Duration::from_secs(5);
/// The largest discovery document or key set read.
const MAX_BODY: usize = 256 * 1024;

/// The server's [`KeySetFetcher`].
#[derive(Default)]
pub(crate) struct HttpKeySetFetcher {
    /// TLS settings, made on first use (loading the system's CAs reads files).
    tls: OnceLock<Option<Arc<rustls::ClientConfig>>>,
}

impl KeySetFetcher for HttpKeySetFetcher {
    fn fetch_key_set(&self, issuer: &str) -> Result<Vec<u8>, FetchError> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| FetchError::Unreachable("no runtime".to_owned()))?;
        runtime.block_on(async {
            tokio::time::timeout(DEADLINE, self.fetch(issuer))
                .await
                .map_err(|_| FetchError::Unreachable("timed out".to_owned()))?
        })
    }
}

impl HttpKeySetFetcher {
    async fn fetch(&self, issuer: &str) -> Result<Vec<u8>, FetchError> {
        let discovery_url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let discovery: serde_json::Value = serde_json::from_slice(&self.get(&discovery_url).await?)
            .map_err(|error| FetchError::Unusable(format!("discovery document: {error}")))?;
        let jwks_uri = discovery
            .get("jwks_uri")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                FetchError::Unusable("the discovery document has no jwks_uri".to_owned())
            })?;
        self.get(jwks_uri).await
    }

    fn tls(&self) -> Option<Arc<rustls::ClientConfig>> {
        self.tls
            .get_or_init(|| {
                let mut roots = rustls::RootCertStore::empty();
                let found = rustls_native_certs::load_native_certs();
                for error in &found.errors {
                    tracing::warn!(%error, "a system CA certificate could not be loaded");
                }
                roots.add_parsable_certificates(found.certs);
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map(|builder| {
                        Arc::new(builder.with_root_certificates(roots).with_no_client_auth())
                    })
                    .inspect_err(|error| tracing::error!(%error, "TLS client settings"))
                    .ok()
            })
            .clone()
    }

    /// GETs `url`: its body, when the answer is a success.
    async fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let target = Target::parse(url)?;
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((target.host, target.port))
            .await
            .map_err(|error| FetchError::Unreachable(format!("{}: {error}", target.host)))?
            .collect();
        if !target.tls && !addresses.iter().all(|address| address.ip().is_loopback()) {
            return Err(FetchError::Unusable(format!(
                "{url}: plain HTTP is only used to a loopback address"
            )));
        }
        let stream = TcpStream::connect(addresses.as_slice())
            .await
            .map_err(|error| FetchError::Unreachable(format!("{url}: {error}")))?;
        if !target.tls {
            return exchange(stream, &target).await;
        }
        let tls = self
            .tls()
            .ok_or_else(|| FetchError::Unreachable("no TLS client settings".to_owned()))?;
        let name = ServerName::try_from(target.host.trim_start_matches('[').trim_end_matches(']'))
            .map_err(|_| FetchError::Unusable(format!("{url}: not a host name")))?
            .to_owned();
        let stream = tokio_rustls::TlsConnector::from(tls)
            .connect(name, stream)
            .await
            .map_err(|error| FetchError::Unreachable(format!("{url}: {error}")))?;
        exchange(stream, &target).await
    }
}

/// One GET over `stream`.
async fn exchange<S>(stream: S, target: &Target<'_>) -> Result<Vec<u8>, FetchError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let unreachable = |error: hyper::Error| FetchError::Unreachable(error.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(unreachable)?;
    // The connection is driven on its own task, never longer than the deadline.
    let driver = tokio::spawn(tokio::time::timeout(DEADLINE, connection));
    let request = hyper::Request::get(target.path)
        .header(hyper::header::HOST, target.authority)
        .header(hyper::header::ACCEPT, "application/json")
        .header(hyper::header::USER_AGENT, "warden")
        .body(Empty::<Bytes>::new())
        .map_err(|error| FetchError::Unusable(error.to_string()))?;
    let response = sender.send_request(request).await.map_err(unreachable)?;
    let status = response.status();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|error| FetchError::Unreachable(error.to_string()))?
        .to_bytes();
    driver.abort();
    if !status.is_success() {
        return Err(FetchError::Unreachable(format!(
            "{}{} answered {status}",
            target.authority, target.path
        )));
    }
    Ok(body.to_vec())
}

/// A URL Warden may fetch: `https://host[:port]/path` or `http://` to loopback.
struct Target<'a> {
    tls: bool,
    /// `host[:port]`, for the `Host` header.
    authority: &'a str,
    host: &'a str,
    port: u16,
    /// The path and query (`/` when empty).
    path: &'a str,
}

impl<'a> Target<'a> {
    fn parse(url: &'a str) -> Result<Self, FetchError> {
        let unusable = || FetchError::Unusable(format!("{url}: not an http(s) URL"));
        let (tls, rest) = match url.split_once("://") {
            Some(("https", rest)) => (true, rest),
            Some(("http", rest)) => (false, rest),
            _ => return Err(unusable()),
        };
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, "/"),
        };
        if authority.is_empty() || authority.contains('@') {
            return Err(unusable());
        }
        let default_port = if tls { 443 } else { 80 };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(':') && !port.contains(']') => {
                (host, port.parse().map_err(|_| unusable())?)
            }
            _ => (authority, default_port),
        };
        let path = path.split('#').next().unwrap_or("/");
        Ok(Self {
            tls,
            authority,
            host: host.trim_start_matches('[').trim_end_matches(']'),
            port,
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_urls_it_may_fetch() {
        let target = Target::parse("https://issuer.example/keys?x=1")
            .ok()
            .unwrap();
        assert!(target.tls);
        assert_eq!(
            (target.host, target.port, target.path),
            ("issuer.example", 443, "/keys?x=1")
        );
        let target = Target::parse("http://127.0.0.1:8080").ok().unwrap();
        assert!(!target.tls);
        assert_eq!(
            (target.host, target.port, target.path),
            ("127.0.0.1", 8080, "/")
        );
        let target = Target::parse("http://[::1]:9/a").ok().unwrap();
        assert_eq!((target.host, target.port), ("::1", 9));
        for bad in [
            "ftp://x/",
            "https://",
            "https://u@h/",
            "h/x",
            "https://h:port/",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn refuses_plain_http_beyond_loopback() {
        let fetcher = HttpKeySetFetcher::default();
        let refused = fetcher.get("http://192.0.2.1/keys").await;
        assert!(
            matches!(refused, Err(FetchError::Unusable(_))),
            "{refused:?}"
        );
    }
}
