//! Differential tests: random requests signed by the `aws-sigv4` crate (header
//! and presigned) verify with ours, and fail after any one-byte tamper.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use proptest::prelude::*;
use warden_sigv4::{AuthLocation, SigningKeyCache, VerifyOptions};

use crate::support::{OwnedRequest, tampered_variants};

const HOST: &str = "example.amazonaws.com";

#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) access_key_id: String,
    pub(crate) secret: String,
    pub(crate) token: Option<String>,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) presigned: bool,
    pub(crate) expires: u64,
    pub(crate) content_sha256_header: bool,
    pub(crate) unsigned_payload: bool,
    pub(crate) signed_at: i64,
    pub(crate) age_permille: u64,
}

impl Case {
    /// An STS GetCallerIdentity POST (or presigned GET) signed at `signed_at` (Unix seconds).
    pub(crate) fn get_caller_identity(signed_at: i64, presigned: bool, expires: u64) -> Self {
        let (method, query, body) = if presigned {
            (
                "GET",
                "Action=GetCallerIdentity&Version=2011-06-15",
                Vec::new(),
            )
        } else {
            (
                "POST",
                "",
                b"Action=GetCallerIdentity&Version=2011-06-15".to_vec(),
            )
        };
        Self {
            method,
            path: "/".to_owned(),
            query: query.to_owned(),
            headers: vec![(
                "content-type".to_owned(),
                "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
            )],
            body,
            access_key_id: "AKIAIOSFODNN7EXAMPLE".to_owned(),
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
            token: None,
            region: "us-east-1".to_owned(),
            service: "sts".to_owned(),
            presigned,
            expires,
            content_sha256_header: false,
            unsigned_payload: false,
            signed_at,
            age_permille: 0,
        }
    }
}

fn path_segment() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[a-zA-Z0-9._~-]{1,6}",
            1 => "[!$&'()*+,;=:@]{1,2}",
            2 => "%[2-7][0-9A-F]",
            1 => Just(".".to_owned()),
            1 => Just("..".to_owned()),
        ],
        0..3,
    )
    .prop_map(|atoms| atoms.concat())
}

fn query_component(min: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![4 => "[a-zA-Z0-9._~-]", 1 => Just("+".to_owned()), 2 => "%[2-7][0-9A-F]"],
        min..6,
    )
    .prop_map(|atoms| atoms.concat())
}

fn case() -> impl Strategy<Value = Case> {
    let request = (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
        prop::collection::vec(path_segment(), 0..5).prop_map(|s| format!("/{}", s.join("/"))),
        prop::collection::vec((query_component(1), query_component(0)), 0..4).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        }),
        prop::collection::vec(
            (
                prop::sample::select(vec!["x-ha", "x-hb", "x-hc", "content-type"]),
                "[ -~]{0,16}",
            ),
            0..4,
        )
        .prop_map(|headers| {
            headers
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<Vec<_>>()
        }),
        prop::collection::vec(any::<u8>(), 0..64),
    );
    let credentials = (
        "AKIA[A-Z0-9]{16}",
        "[A-Za-z0-9/+]{40}",
        prop::option::of("[A-Za-z0-9/+=]{16,48}"),
        prop::sample::select(vec!["us-east-1", "eu-west-3", "ap-southeast-2"]),
        prop::sample::select(vec!["sts", "iam"]),
    );
    let signing = (
        any::<bool>(),
        1..=604_800u64,
        any::<bool>(),
        946_684_800..4_102_444_800i64,
        0..=1000u64,
    );
    (request, credentials, signing).prop_map(
        |(
            (method, path, query, headers, body),
            (access_key_id, secret, token, region, service),
            (presigned, expires, content_sha256_header, signed_at, age_permille),
        )| Case {
            method,
            path,
            query,
            headers,
            body,
            access_key_id,
            secret,
            token,
            region: region.to_owned(),
            service: service.to_owned(),
            presigned,
            expires,
            content_sha256_header,
            unsigned_payload: false,
            signed_at,
            age_permille,
        },
    )
}

/// Signs `case` with aws-sigv4 and returns the request as it goes on the wire.
pub(crate) fn signed_by_aws_sigv4(case: &Case) -> OwnedRequest {
    let identity = Credentials::new(
        &case.access_key_id,
        &case.secret,
        case.token.clone(),
        None,
        "oracle",
    )
    .into();
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = if case.content_sha256_header && !case.presigned {
        PayloadChecksumKind::XAmzSha256
    } else {
        PayloadChecksumKind::NoHeader
    };
    if case.presigned {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(case.expires));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&case.region)
        .name(&case.service)
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(case.signed_at.unsigned_abs()))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let uri = if case.query.is_empty() {
        format!("https://{HOST}{}", case.path)
    } else {
        format!("https://{HOST}{}?{}", case.path, case.query)
    };
    let signable = SignableRequest::new(
        case.method,
        uri.clone(),
        case.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        if case.unsigned_payload {
            SignableBody::UnsignedPayload
        } else {
            SignableBody::Bytes(&case.body)
        },
    )
    .unwrap();
    let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();
    let mut builder = http::Request::builder().method(case.method).uri(&uri);
    for (name, value) in &case.headers {
        builder = builder.header(name, value);
    }
    let mut request = builder.body(()).unwrap();
    instructions.apply_to_request_http1x(&mut request);
    let mut headers = vec![("host".to_owned(), HOST.to_owned())];
    headers.extend(
        request
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned())),
    );
    OwnedRequest {
        method: case.method.to_owned(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().unwrap_or_default().to_owned(),
        headers,
        body: case.body.clone(),
    }
}

fn now_for(case: &Case) -> jiff::Timestamp {
    let window = if case.presigned {
        case.expires
    } else {
        u64::try_from(warden_sigv4::MAX_CLOCK_SKEW_SECS).unwrap()
    };
    let age = i64::try_from(window * case.age_permille / 1000).unwrap();
    jiff::Timestamp::from_second(case.signed_at + age).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn aws_sigv4_signatures_verify_and_tampering_fails(case in case()) {
        let request = signed_by_aws_sigv4(&case);
        let options = VerifyOptions::default();
        let cache = SigningKeyCache::new(8);
        let now = now_for(&case);
        let signed = request.with_parts(warden_sigv4::parse).unwrap().unwrap();
        let expected_location = if case.presigned { AuthLocation::Query } else { AuthLocation::Header };
        prop_assert_eq!(signed.location, expected_location);
        prop_assert_eq!(&signed.scope.access_key_id, &case.access_key_id);
        prop_assert_eq!(&signed.session_token, &case.token);
        let verified = request.check(case.secret.as_bytes(), now, options, &cache);
        prop_assert!(verified.is_ok(), "{:?} for {:?}", verified, request);
        for (what, tampered) in tampered_variants(&request, &signed.signed_headers, false) {
            prop_assert!(
                tampered.check(case.secret.as_bytes(), now, options, &cache).is_err(),
                "still verifies after tampering with {}: {:?}", what, tampered
            );
        }
    }
}
