//! Integration tests of warden-audit: its public API as a downstream crate uses it.
//!
//! Modules are `#[cfg(test)]` so clippy treats their helpers as test code.

#[cfg(test)]
mod awscli;
#[cfg(test)]
mod smoke;
#[cfg(test)]
mod trail;
