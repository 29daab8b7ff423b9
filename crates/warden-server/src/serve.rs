//! Binding, serving and graceful shutdown.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::handler::Handler as _;
use axum::routing::get;
use tokio::net::TcpListener;

use warden_core::Warden;
use warden_sigv4::SigningKeyCache;

use crate::ServerConfig;
use crate::guard::{Guard, Headroom, Limits};
use crate::health::{HEALTH_PATH, health};
use crate::pipeline::{AppState, aws_request};
use crate::read_thread::ReadThread;
use crate::start::{Backend, open_services};

/// Why the server could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listen address is taken or not ours to bind.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The data directory cannot be created or written.
    #[error("data directory {path} is unusable: {source}")]
    DataDir {
        /// The directory asked for.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The data directory could not be opened as a Warden store.
    #[error("{0}")]
    Start(String),
    /// The TLS certificate or key could not be loaded.
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    /// Serving failed after start.
    #[error("server error: {0}")]
    Io(#[from] io::Error),
}

/// Build the router tests drive in-process, with the default [`Limits`].
pub fn app(warden: Arc<Warden>, region: String) -> Router {
    app_with_limits(warden, region, Limits::default())
}

/// Build the router with the given abuse limits (disk headroom unmeasured).
pub fn app_with_limits(warden: Arc<Warden>, region: String, limits: Limits) -> Router {
    guarded_app(
        warden,
        region,
        Arc::new(Guard::new(limits, Headroom::Unmeasured)),
    )
}

/// The router production serves, sharing `guard` with the accept loop.
fn guarded_app(warden: Arc<Warden>, region: String, guard: Arc<Guard>) -> Router {
    warden.use_key_set_fetcher(Arc::new(crate::key_set_fetch::HttpKeySetFetcher::default()));
    let state = Arc::new(AppState {
        warden,
        signing_keys: SigningKeyCache::new(SIGNING_KEY_CACHE_CAPACITY),
        region,
        reads: ReadThread::start(),
        guard,
    });
    let metrics = Arc::new(crate::observe::Metrics::default());
    let scrape = {
        let (metrics, warden, guard) = (
            Arc::clone(&metrics),
            Arc::clone(&state.warden),
            Arc::clone(&state.guard),
        );
        move || std::future::ready(crate::observe::metrics::scrape(&metrics, &warden, &guard))
    };
    let aws = aws_request.layer(axum::middleware::from_fn_with_state(
        metrics,
        crate::observe::track,
    ));
    Router::new()
        .route(HEALTH_PATH, get(health))
        .route(crate::observe::METRICS_PATH, get(scrape))
        .route(
            crate::issuer::DISCOVERY_ROUTE,
            get(crate::issuer::discovery),
        )
        .route(crate::issuer::KEYS_ROUTE, get(crate::issuer::keys))
        .fallback(aws)
        .with_state(state)
}

/// How many derived SigV4 signing keys are cached (one per key, day, region and service).
const SIGNING_KEY_CACHE_CAPACITY: usize = 4096;

/// Check the data directory, open the backend there with `open_backend` (on a blocking
/// thread, once the directory exists and is writable), bind, serve until Ctrl-C or SIGTERM,
/// then drain and return.
pub async fn serve<F>(config: ServerConfig, open_backend: F) -> Result<(), ServeError>
where
    F: FnOnce(&std::path::Path) -> Result<Backend, ServeError> + Send + 'static,
{
    // Bad certificate or key files stop the start before anything else happens.
    let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
    prepare_data_dir(&config.data_dir)?;
    let warden = tokio::task::spawn_blocking({
        let config = config.clone();
        move || open_services(&config, open_backend)
    })
    .await
    .map_err(|error| ServeError::Start(format!("start-up task failed: {error}")))??;
    raise_open_file_limit();
    let guard = Arc::new(Guard::new(
        config.limits.clone(),
        Headroom::Directory(config.data_dir.clone()),
    ));
    let unauthenticated = spawn_unauthenticated_flush(Arc::clone(&warden), Arc::clone(&guard));
    let retention = crate::retention::spawn(Arc::clone(&warden), config.audit_retention_days);
    let last_used = spawn_last_used_flush(Arc::clone(&warden));
    let buckets = config.data_dir.join(crate::trail_delivery::BUCKETS_DIR);
    let delivery = crate::trail_delivery::DeliveryTask::spawn(
        Arc::clone(&warden),
        buckets.clone(),
        warden_trail::DeliverySettings {
            log_interval: config.trail_delivery_interval,
            digest_interval: config.trail_digest_interval,
        },
    );
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    let local = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%local, %scheme, data_dir = %config.data_dir.display(), "warden listening");
    println!("warden listening on {scheme}://{local}");
    warden.use_public_url(&format!("{scheme}://{local}"));
    let router = guarded_app(
        Arc::clone(&warden),
        config.region.clone(),
        Arc::clone(&guard),
    )
    .layer(axum::Extension(crate::s3::Buckets(buckets)));
    crate::guard::serve(listener, tls, router, Arc::clone(&guard), shutdown_signal()).await?;
    unauthenticated.abort();
    guard.unauthenticated.flush(&warden).await;
    retention.abort();
    last_used.abort();
    flush_last_used(Arc::clone(&warden)).await;
    delivery.finish().await;
    tracing::info!("warden stopped");
    Ok(())
}

/// Writes the aggregates of unauthenticated failures at the end of every interval, and
/// forgets rate-limit keys whose buckets are full again.
fn spawn_unauthenticated_flush(
    warden: Arc<Warden>,
    guard: Arc<Guard>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(guard.limits.aggregate_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            guard.unauthenticated.flush(&warden).await;
            guard.forget_idle();
        }
    })
}

/// How often access keys' last uses and principals' last attempts per action are written
/// to the store.
const LAST_USED_FLUSH_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Writes access keys' last uses and principals' attempts every [`LAST_USED_FLUSH_EVERY`].
fn spawn_last_used_flush(warden: Arc<Warden>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(LAST_USED_FLUSH_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            flush_last_used(Arc::clone(&warden)).await;
        }
    })
}

/// One flush of access keys' last uses and principals' attempts, on a blocking thread.
async fn flush_last_used(warden: Arc<Warden>) {
    match tokio::task::spawn_blocking(move || warden.flush_last_used()).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => tracing::warn!(%error, "writing last uses failed"),
        Err(error) => tracing::warn!(%error, "the last-used flush task failed"),
    }
}

/// Raises the soft limit on open files to the hard limit, so that the connection caps, not
/// the descriptor table, decide how many clients are served.
fn raise_open_file_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if let Err(error) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!(%error, "cannot raise the open-file limit");
        }
    }
    let now = getrlimit(Resource::Nofile);
    tracing::debug!(soft = ?now.current, hard = ?now.maximum, "open-file limit");
}

fn prepare_data_dir(path: &std::path::Path) -> Result<(), ServeError> {
    let fail = |source| ServeError::DataDir {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(path).map_err(fail)?;
    // Prove we can write there before accepting requests.
    let probe = path.join(".warden-write-probe");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
