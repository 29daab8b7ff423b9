//! Server configuration, as given by the `warden serve` command line and environment.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything `warden serve` needs to start.
#[derive(Clone)]
pub struct ServerConfig {
    /// Socket address to listen on.
    pub listen: SocketAddr,
    /// Directory holding the embedded database and the root key.
    pub data_dir: PathBuf,
    /// Id of the default account created on first start; random 12 digits when absent.
    pub account_id: Option<String>,
    /// The region this endpoint reports.
    pub region: String,
    /// A root key file the operator supplies (32 bytes, mode 0600); `None` means
    /// `<data_dir>/root.key`, created on first start.
    pub root_key_file: Option<PathBuf>,
    /// Access key id of the root user on first start (`WARDEN_ROOT_ACCESS_KEY_ID`).
    pub root_access_key_id: Option<String>,
    /// Secret of that key (`WARDEN_ROOT_SECRET_ACCESS_KEY`).
    pub root_secret_access_key: Option<String>,
    /// Whether calls are recorded in the audit trail. Always on in production; off only to
    /// measure what auditing costs (`warden serve --no-audit`, benchmarks).
    pub audit: bool,
    /// Whether refused calls' AccessDenied answers carry an encoded authorization message
    /// (`--encode-authorization-messages`; STS's DecodeAuthorizationMessage reads it).
    pub encode_authorization_messages: bool,
    /// How many days of event history are kept before pruning (CloudTrail keeps 90).
    pub audit_retention_days: u32,
    /// How often trails' log files are delivered (`--trail-delivery-interval`).
    pub trail_delivery_interval: std::time::Duration,
    /// The digest period of trails with log file validation (`--trail-digest-interval`).
    pub trail_digest_interval: std::time::Duration,
    /// What the runtime's `on_thread_park` hook must notify (`warden serve` installs it): the
    /// server connects it to the audit log, which then commits as soon as the workers run out
    /// of work, and otherwise holds records at most [`AUDIT_LINGER`](crate::AUDIT_LINGER) to
    /// commit more at once. A runtime without the hook makes every call wait that long.
    pub workers_idle: crate::WorkersIdle,
    /// Serve HTTPS with this certificate and key instead of plain HTTP (`--tls-cert`,
    /// `--tls-key`); requests then have `aws:SecureTransport` true.
    pub tls: Option<crate::TlsFiles>,
    /// Connection, throttling and disk limits (`--header-timeout`, `--max-connections`,
    /// `--auth-failure-limit`, `--rate-limit-per-key`, …).
    pub limits: crate::Limits,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("account_id", &self.account_id)
            .field("region", &self.region)
            .field("root_key_file", &self.root_key_file)
            .field("root_access_key_id", &self.root_access_key_id)
            .field("audit", &self.audit)
            .field(
                "encode_authorization_messages",
                &self.encode_authorization_messages,
            )
            .field("audit_retention_days", &self.audit_retention_days)
            .field("trail_delivery_interval", &self.trail_delivery_interval)
            .field("trail_digest_interval", &self.trail_digest_interval)
            .field("workers_idle", &self.workers_idle)
            .field("tls", &self.tls)
            .field("limits", &self.limits)
            .field(
                "root_secret_access_key",
                &self.root_secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}
