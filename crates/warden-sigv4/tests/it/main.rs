//! Integration tests for warden-sigv4.

mod support;
mod oracle;
mod suite;
