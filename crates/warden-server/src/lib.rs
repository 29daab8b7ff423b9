//! The Warden HTTP server.
//!
//! One request goes through one pipeline: route → decode → authenticate (SigV4) → authorize
//! (policy engine over the in-memory snapshot) → handle → record (the call's CloudTrail event,
//! durable before the reply) → encode. Beside it: a read-only S3 endpoint over trail buckets,
//! trail delivery and audit retention as background tasks. [`app`] builds the axum
//! router that production serves and tests drive in-process; [`serve`] binds it to a socket,
//! plain HTTP or, with [`ServerConfig::tls`], HTTPS, over the [`Backend`] (store and audit
//! log) that the binary opens: this crate chooses no storage engine.
//!
//! Only this crate knows HTTP.
#![warn(missing_docs)]

mod authenticate;
mod config;
mod guard;
mod health;
mod issuer;
mod key_set_fetch;
mod observe;
mod pipeline;
mod read_thread;
mod recording;
mod retention;
mod s3;
mod serve;
mod service;
mod start;
mod tls;
mod trail_delivery;
mod transport;
mod workers_idle;

pub use config::ServerConfig;
pub use guard::Limits;
pub use s3::Buckets;
pub use serve::{ServeError, app, app_with_limits, serve};
pub use start::{AUDIT_LINGER, Backend};
pub use tls::{TlsError, TlsFiles};
pub use workers_idle::WorkersIdle;
