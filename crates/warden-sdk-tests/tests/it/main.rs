//! aws-sdk-rust (aws-sdk-iam, aws-sdk-sts) against the real `warden` binary over loopback.

mod harness;
mod iam_enforcement;
