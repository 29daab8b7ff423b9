//! Cryptography for Warden: the root key, envelope encryption of secrets at rest, and
//! credential generation in AWS's shapes.
//!
//! # Layout
//!
//! - [`RootKey`] (module `root_key`) is the only part of this crate that touches the file
//!   system: it loads or creates the 32-byte root key file (mode `0600`).
//! - [`DataKey`] and [`Sealer`] implement envelope encryption: secrets are sealed with
//!   AES-256-GCM under a data-encryption key, and the data key is stored wrapped (sealed) by
//!   the root key.
//! - [`credentials`] generates access key ids (with the account encoded as AWS does),
//!   secret access keys, unique ids and account ids.
//! - [`password`] hashes and verifies console passwords (argon2id, OWASP parameters);
//!   [`totp`] computes and checks the one-time codes of virtual MFA devices (RFC 6238).
//! - [`ssh`] parses, re-encodes and fingerprints SSH public keys; [`x509`] parses
//!   certificates and checks that a private key belongs to one.
//! - [`kms`] holds KMS key material and what a KMS key does with it (AES-256-GCM ciphertext
//!   blobs, RSA and ECDSA signatures, HMACs, RSA-OAEP).
//! - [`constant_time_eq`] compares secrets without leaking where they differ.
//! - [`Uuid`] makes version 4 UUIDs (request and event ids) from a [`SecureRandom`].
//!
//! # Invariants
//!
//! - Randomness is injected through [`SecureRandom`]; nothing here calls an RNG directly
//!   except [`SystemRandom`]. The feature `test-util` adds `DeterministicRandom` for tests.
//! - Key material ([`RootKey`], [`DataKey`]) and plaintext secrets ([`SecretString`],
//!   [`Sealer::open`]'s output) are zeroized on drop and redacted in `Debug`.
//! - Error values never contain key material or plaintext.
//! - Every sealed value starts with a format version byte, so the format can evolve.
#![warn(missing_docs)]

mod compare;
pub mod credentials;
mod digest;
mod envelope;
mod error;
pub mod kms;
pub mod password;
mod random;
mod root_key;
mod secret;
pub mod ssh;
pub mod totp;
mod uuid;
pub mod x509;

pub use compare::constant_time_eq;
pub use digest::legacy_sha1;
pub use envelope::{DATA_KEY_PURPOSE, DataKey, Sealer};
pub use error::CryptoError;
#[cfg(any(test, feature = "test-util"))]
pub use random::DeterministicRandom;
pub use random::{SecureRandom, SystemRandom};
pub use root_key::RootKey;
pub use secret::SecretString;
pub use uuid::Uuid;
