//! Integration tests of `warden-protocol`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

mod decode;
mod generated;
mod operation_table;
mod properties;
mod render;
mod validation;
