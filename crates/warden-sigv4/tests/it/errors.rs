//! Failure mapping: AWS codes, statuses and messages for malformed, stale,
//! expired and tampered requests.

use warden_sigv4::{SigV4Error, SigningKeyCache, VerifyOptions};

use crate::oracle::{Case, signed_by_aws_sigv4};
use crate::support::OwnedRequest;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn request(headers: &[(&str, &str)], query: &str) -> OwnedRequest {
    OwnedRequest {
        method: "POST".into(),
        path: "/".into(),
        query: query.into(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body: b"Action=GetCallerIdentity&Version=2011-06-15".to_vec(),
    }
}

fn parse_error(request: &OwnedRequest) -> SigV4Error {
    request
        .with_parts(warden_sigv4::parse)
        .expect_err("parse should fail")
}

fn incomplete_message(request: &OwnedRequest) -> String {
    let err = parse_error(request);
    assert_eq!(err.aws_code(), "IncompleteSignature");
    assert_eq!(err.http_status(), 400);
    err.message()
}

fn verify_at(request: &OwnedRequest, case: &Case, now: jiff::Timestamp) -> Result<(), SigV4Error> {
    request.check(
        case.secret.as_bytes(),
        now,
        VerifyOptions::default(),
        &SigningKeyCache::new(4),
    )
}

const SIGNED_AT: &str = "2022-01-27T00:14:27Z";

fn signed_at_secs() -> i64 {
    ts(SIGNED_AT).as_second()
}

#[test]
fn unsigned_request_parses_to_none() {
    let unsigned = request(&[("Host", "sts.amazonaws.com")], "Action=GetCallerIdentity");
    assert_eq!(unsigned.with_parts(warden_sigv4::parse), Ok(None));
    let err = SigV4Error::MissingAuthenticationToken;
    assert_eq!(err.aws_code(), "MissingAuthenticationToken");
    assert_eq!(err.http_status(), 403);
    assert_eq!(err.message(), "Request is missing Authentication Token");
}

#[test]
fn non_sigv4_authorization_lists_every_missing_part() {
    let basic = request(&[("Authorization", "Basic ZWxhc3RpYw==")], "");
    assert_eq!(
        incomplete_message(&basic),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Basic ZWxhc3RpYw=="
    );
}

#[test]
fn partial_authorization_lists_the_missing_parameters() {
    // As answered by SES (brendanhay/amazonka#316).
    let partial = request(
        &[
            ("Authorization", "AWS4-HMAC-SHA256 Credential=ABCDEF"),
            ("X-Amz-Date", "20160920T150442Z"),
        ],
        "",
    );
    assert_eq!(
        incomplete_message(&partial),
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF"
    );
}

#[test]
fn malformed_pairs_credentials_dates_and_signed_headers() {
    let date = ("X-Amz-Date", "20220127T001427Z");
    let auth = |value: &'static str| request(&[("Authorization", value), date], "");
    assert_eq!(
        incomplete_message(&auth(
            "AWS4-HMAC-SHA256 Credential AKID/20220127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"
        )),
        "'Credential AKID/20220127/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential AKID/20220127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00'."
    );
    let terminator = parse_error(&auth(
        "AWS4-HMAC-SHA256 Credential=AKID/20220127/us-east-1/sts/aws4_reqest, SignedHeaders=host, Signature=00",
    ));
    assert_eq!(terminator.aws_code(), "SignatureDoesNotMatch");
    assert_eq!(
        terminator.message(),
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'."
    );
    assert!(
        incomplete_message(&auth("AWS4-HMAC-SHA256 Credential=AKID/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"))
            .starts_with("Credential is mal-formed")
    );
    assert_eq!(
        incomplete_message(&auth(
            "AWS4-HMAC-SHA256 Credential=AKID/20220127/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date, Signature=00"
        )),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );
    assert_eq!(
        incomplete_message(&auth(
            "AWS4-ECDSA-P256-SHA256 Credential=AKID/20220127/sts/aws4_request, SignedHeaders=host, Signature=00"
        )),
        "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'"
    );
    let bad_date = request(
        &[
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20220127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
            ),
            ("X-Amz-Date", "2022-01-27T00:14:27Z"),
        ],
        "",
    );
    assert_eq!(
        incomplete_message(&bad_date),
        "Date must be in ISO-8601 'basic format'. Got '2022-01-27T00:14:27Z'. See http://en.wikipedia.org/wiki/ISO_8601"
    );
    let short_signature = auth(
        "AWS4-HMAC-SHA256 Credential=AKID/20220127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc",
    );
    assert_eq!(
        parse_error(&short_signature),
        SigV4Error::SignatureDoesNotMatch
    );
}

