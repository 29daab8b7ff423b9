use super::*;
use crate::DeterministicRandom;

fn is_base32(s: &str) -> bool {
    s.bytes().all(|b| BASE32_ALPHABET.contains(&b))
}

#[test]
fn decodes_published_access_key_ids() {
    // Pairs published by Aidan Steele and Tal Be'ery (sts:GetAccessKeyInfo answers).
    for (key, account) in [
        ("ASIAY34FZKBOKMUTVV7A", "609629065308"),
        ("ASIAQNZGKIQY56JQ7WML", "029608264753"),
    ] {
        assert_eq!(
            account_id_from_access_key_id(key).as_deref(),
            Some(account),
            "{key}"
        );
    }
}

#[test]
fn rejects_old_generation_and_malformed_ids() {
    // AWS's documentation example predates the encoding: its fifth character is below 'Q'.
    assert_eq!(account_id_from_access_key_id("AKIAIOSFODNN7EXAMPLE"), None);
    assert_eq!(account_id_from_access_key_id("ASIAY34FZKBO"), None);
    assert_eq!(
        account_id_from_access_key_id("ASIAY34FZKB0KMUTVV7A"),
        None,
        "0 is not base32"
    );
    assert_eq!(account_id_from_access_key_id("ASIAY34FZKBOKMUTVV7Ä"), None);
    // The largest 40-bit value decodes past 999999999999.
    assert_eq!(account_id_from_access_key_id("AKIA77777777777AAAAA"), None);
}

#[test]
fn generated_ids_encode_their_account() {
    let rng = DeterministicRandom::new(11);
    for account in [
        "000000000000",
        "000000000001",
        "123456789012",
        "609629065308",
        "029608264753",
        "999999999999",
        "999999999998",
    ] {
        for kind in [AccessKeyKind::LongTerm, AccessKeyKind::Temporary] {
            let id = access_key_id(kind, account, &rng).unwrap();
            assert_eq!(id.len(), 20);
            assert!(id.starts_with(kind.prefix()));
            assert!(is_base32(&id), "{id}");
            assert_eq!(
                account_id_from_access_key_id(&id).as_deref(),
                Some(account),
                "{id}"
            );
        }
    }
}

#[test]
fn matches_the_published_encoding_of_a_known_account() {
    let id = access_key_id(
        AccessKeyKind::Temporary,
        "609629065308",
        &DeterministicRandom::new(0),
    )
    .unwrap();
    assert_eq!(id.get(..12), Some("ASIAY34FZKBO"));
}

#[test]
fn the_random_tail_varies() {
    let rng = DeterministicRandom::new(12);
    let a = access_key_id(AccessKeyKind::LongTerm, "123456789012", &rng).unwrap();
    let b = access_key_id(AccessKeyKind::LongTerm, "123456789012", &rng).unwrap();
    assert_eq!(a.get(..12), b.get(..12));
    assert_ne!(a, b);
}

#[test]
fn rejects_invalid_account_ids() {
    let rng = DeterministicRandom::new(0);
    for account in [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        "+23456789012",
        "１23456789012",
    ] {
        assert!(
            matches!(
                access_key_id(AccessKeyKind::LongTerm, account, &rng),
                Err(CryptoError::InvalidAccountId)
            ),
            "{account:?}"
        );
    }
}

#[test]
fn secret_access_keys_are_40_base64_characters() {
    let rng = DeterministicRandom::new(13);
    let a = secret_access_key(&rng).unwrap();
    let b = secret_access_key(&rng).unwrap();
    assert_eq!(a.expose_secret().len(), 40);
    assert!(
        a.expose_secret()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
    );
    assert_ne!(a, b);
}

#[test]
fn unique_ids_have_prefix_and_21_characters() {
    let rng = DeterministicRandom::new(14);
    for prefix in [
        UniqueIdPrefix::User,
        UniqueIdPrefix::Role,
        UniqueIdPrefix::Group,
    ] {
        let id = unique_id(prefix, &rng).unwrap();
        assert_eq!(id.len(), 21);
        assert!(id.starts_with(prefix.as_str()));
        assert!(is_base32(&id));
    }
    assert_ne!(
        unique_id(UniqueIdPrefix::User, &rng).unwrap(),
        unique_id(UniqueIdPrefix::User, &rng).unwrap()
    );
}

#[test]
fn account_ids_are_12_digits_without_a_leading_zero() {
    let rng = DeterministicRandom::new(15);
    let mut first_digits = std::collections::BTreeSet::new();
    for _ in 0..500 {
        let id = account_id(&rng).unwrap();
        assert_eq!(id.len(), 12);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(id.as_bytes()[0], b'0');
        first_digits.insert(id.as_bytes()[0]);
    }
    assert_eq!(first_digits.len(), 9, "every leading digit 1-9 occurs");
}

proptest::proptest! {
    #[test]
    fn every_account_round_trips(account in 0u64..=999_999_999_999, seed: u64, temporary: bool) {
        let account = format!("{account:012}");
        let kind = if temporary { AccessKeyKind::Temporary } else { AccessKeyKind::LongTerm };
        let id = access_key_id(kind, &account, &DeterministicRandom::new(seed)).unwrap();
        proptest::prop_assert_eq!(account_id_from_access_key_id(&id), Some(account));
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _decoded = account_id_from_access_key_id(&text);
    }

    #[test]
    fn decoded_accounts_are_always_12_digits(text in "[A-Z2-7]{16,24}") {
        if let Some(account) = account_id_from_access_key_id(&text) {
            proptest::prop_assert_eq!(account.len(), 12);
            proptest::prop_assert!(account.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
