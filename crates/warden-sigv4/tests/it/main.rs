//! Integration tests for warden-sigv4.
//!
//! Modules are `#[cfg(test)]` so clippy treats their helpers as test code
//! (unwrap/expect/panic/indexing allowed by clippy.toml).

#[cfg(test)]
mod errors;
#[cfg(test)]
mod oracle;
#[cfg(test)]
mod robustness;
#[cfg(test)]
mod suite;
#[cfg(test)]
mod support;