#[test]
fn presigned_query_lists_missing_parameters() {
    let query = request(
        &[("Host", "sts.amazonaws.com")],
        "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00&X-Amz-Date=20220127T001427Z",
    );
    assert_eq!(
        incomplete_message(&query),
        "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters. AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."
    );
}

#[test]
fn header_and_query_auth_together_are_rejected() {
    let both = request(
        &[(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=A/20220127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
        )],
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
    );
    assert!(incomplete_message(&both).starts_with("Only one auth mechanism allowed"));
}

#[test]
fn stale_header_signature_is_expired_with_the_aws_message() {
    let case = Case::get_caller_identity(signed_at_secs(), false, 0);
    let request = signed_by_aws_sigv4(&case);
    let err = verify_at(&request, &case, ts("2022-01-27T01:59:28Z")).unwrap_err();
    assert_eq!(err.aws_code(), "SignatureDoesNotMatch");
    assert_eq!(err.http_status(), 403);
    assert_eq!(
        err.message(),
        "Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)"
    );
    // The window is inclusive at exactly 15 minutes.
    verify_at(&request, &case, ts("2022-01-27T00:29:27Z")).unwrap();
    assert!(matches!(
        verify_at(&request, &case, ts("2022-01-27T00:29:28Z")),
        Err(SigV4Error::SignatureExpired { .. })
    ));
}

#[test]
fn future_header_signature_is_not_yet_current() {
    let case = Case::get_caller_identity(signed_at_secs(), false, 0);
    let request = signed_by_aws_sigv4(&case);
    let err = verify_at(&request, &case, ts("2022-01-26T23:50:00Z")).unwrap_err();
    assert_eq!(err.aws_code(), "SignatureDoesNotMatch");
    assert_eq!(
        err.message(),
        "Signature not yet current: 20220127T001427Z is still later than 20220127T000500Z (20220126T235000Z + 15 min.)"
    );
    verify_at(&request, &case, ts("2022-01-26T23:59:27Z")).unwrap();
}

#[test]
fn presigned_request_past_expiry_is_request_expired() {
    let case = Case::get_caller_identity(signed_at_secs(), true, 60);
    let request = signed_by_aws_sigv4(&case);
    verify_at(&request, &case, ts("2022-01-27T00:15:27Z")).unwrap();
    let err = verify_at(&request, &case, ts("2022-01-27T00:15:28Z")).unwrap_err();
    assert_eq!(err, SigV4Error::RequestExpired);
    assert_eq!(err.aws_code(), "RequestExpired");
    assert_eq!(err.http_status(), 400);
    assert_eq!(err.message(), "Request has expired.");
}

#[test]
fn presigned_expiry_over_a_week_is_rejected() {
    let case = Case::get_caller_identity(signed_at_secs(), true, 60);
    let mut request = signed_by_aws_sigv4(&case);
    request.query = request
        .query
        .replace("X-Amz-Expires=60", "X-Amz-Expires=604801");
    let err = verify_at(&request, &case, ts(SIGNED_AT)).unwrap_err();
    assert_eq!(err.aws_code(), "IncompleteSignature");
    assert_eq!(
        err.message(),
        "X-Amz-Expires must be less than a week (in seconds) that is 604800"
    );
}

#[test]
fn scope_date_must_match_the_request_date() {
    let case = Case::get_caller_identity(signed_at_secs(), false, 0);
    let mut request = signed_by_aws_sigv4(&case);
    let auth = request
        .headers
        .iter_mut()
        .find(|(k, _)| k == "authorization")
        .unwrap();
    auth.1 = auth.1.replace("/20220127/", "/20220126/");
    let err = verify_at(&request, &case, ts(SIGNED_AT)).unwrap_err();
    assert_eq!(err.aws_code(), "SignatureDoesNotMatch");
    assert_eq!(
        err.message(),
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20220126' != '20220127', from '20220127T001427Z'."
    );
}

#[test]
fn wrong_secret_is_signature_does_not_match() {
    let case = Case::get_caller_identity(signed_at_secs(), false, 0);
    let request = signed_by_aws_sigv4(&case);
    let err = request
        .check(
            b"not-the-secret",
            ts(SIGNED_AT),
            VerifyOptions::default(),
            &SigningKeyCache::new(1),
        )
        .unwrap_err();
    assert_eq!(err, SigV4Error::SignatureDoesNotMatch);
    assert_eq!(err.http_status(), 403);
    assert_eq!(
        err.message(),
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    );
}

