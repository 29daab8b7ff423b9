use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine as _;

use super::{
    DigestFile, DigestLogFile, SigningKey, fingerprint, signature_is_valid, string_to_sign,
};
use crate::logfile::{gunzip, sha256_hex};
use crate::time;

const BUCKET: &str = "bucket";

fn digest(key: &SigningKey, previous: Option<&super::PreviousDigest>, object: &str) -> DigestFile {
    let log = DigestLogFile {
        s3_bucket: BUCKET.to_owned(),
        s3_object: "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/x.json.gz".to_owned(),
        hash_value: "9bb6".to_owned(),
        hash_algorithm: "SHA-256".to_owned(),
        newest_event_time: time::parse("2015-08-17T14:52:27Z").unwrap(),
        oldest_event_time: time::parse("2015-08-17T14:42:27Z").unwrap(),
    };
    DigestFile::new(
        "111122223333",
        time::parse("2015-08-17T14:01:31Z").unwrap(),
        time::parse("2015-08-17T15:01:31Z").unwrap(),
        BUCKET,
        object,
        key,
        previous,
        vec![log],
    )
}

#[test]
fn fingerprint_is_hex_md5() {
    assert_eq!(fingerprint(b""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(fingerprint(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
}

#[test]
fn string_to_sign_matches_the_aws_cli_format() {
    assert_eq!(
        string_to_sign("2015-08-17T15:01:31Z", "b", "k.json.gz", "abc", None),
        "2015-08-17T15:01:31Z\nb/k.json.gz\nabc\nnull"
    );
    assert_eq!(
        string_to_sign("t", "b", "k", "h", Some("5088")),
        "t\nb/k\nh\n5088"
    );
}

#[test]
fn a_starting_digest_has_cloudtrail_fields_and_nulls() {
    let (key, _) = SigningKey::generate().unwrap();
    let file = digest(&key, None, "d1.json.gz");
    let json = String::from_utf8(serde_json::to_vec(&file).unwrap()).unwrap();
    let expected_prefix = format!(
        concat!(
            r#"{{"awsAccountId":"111122223333","digestStartTime":"2015-08-17T14:01:31Z","digestEndTime":"2015-08-17T15:01:31Z","#,
            r#""digestS3Bucket":"bucket","digestS3Object":"d1.json.gz","digestPublicKeyFingerprint":"{}","#,
            r#""digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2015-08-17T14:52:27Z","oldestEventTime":"2015-08-17T14:42:27Z","#,
            r#""previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"#,
            r#""previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[{{"s3Bucket":"bucket","#,
            r#""s3Object":"AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/x.json.gz","hashValue":"9bb6","hashAlgorithm":"SHA-256","#,
            r#""newestEventTime":"2015-08-17T14:52:27Z","oldestEventTime":"2015-08-17T14:42:27Z"}}]}}"#
        ),
        key.fingerprint()
    );
    assert_eq!(json, expected_prefix);
    let mut empty = file;
    empty.log_files.clear();
    empty.newest_event_time = None;
    empty.oldest_event_time = None;
    let json = serde_json::to_string(&empty).unwrap();
    assert!(
        json.contains(r#""newestEventTime":null,"oldestEventTime":null"#)
            && json.ends_with(r#""logFiles":[]}"#)
    );
    assert_eq!(serde_json::from_str::<DigestFile>(&json).unwrap(), empty);
}

/// Verifies a signed digest with nothing from this module but the bytes: the aws-cli's
/// algorithm re-implemented (gunzip, SHA-256, string to sign from the JSON's own fields,
/// PKCS#1 v1.5 SHA-256 with the PKCS#1 DER key, key looked up by MD5 fingerprint).
fn verify_like_the_aws_cli(
    gzipped: &[u8],
    signature_hex: &str,
    public_key_der: &[u8],
    location: (&str, &str),
) {
    let inflated = gunzip(gzipped).unwrap();
    let data: serde_json::Value = serde_json::from_slice(&inflated).unwrap();
    for required in [
        "digestPublicKeyFingerprint",
        "digestS3Bucket",
        "digestS3Object",
        "previousDigestSignature",
        "digestEndTime",
        "digestStartTime",
    ] {
        assert!(data.get(required).is_some(), "{required} missing");
    }
    assert_eq!(data["digestS3Bucket"], location.0);
    assert_eq!(data["digestS3Object"], location.1);
    let md5 = {
        use md5::Digest as _;
        hex::encode(md5::Md5::digest(public_key_der))
    };
    assert_eq!(data["digestPublicKeyFingerprint"], md5.as_str());
    let previous = match &data["previousDigestSignature"] {
        serde_json::Value::Null => "null".to_owned(),
        other => other.as_str().unwrap().to_owned(),
    };
    let sha = hex::encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        &inflated,
    ));
    let to_sign = format!(
        "{}\n{}/{}\n{}\n{}",
        data["digestEndTime"].as_str().unwrap(),
        data["digestS3Bucket"].as_str().unwrap(),
        data["digestS3Object"].as_str().unwrap(),
        sha,
        previous
    );
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key_der)
        .verify(to_sign.as_bytes(), &hex::decode(signature_hex).unwrap())
        .expect("signature verifies");
}

#[test]
fn signed_digests_verify_independently_and_chain() {
    let (key, pkcs8) = SigningKey::generate().unwrap();
    let reloaded = SigningKey::from_pkcs8(&pkcs8).unwrap();
    assert_eq!(reloaded.public_key_der(), key.public_key_der());
    // ListPublicKeys' Value must be PKCS#1 RSAPublicKey (what the aws-cli's
    // rsa.PublicKey.load_pkcs1 accepts), not SubjectPublicKeyInfo.
    let value = base64::engine::general_purpose::STANDARD.encode(key.public_key_der());
    assert!(value.starts_with("MIIBCgKCAQEA"), "{value}");

    let first = digest(&key, None, "d1.json.gz").sign(&key).unwrap();
    verify_like_the_aws_cli(
        &first.gzipped,
        &first.signature_hex,
        &key.public_key_der(),
        (BUCKET, "d1.json.gz"),
    );
    let second_file = digest(&key, Some(&first.as_previous(BUCKET)), "d2.json.gz");
    assert_eq!(
        second_file.previous_digest_hash_value.as_deref(),
        Some(sha256_hex(&first.json).as_str())
    );
    assert_eq!(
        second_file.previous_digest_signature.as_deref(),
        Some(first.signature_hex.as_str())
    );
    let second = second_file.sign(&key).unwrap();
    verify_like_the_aws_cli(
        &second.gzipped,
        &second.signature_hex,
        &key.public_key_der(),
        (BUCKET, "d2.json.gz"),
    );
    assert!(signature_is_valid(
        &second.json,
        &second.signature_hex,
        &key.public_key_der()
    ));

    // One changed byte, another key, or another signature fails.
    let mut altered = second.json.clone();
    let position = altered.iter().position(|b| *b == b'9').unwrap();
    altered[position] = b'8';
    assert!(!signature_is_valid(
        &altered,
        &second.signature_hex,
        &key.public_key_der()
    ));
    assert!(!signature_is_valid(
        &second.json,
        &first.signature_hex,
        &key.public_key_der()
    ));
    let (other, _) = SigningKey::generate().unwrap();
    assert!(!signature_is_valid(
        &second.json,
        &second.signature_hex,
        &other.public_key_der()
    ));
    assert!(SigningKey::from_pkcs8(b"not a key").is_err());
}
