//! `warden serve`: start the HTTP server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use warden_server::ServerConfig;

/// The default listen address, also documented in the README.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:4750";

/// Options of `warden serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = DEFAULT_LISTEN, env = "WARDEN_LISTEN")]
    listen: SocketAddr,
    /// Directory for the embedded database and the root key (created if missing).
    #[arg(long, default_value = "./warden-data", env = "WARDEN_DATA_DIR")]
    data_dir: PathBuf,
    /// Id of the default account created on first start (12 digits; random if absent).
    #[arg(long, env = "WARDEN_ACCOUNT_ID")]
    account_id: Option<String>,
    /// Region reported by the service (credential scopes may name any region).
    #[arg(long, default_value = "us-east-1", env = "WARDEN_REGION")]
    region: String,
    /// Root key file supplied by the operator (32 bytes, mode 0600) instead of
    /// `<data-dir>/root.key`.
    #[arg(long, env = "WARDEN_ROOT_KEY_FILE")]
    root_key_file: Option<PathBuf>,
    /// Days of event history kept in the audit log before older records are pruned.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..), env = "WARDEN_AUDIT_RETENTION_DAYS")]
    audit_retention_days: u32,
    /// Seconds between deliveries of trails' log files into `<data-dir>/buckets`
    /// (CloudTrail delivers about every 5 minutes).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_TRAIL_DELIVERY_INTERVAL")]
    trail_delivery_interval: u64,
    /// Seconds in a digest period of trails with log file validation (CloudTrail: 3600).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_TRAIL_DIGEST_INTERVAL")]
    trail_digest_interval: u64,
    /// Serve HTTPS: the certificate chain presented to clients, PEM, leaf first
    /// (requires `--tls-key`). Plain HTTP when absent.
    #[arg(long, env = "WARDEN_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of the `--tls-cert` leaf, PEM (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "WARDEN_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Do not record calls in the audit trail. For measuring what auditing costs only:
    /// unaudited calls leave no trace.
    #[arg(long)]
    no_audit: bool,
    /// Append an encoded authorization message to the AccessDenied answer of every refused
    /// call, as some AWS services do; a caller allowed `sts:DecodeAuthorizationMessage` in
    /// the same account decodes it (which statements matched, the request's context).
    #[arg(long, env = "WARDEN_ENCODE_AUTHORIZATION_MESSAGES")]
    encode_authorization_messages: bool,
}

/// Abuse limits of `warden serve` (the README's table lists them with their defaults).
#[derive(Debug, Args)]
struct LimitArgs {
    /// Seconds a client may take to send a request's head, from its first byte.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_HEADER_TIMEOUT")]
    header_timeout: u64,
    /// Seconds a client may take to send a request's body.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_BODY_TIMEOUT")]
    body_timeout: u64,
    /// Seconds a keep-alive connection may stay idle between requests.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_IDLE_TIMEOUT")]
    idle_timeout: u64,
    /// Connections open at once, from all clients; more are closed on accept.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_MAX_CONNECTIONS")]
    max_connections: u64,
    /// Connections open at once from one source address.
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_MAX_CONNECTIONS_PER_SOURCE")]
    max_connections_per_source: u64,
    /// Failed authentications per second allowed per source address and per claimed access
    /// key id (burst: five seconds' worth); past it, answers are `Throttling`.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..), env = "WARDEN_AUTH_FAILURE_LIMIT")]
    auth_failure_limit: u32,
    /// Authenticated calls per second allowed per access key (off unless given).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..), env = "WARDEN_RATE_LIMIT_PER_KEY")]
    rate_limit_per_key: Option<u32>,
    /// Authenticated calls per second allowed per source address (off unless given).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..), env = "WARDEN_RATE_LIMIT_PER_SOURCE")]
    rate_limit_per_source: Option<u32>,
    /// MiB of free disk below which aggregated records of unauthenticated failures are
    /// dropped, keeping the space for authenticated calls' records.
    #[arg(long, default_value_t = 1024, env = "WARDEN_AUDIT_DISK_RESERVE")]
    audit_disk_reserve: u64,
    /// Seconds between the aggregate records of failed unauthenticated calls.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..), env = "WARDEN_AUDIT_AGGREGATE_INTERVAL")]
    audit_aggregate_interval: u64,
}

impl From<LimitArgs> for warden_server::Limits {
    fn from(args: LimitArgs) -> Self {
        let seconds = std::time::Duration::from_secs;
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Self {
            header_timeout: seconds(args.header_timeout),
            body_timeout: seconds(args.body_timeout),
            idle_timeout: seconds(args.idle_timeout),
            max_connections: count(args.max_connections),
            max_connections_per_source: count(args.max_connections_per_source),
            auth_failures_per_second: args.auth_failure_limit,
            calls_per_key: args.rate_limit_per_key,
            calls_per_source: args.rate_limit_per_source,
            audit_disk_reserve: args.audit_disk_reserve.saturating_mul(1024 * 1024),
            aggregate_interval: seconds(args.audit_aggregate_interval),
        }
    }
}

/// Run the server until Ctrl-C or SIGTERM.
pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(warden_server::TlsFiles { cert, key }),
        (None, None) => None,
        _ => anyhow::bail!("--tls-cert and --tls-key go together"),
    };
    let config = ServerConfig {
        listen: args.listen,
        data_dir: args.data_dir,
        account_id: args.account_id,
        region: args.region,
        root_key_file: args.root_key_file,
        root_access_key_id: std::env::var("WARDEN_ROOT_ACCESS_KEY_ID").ok(),
        root_secret_access_key: std::env::var("WARDEN_ROOT_SECRET_ACCESS_KEY").ok(),
        audit: !args.no_audit,
        encode_authorization_messages: args.encode_authorization_messages,
        audit_retention_days: args.audit_retention_days,
        trail_delivery_interval: std::time::Duration::from_secs(args.trail_delivery_interval),
        trail_digest_interval: std::time::Duration::from_secs(args.trail_digest_interval),
        workers_idle: warden_server::WorkersIdle::default(),
        tls,
        limits: args.limits.into(),
    };
    let workers_idle = config.workers_idle.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(move || workers_idle.notify())
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(warden_server::serve(
        config,
        crate::backend::open_for_serving,
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WARDEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
