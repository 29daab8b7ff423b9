//! The accept loop, for plain HTTP and TLS alike: admission against the connection caps,
//! read deadlines, HTTP/1.1 per connection, graceful shutdown.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

use super::Guard;
use super::deadline::{Deadlines, Phase};
use crate::tls::Transport;

/// Serves `router` on `listener` (over TLS when `tls` is given) until `shutdown` completes,
/// then stops accepting and waits for open connections to finish their requests.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    guard: Arc<Guard>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Over a cap: close at once, before spending anything on the connection.
        let Some(admission) = guard.connections.admit(peer.ip()) else {
            drop(stream);
            continue;
        };
        // Answers are small and written in pieces: without TCP_NODELAY, Nagle's algorithm
        // can hold a response's last segment back until the client acknowledges the previous
        // one.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let (tls, router, guard, watcher) = (
            tls.clone(),
            router.clone(),
            Arc::clone(&guard),
            graceful.watcher(),
        );
        tokio::spawn(async move {
            let admission = Arc::new(admission);
            let evicted = Arc::clone(&admission.evicted);
            let serving = async {
                let limits = &guard.limits;
                match tls {
                    None => {
                        let connection =
                            connection(stream, peer, false, router, limits, &admission);
                        finish(watcher.watch(connection).await, peer);
                    }
                    Some(acceptor) => {
                        let timeout = limits.header_timeout;
                        let Some(stream) = handshake(&acceptor, stream, peer, timeout).await else {
                            return;
                        };
                        let connection = connection(stream, peer, true, router, limits, &admission);
                        finish(watcher.watch(connection).await, peer);
                    }
                }
            };
            // An evicted connection (all slots taken, and it had sent no request) is
            // dropped, which closes it.
            tokio::select! {
                () = serving => {},
                () = evicted.notified() => tracing::debug!(%peer, "connection evicted"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One HTTP/1.1 connection over `stream`, its reads under the limits' deadlines.
fn connection<S>(
    stream: S,
    peer: SocketAddr,
    tls: bool,
    router: Router,
    limits: &super::Limits,
    admission: &Arc<super::connections::Admission>,
) -> impl hyper_util::server::graceful::GracefulConnection<Error = hyper::Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (stream, phase) = Deadlines::new(stream, limits.header_timeout, limits.idle_timeout);
    let admission = Arc::clone(admission);
    phase.on_first_request(move || admission.first_request());
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request
            .extensions_mut()
            .insert(ConnectInfo::<SocketAddr>(peer));
        request.extensions_mut().insert(Transport { tls });
        serve_request(router.clone(), request, phase.clone())
    });
    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service)
}

async fn serve_request(
    router: Router,
    request: Request<Incoming>,
    phase: Phase,
) -> Result<axum::response::Response, std::convert::Infallible> {
    phase.busy();
    let response = router.oneshot(request).await;
    phase.idle();
    response
}

async fn handshake(
    acceptor: &TlsAcceptor,
    stream: TcpStream,
    peer: SocketAddr,
    timeout: Duration,
) -> Option<tokio_rustls::server::TlsStream<TcpStream>> {
    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => Some(stream),
        Ok(Err(error)) => {
            tracing::debug!(%peer, %error, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!(%peer, "TLS handshake timed out");
            None
        }
    }
}

fn finish(result: Result<(), hyper::Error>, peer: SocketAddr) {
    if let Err(error) = result {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}

#[cfg(test)]
mod tests;
