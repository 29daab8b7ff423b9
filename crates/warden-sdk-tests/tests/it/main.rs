//! aws-sdk-rust (aws-sdk-iam, aws-sdk-sts) against the real `warden` binary over loopback.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should panic"
)]

mod harness;
mod iam_enforcement;
mod sts_sessions;
