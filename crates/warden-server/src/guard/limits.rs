//! The abuse limits `warden serve` enforces, with defaults that protect.

use std::time::Duration;

/// Connection, throttling and disk limits (`warden serve --header-timeout …`; the README's
/// table lists every flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// How long a client may take to send a request's head once its first byte arrived
    /// (`--header-timeout`). Slow-header ("slowloris") connections are closed after it.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body (`--body-timeout`).
    pub body_timeout: Duration,
    /// How long a keep-alive connection may sit between requests (`--idle-timeout`).
    pub idle_timeout: Duration,
    /// Connections open at once, from everyone (`--max-connections`); more are closed on
    /// accept.
    pub max_connections: usize,
    /// Connections open at once from one source address (`--max-connections-per-source`).
    pub max_connections_per_source: usize,
    /// Failed authentications per second allowed per source address and per claimed access
    /// key id, with a burst of five seconds' worth (`--auth-failure-limit`); beyond it the
    /// source or key is answered `Throttling` without its signature being checked.
    pub auth_failures_per_second: u32,
    /// Opt-in: authenticated calls per second per access key (`--rate-limit-per-key`).
    pub calls_per_key: Option<u32>,
    /// Opt-in: authenticated calls per second per source address (`--rate-limit-per-source`).
    pub calls_per_source: Option<u32>,
    /// Free bytes on the data directory's file system below which aggregated records of
    /// unauthenticated requests are dropped, so that the space left goes to authenticated
    /// calls (`--audit-disk-reserve`, in MiB on the command line).
    pub audit_disk_reserve: u64,
    /// How often the aggregates of unauthenticated failures are written
    /// (`--audit-aggregate-interval`).
    pub aggregate_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 4096,
            max_connections_per_source: 128,
            auth_failures_per_second: 10,
            calls_per_key: None,
            calls_per_source: None,
            audit_disk_reserve: 1024 * 1024 * 1024,
            aggregate_interval: Duration::from_secs(10),
        }
    }
}

/// How many seconds' worth of tokens a bucket holds: the burst a quiet client may spend at
/// once.
pub(crate) const AUTH_FAILURE_BURST_SECONDS: u32 = 5;
