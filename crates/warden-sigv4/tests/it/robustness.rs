//! Fuzz-style checks: `parse` (and `verify` on whatever parses) never panic,
//! whatever bytes arrive.

use proptest::prelude::*;
use warden_sigv4::{RequestParts, SigningKeyCache};

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Random text biased towards SigV4 syntax, so deep parser paths get reached.
fn sigv4ish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("AWS4-HMAC-SHA256 ".to_owned()),
            Just("Credential=".to_owned()),
            Just("SignedHeaders=".to_owned()),
            Just("Signature=".to_owned()),
            Just("X-Amz-Algorithm=".to_owned()),
            Just("X-Amz-Credential=".to_owned()),
            Just("X-Amz-Date=".to_owned()),
            Just("X-Amz-Expires=".to_owned()),
            Just("X-Amz-SignedHeaders=".to_owned()),
            Just("X-Amz-Signature=".to_owned()),
            Just("X-Amz-Security-Token=".to_owned()),
            Just("/20220127/us-east-1/sts/aws4_request".to_owned()),
            Just("20220127T001427Z".to_owned()),
            Just("host;x-amz-date".to_owned()),
            "[0-9a-f]{64}",
            "[,;=&/% .+]",
            "%[0-9A-Fa-f]{0,2}",
            any::<Vec<u8>>().prop_map(|b| lossy(&b)),
        ],
        0..12,
    )
    .prop_map(|atoms| atoms.concat())
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Authorization".to_owned()),
        Just("X-Amz-Date".to_owned()),
        Just("Date".to_owned()),
        Just("host".to_owned()),
        Just("x-amz-content-sha256".to_owned()),
        Just("X-Amz-Security-Token".to_owned()),
        any::<Vec<u8>>().prop_map(|b| lossy(&b)),
    ]
}

fn check_no_panic(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
) {
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let parts = RequestParts {
        method,
        path,
        query,
        headers: &headers,
        body,
    };
    if let Ok(Some(signed)) = warden_sigv4::parse(&parts) {
        let cache = SigningKeyCache::new(2);
        let now = jiff::Timestamp::from_second(1_643_242_467).unwrap();
        let _ = warden_sigv4::verify(&signed, &parts, b"secret", now, &cache);
        let _ = warden_sigv4::verify(&signed, &parts, b"secret", jiff::Timestamp::MAX, &cache);
        let _ = warden_sigv4::verify(&signed, &parts, b"secret", jiff::Timestamp::MIN, &cache);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_never_panics_on_random_bytes(
        method in any::<Vec<u8>>(),
        path in any::<Vec<u8>>(),
        query in any::<Vec<u8>>(),
        headers in prop::collection::vec((any::<Vec<u8>>(), any::<Vec<u8>>()), 0..6),
        body in any::<Vec<u8>>(),
    ) {
        let headers: Vec<(String, String)> =
            headers.iter().map(|(k, v)| (lossy(k), lossy(v))).collect();
        check_no_panic(&lossy(&method), &lossy(&path), &lossy(&query), &headers, &body);
    }

    #[test]
    fn parse_never_panics_on_sigv4_shaped_input(
        path in sigv4ish(),
        query in sigv4ish(),
        headers in prop::collection::vec((header_name(), sigv4ish()), 0..6),
        body in any::<Vec<u8>>(),
    ) {
        check_no_panic("POST", &path, &query, &headers, &body);
    }
}
