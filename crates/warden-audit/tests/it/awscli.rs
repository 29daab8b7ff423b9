//! The real aws-cli's digest validator (`awscli.customizations.cloudtrail.validation`,
//! `Sha256RSADigestValidator` and `DigestTraverser.required_digest_keys`) against digests
//! this crate signs. Needs a Python with the `awscli` package: `$WARDEN_PYTHON` (the
//! test suite's venv, set by `scripts/test.sh`), else `python3`.

use std::process::Command;

use base64::Engine as _;
use warden_audit::digest::{DigestFile, SigningKey};
use warden_audit::logfile::{TrailLocation, gunzip};
use warden_audit::time;

const VALIDATE: &str = r#"
import base64, json, sys, zlib
from awscli.customizations.cloudtrail.validation import DigestTraverser, Sha256RSADigestValidator
bucket, key, gz_path, signature, public_key_b64 = sys.argv[1:6]
inflated = zlib.decompress(open(gz_path, 'rb').read(), zlib.MAX_WBITS | 16)
data = json.loads(inflated.decode())
missing = [k for k in DigestTraverser.required_digest_keys if k not in data]
assert not missing, missing
assert data['digestS3Bucket'] == bucket and data['digestS3Object'] == key, 'moved'
data['_signature'] = signature
data['_signature_algorithm'] = 'SHA256withRSA'
Sha256RSADigestValidator().validate(bucket, key, public_key_b64, data, inflated)
print('valid')
"#;

fn run_validator(
    bucket: &str,
    key: &str,
    gzipped: &[u8],
    signature: &str,
    public_key_der: &[u8],
) -> bool {
    let dir = tempfile_dir();
    let path = dir.join("digest.json.gz");
    std::fs::write(&path, gzipped).unwrap();
    let public_key = base64::engine::general_purpose::STANDARD.encode(public_key_der);
    let python = std::env::var("WARDEN_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let output = Command::new(python)
        .args([
            "-c",
            VALIDATE,
            bucket,
            key,
            path.to_str().unwrap(),
            signature,
            &public_key,
        ])
        .output()
        .expect("python3 runs");
    std::fs::remove_dir_all(&dir).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    output.status.success() && stdout.trim() == "valid"
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("warden-audit-awscli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_aws_cli_validates_our_digests_and_rejects_altered_ones() {
    let (key, _) = SigningKey::generate().unwrap();
    let location = TrailLocation {
        bucket: "trail-bucket".to_owned(),
        prefix: None,
        account_id: "111122223333".to_owned(),
        region: "us-east-1".to_owned(),
        trail_name: "main".to_owned(),
        home_region: "us-east-1".to_owned(),
    };
    let end = time::parse("2026-01-01T00:59:00Z").unwrap();
    let object = location.digest_file_key(end);
    let start = time::parse("2026-01-01T00:00:00Z").unwrap();
    let first = DigestFile::new(
        &location.account_id,
        start,
        end,
        &location.bucket,
        &object,
        &key,
        None,
        vec![],
    )
    .sign(&key)
    .unwrap();
    let der = key.public_key_der();
    assert!(run_validator(
        &location.bucket,
        &object,
        &first.gzipped,
        &first.signature_hex,
        &der
    ));

    // A chained digest (previousDigestSignature is a hex string, not null).
    let end2 = time::parse("2026-01-01T01:59:00Z").unwrap();
    let object2 = location.digest_file_key(end2);
    let second = DigestFile::new(
        &location.account_id,
        end,
        end2,
        &location.bucket,
        &object2,
        &key,
        Some(&first.as_previous(&location.bucket)),
        vec![],
    )
    .sign(&key)
    .unwrap();
    assert!(run_validator(
        &location.bucket,
        &object2,
        &second.gzipped,
        &second.signature_hex,
        &der
    ));

    // Rejections: another signature, a changed byte, another location.
    assert!(!run_validator(
        &location.bucket,
        &object2,
        &second.gzipped,
        &first.signature_hex,
        &der
    ));
    let altered = String::from_utf8(gunzip(&second.gzipped).unwrap())
        .unwrap()
        .replace("111122223333", "111122223334");
    let altered = warden_audit::logfile::gzip(altered.as_bytes()).unwrap();
    assert!(!run_validator(
        &location.bucket,
        &object2,
        &altered,
        &second.signature_hex,
        &der
    ));
    assert!(!run_validator(
        "other-bucket",
        &object2,
        &second.gzipped,
        &second.signature_hex,
        &der
    ));
}
