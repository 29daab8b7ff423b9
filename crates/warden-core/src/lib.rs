//! Warden's services (IAM, STS) as plain functions over a store and a caller, plus the in-memory authorization snapshot.
#![warn(missing_docs)]
