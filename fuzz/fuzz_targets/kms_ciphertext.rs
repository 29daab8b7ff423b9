//! Feeds arbitrary bytes to the KMS ciphertext blob parser and, when a blob parses, to
//! decryption under a fixed key and context. Neither may panic; a blob that decrypts must
//! have been made by `encrypt` (random bytes never authenticate).
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use warden_crypto::kms::Ciphertext;

fuzz_target!(|data: &[u8]| {
    if let Some(parsed) = Ciphertext::parse(data) {
        let context = BTreeMap::from([("purpose".to_owned(), "fuzz".to_owned())]);
        assert!(parsed.decrypt(&[7u8; 32], &context).is_err());
        assert!(parsed.decrypt(&[7u8; 31], &context).is_err());
    }
});
