//! CloudTrail delivery for Warden: the audit log becomes each trail's gzipped log files and
//! signed, chained digest files, written into local buckets that a read-only S3 endpoint
//! serves (so `aws cloudtrail validate-logs` works unmodified).
//!
//! - Digests are signed with the deployment's key, a
//!   [`DigestKeys`](warden_audit::digest::DigestKeys) that the caller loads and shares.
//! - [`Delivery`] runs delivery rounds; progress is kept in the store
//!   ([`TrailDelivery`](warden_store::TrailDelivery)), so a round interrupted by a crash is
//!   finished by the next one without duplicating or skipping events.
//! - [`verify`] checks delivered trails against their digests and the audit log
//!   (`warden audit verify`).
//! - [`bucket`] is the bucket directory layout: atomic writes, and the read-only listing and
//!   fetching the S3 endpoint needs, with path traversal impossible.
//!
//! # Invariants
//!
//! - The audit log is the source of truth; a trail's files are derived from it and can be
//!   checked against it.
//! - Time is an argument ([`Delivery::deliver`] takes `now`); nothing here reads a clock.
#![warn(missing_docs)]

pub mod bucket;
mod delivery;
mod source;
mod state;
#[cfg(test)]
mod testing;
pub mod verify;

pub use delivery::{
    Delivery, DeliveryError, DeliveryReport, DeliverySettings, TrailError, TrailFailure, location,
};
pub use source::BucketSource;
