//! Warden's services — IAM, STS and CloudTrail so far — as operation handlers over the store
//! and an authenticated caller, run by one runner (`operation.rs`) that authorizes, handles,
//! refreshes the in-memory authorization snapshot and reports the audit facts; and the
//! audit record every call leaves ([`audit`]).
//!
//! # Invariants
//!
//! - **Every operation authorizes before it acts**: a handler is reached only through the
//!   runner, which evaluates the operation's actions (from the generated table) with
//!   [`authorize`] over the current [`Snapshot`] and hands the handler a proof it cannot
//!   make itself. (`sts:GetCallerIdentity` is the one documented exception: it cannot be
//!   denied — `warden_policy::exempt_action` —; GetSessionToken, an authentication
//!   operation, is not controlled by policies either.)
//! - **The store is the source of truth; the snapshot is derived.** A write commits to the
//!   store first and only then publishes the next snapshot generation, so an acknowledged
//!   write is durable and visible to the next request.
//! - **Secrets are sealed at rest** (`warden-crypto`), opened only into the in-memory
//!   snapshot, and never logged.
//! - **Every call is recorded, or fails**: [`Warden::record`] returns only once the call's
//!   CloudTrail record is durable, and an error (answered `ServiceUnavailable`) when it cannot be.
//! - No HTTP types here: the server maps transport to [`RequestFacts`] and the generated
//!   protocol types, and maps [`ServiceError`] to AWS errors through the one `From` impl.
#![warn(missing_docs)]

mod attempts;
pub mod audit;
mod authorization_message;
mod authorize;
mod aws_managed;
mod aws_services;
mod bootstrap;
mod caller;
mod clock;
pub mod cloudtrail;
mod ctx;
pub mod digest_key;
mod error;
mod federated;
pub mod iam;
mod ids;
mod json;
mod key_uses;
pub mod kms;
mod operation;
pub mod organizations;
mod service_accesses;
pub mod session_token;
mod snapshot;
mod snapshot_build;
pub mod sts;
mod warden;

pub use authorize::{Permission, RequestFacts, authorize};
pub use bootstrap::{Bootstrap, RootCredentials};
pub use caller::{Caller, CallerKind, Session, SessionOrigin, SessionPolicies};
pub use clock::{Clock, FixedClock, SystemClock};
pub(crate) use ctx::Ctx;
pub use error::ServiceError;
pub use federated::{FederatedIdentity, FederationKind};
pub use operation::Ran;
pub use snapshot::{KeyEntry, Level, OrgMember, Snapshot, UserEntry};
pub use warden::{StartError, Warden};

/// An operation's result, ready for the protocol layer to render.
pub type Output = Box<dyn warden_protocol::encode::Encode + Send>;

/// Converts epoch milliseconds (as the store keeps time) to a timestamp.
pub(crate) fn timestamp(millis: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(millis).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}