#[test]
fn content_sha256_must_match_the_body() {
    let mut case = Case::get_caller_identity(signed_at_secs(), false, 0);
    case.content_sha256_header = true;
    let mut request = signed_by_aws_sigv4(&case);
    verify_at(&request, &case, ts(SIGNED_AT)).unwrap();
    request.body = b"Action=CreateUser&Version=2010-05-08&UserName=eve".to_vec();
    let err = verify_at(&request, &case, ts(SIGNED_AT)).unwrap_err();
    assert_eq!(err, SigV4Error::PayloadHashMismatch);
    assert_eq!(err.aws_code(), "SignatureDoesNotMatch");
}

#[test]
fn unsigned_payload_needs_an_opt_in_when_there_is_a_body() {
    let mut case = Case::get_caller_identity(signed_at_secs(), false, 0);
    case.content_sha256_header = true;
    case.unsigned_payload = true;
    let request = signed_by_aws_sigv4(&case);
    assert!(
        request
            .headers
            .iter()
            .any(|(k, v)| k == "x-amz-content-sha256" && v == "UNSIGNED-PAYLOAD")
    );
    assert_eq!(
        verify_at(&request, &case, ts(SIGNED_AT)),
        Err(SigV4Error::PayloadHashMismatch)
    );
    let permissive = VerifyOptions {
        allow_unsigned_payload: true,
        ..VerifyOptions::default()
    };
    request
        .check(
            case.secret.as_bytes(),
            ts(SIGNED_AT),
            permissive,
            &SigningKeyCache::new(1),
        )
        .unwrap();
}

#[test]
fn session_token_comes_from_header_or_query() {
    let mut case = Case::get_caller_identity(signed_at_secs(), false, 0);
    case.token = Some("FwoGZXIvYXdzEXAMPLE".to_owned());
    let request = signed_by_aws_sigv4(&case);
    let signed = request.with_parts(warden_sigv4::parse).unwrap().unwrap();
    assert_eq!(signed.session_token.as_deref(), Some("FwoGZXIvYXdzEXAMPLE"));
    assert!(
        signed
            .signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token")
    );
    verify_at(&request, &case, ts(SIGNED_AT)).unwrap();

    case.presigned = true;
    case.expires = 900;
    let presigned = signed_by_aws_sigv4(&case);
    let signed = presigned.with_parts(warden_sigv4::parse).unwrap().unwrap();
    assert_eq!(signed.session_token.as_deref(), Some("FwoGZXIvYXdzEXAMPLE"));
    assert_eq!(signed.expires_secs, Some(900));
    verify_at(&presigned, &case, ts(SIGNED_AT)).unwrap();
}

#[test]
fn http_date_header_is_accepted_when_x_amz_date_is_absent() {
    let with_date = request(
        &[
            ("Host", "sts.amazonaws.com"),
            ("Date", "Thu, 27 Jan 2022 00:14:27 GMT"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20220127/us-east-1/sts/aws4_request, SignedHeaders=date;host, Signature=0000000000000000000000000000000000000000000000000000000000000000",
            ),
        ],
        "",
    );
    let signed = with_date.with_parts(warden_sigv4::parse).unwrap().unwrap();
    assert_eq!(signed.amz_date, "20220127T001427Z");
    assert_eq!(signed.timestamp, ts(SIGNED_AT));
}

#[test]
fn scope_service_and_region_checks() {
    let case = Case::get_caller_identity(signed_at_secs(), false, 0);
    let request = signed_by_aws_sigv4(&case);
    let signed = request.with_parts(warden_sigv4::parse).unwrap().unwrap();
    signed.scope.expect_service("sts").unwrap();
    signed
        .scope
        .expect_region(&["us-east-1", "eu-west-1"])
        .unwrap();
    let wrong_service = signed.scope.expect_service("iam").unwrap_err();
    assert_eq!(wrong_service.aws_code(), "SignatureDoesNotMatch");
    assert_eq!(wrong_service.http_status(), 403);
    assert_eq!(
        wrong_service.message(),
        "Credential should be scoped to correct service: 'iam'."
    );
    assert_eq!(
        signed
            .scope
            .expect_region(&["eu-west-1"])
            .unwrap_err()
            .message(),
        "Credential should be scoped to a valid region, not 'us-east-1'."
    );
}
