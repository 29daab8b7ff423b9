//! The audit trail's pure core: what Warden records for every API call, and how the record
//! is made tamper-evident.
//!
//! - [`AuditEvent`] is one CloudTrail record (`eventVersion` 1.11), serialised with
//!   CloudTrail's exact field names. [`redact`] strips secrets from request parameters and
//!   response elements before they are recorded.
//! - [`chain`] links stored records into a SHA-256 hash chain and finds the first record
//!   that was altered, removed or inserted.
//! - [`logfile`] and [`digest`] write CloudTrail log files and signed digest files in the
//!   exact layout `aws cloudtrail validate-logs` checks, with the deployment's signing key
//!   ([`digest::DigestKeys`]); [`verify`] checks a whole trail offline.
//!
//! # Architecture invariant
//!
//! This crate does no I/O and reads no clock: times, key material and file contents arrive
//! as arguments. The one exception is key generation ([`digest::SigningKey::generate`],
//! which [`digest::DigestKeys::generate`] calls): it draws randomness from aws-lc-rs's
//! system RNG because aws-lc-rs accepts no injected one.
#![warn(missing_docs)]

pub mod chain;
pub mod digest;
mod event;
pub mod logfile;
pub mod redact;
pub mod time;
pub mod verify;

pub use event::{
    AuditEvent, EVENT_VERSION, EventCategory, EventType, IdentityType, Resource, SessionAttributes,
    SessionContext, SessionIssuer, TlsDetails, UserIdentity,
};
