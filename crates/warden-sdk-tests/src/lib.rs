//! End-to-end tests of Warden with aws-sdk-rust; the tests live in `tests/it`. This library
//! is empty on purpose.
