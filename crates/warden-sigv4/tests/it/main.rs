//! Integration tests for warden-sigv4.

mod errors;
mod oracle;
mod robustness;
mod suite;
mod support;
