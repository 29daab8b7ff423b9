//! `verify_trail` over a trail built with the crate's own writers: untouched, then with
//! each kind of tampering, checking that the first problem names the right file.

use std::collections::BTreeMap;

use warden_audit::chain::{Anchor, ChainBreak, Link};
use warden_audit::digest::{DigestFile, DigestLogFile, PreviousDigest, SigningKey};
use warden_audit::logfile::{LogEntry, LogFile, TrailLocation, gunzip, gzip};
use warden_audit::time;
use warden_audit::verify::{FileSource, Problem, PublicKeys, SourceError, verify_trail};

#[derive(Default, Clone)]
struct MemorySource {
    objects: BTreeMap<String, (Vec<u8>, Option<String>)>,
}

impl FileSource for MemorySource {
    fn list(&self, prefix: &str) -> Result<Vec<String>, SourceError> {
        Ok(self
            .objects
            .keys()
            .filter(|key| key.starts_with(prefix))
            .cloned()
            .collect())
    }
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SourceError> {
        Ok(self.objects.get(key).map(|(bytes, _)| bytes.clone()))
    }
    fn signature(&self, key: &str) -> Result<Option<String>, SourceError> {
        Ok(self
            .objects
            .get(key)
            .and_then(|(_, signature)| signature.clone()))
    }
}

fn location() -> TrailLocation {
    TrailLocation {
        bucket: "trail-bucket".to_owned(),
        prefix: Some("warden".to_owned()),
        account_id: "111122223333".to_owned(),
        region: "us-east-1".to_owned(),
        trail_name: "main".to_owned(),
        home_region: "us-east-1".to_owned(),
    }
}

struct Trail {
    source: MemorySource,
    logs: Vec<String>,
    digests: Vec<String>,
    keys: PublicKeys,
}

fn at(text: &str) -> jiff::Timestamp {
    time::parse(text).unwrap()
}

/// 7 log files of 2 chained records each (L0..L6, delivered at hh:05 and hh:25), 3 hourly
/// digests listing two each; L6 comes after the last digest. `skip` drops one record.
fn build_trail(key: &SigningKey, skip: Option<u64>) -> Trail {
    let location = location();
    let bodies: Vec<Vec<u8>> = (1..=14)
        .map(|n| format!("{{\"eventName\":\"Op{n}\",\"n\":{n}}}").into_bytes())
        .collect();
    let mut head = Anchor::GENESIS;
    let links: Vec<Link<'_>> = bodies
        .iter()
        .map(|body| {
            let link = Link::after(&head, body);
            head = link.as_anchor();
            link
        })
        .filter(|link| Some(link.sequence) != skip)
        .collect();
    let mut source = MemorySource::default();
    let mut logs = Vec::new();
    let mut files = Vec::new();
    for (index, pair) in links.chunks(2).enumerate() {
        let hour = index / 2;
        let minute = if index % 2 == 0 { 5 } else { 25 };
        let delivered = at(&format!("2026-01-01T{hour:02}:{minute:02}:10Z"));
        let entries: Vec<LogEntry<'_>> = pair
            .iter()
            .map(|link| LogEntry {
                link: *link,
                event_time: delivered,
            })
            .collect();
        let file = LogFile::build(
            location.log_file_key(delivered, &format!("unique{index:010}")),
            &entries,
        )
        .unwrap();
        source
            .objects
            .insert(file.key.clone(), (file.gzipped.clone(), None));
        logs.push(file.key.clone());
        files.push(file);
    }
    let mut digests = Vec::new();
    let mut previous: Option<PreviousDigest> = None;
    for hour in 0..3 {
        let start = at(&format!("2026-01-01T{hour:02}:00:00Z"));
        let end = at(&format!("2026-01-01T{hour:02}:59:00Z"));
        let object = location.digest_file_key(end);
        let listed = files[hour * 2..hour * 2 + 2]
            .iter()
            .map(|f| DigestLogFile::for_file(&location.bucket, f))
            .collect();
        let signed = DigestFile::new(
            &location.account_id,
            start,
            end,
            &location.bucket,
            &object,
            key,
            previous.as_ref(),
            listed,
        )
        .sign(key)
        .unwrap();
        source.objects.insert(
            object.clone(),
            (signed.gzipped.clone(), Some(signed.signature_hex.clone())),
        );
        previous = Some(signed.as_previous(&location.bucket));
        digests.push(object);
    }
    Trail {
        source,
        logs,
        digests,
        keys: PublicKeys::from_der([key.public_key_der()]),
    }
}

fn first_problem(trail: &Trail) -> Problem {
    let report = verify_trail(&trail.source, &location(), &trail.keys).unwrap();
    assert!(!report.is_valid());
    report.first_problem().cloned().unwrap()
}

#[test]
fn an_untouched_trail_verifies() {
    let (key, _) = SigningKey::generate().unwrap();
    let trail = build_trail(&key, None);
    let report = verify_trail(&trail.source, &location(), &trail.keys).unwrap();
    assert_eq!(report.problems, vec![]);
    assert_eq!((report.digests_valid, report.digests_total), (3, 3));
    assert_eq!((report.log_files_valid, report.log_files_total), (6, 6));
    assert_eq!(report.uncovered_log_files, vec![trail.logs[6].clone()]);
    assert!(trail.logs[0].starts_with("warden/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0005Z_"));
}

#[test]
fn names_an_altered_log_file() {
    let (key, _) = SigningKey::generate().unwrap();
    // One byte of the stored (gzipped) file.
    let mut trail = build_trail(&key, None);
    let (bytes, _) = trail.source.objects.get_mut(&trail.logs[2]).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    assert_eq!(
        first_problem(&trail),
        Problem::LogFileAltered {
            key: trail.logs[2].clone()
        }
    );
    // One byte of the content, properly re-gzipped.
    let mut trail = build_trail(&key, None);
    let (bytes, _) = trail.source.objects.get_mut(&trail.logs[3]).unwrap();
    let text = String::from_utf8(gunzip(bytes).unwrap())
        .unwrap()
        .replace("Op7", "Op8");
    *bytes = gzip(text.as_bytes()).unwrap();
    assert_eq!(
        first_problem(&trail),
        Problem::LogFileAltered {
            key: trail.logs[3].clone()
        }
    );
}

#[test]
fn names_a_removed_log_file() {
    let (key, _) = SigningKey::generate().unwrap();
    let mut trail = build_trail(&key, None);
    trail.source.objects.remove(&trail.logs[3]);
    assert_eq!(
        first_problem(&trail),
        Problem::LogFileMissing {
            key: trail.logs[3].clone()
        }
    );
}

#[test]
fn names_an_inserted_log_file() {
    let (key, _) = SigningKey::generate().unwrap();
    let mut trail = build_trail(&key, None);
    let forged_key = location().log_file_key(at("2026-01-01T01:40:00Z"), "forgedforgedforg");
    let copy = trail.source.objects[&trail.logs[2]].clone();
    trail.source.objects.insert(forged_key.clone(), copy);
    assert_eq!(
        first_problem(&trail),
        Problem::LogFileInserted { key: forged_key }
    );
}

#[test]
fn names_a_removed_digest() {
    let (key, _) = SigningKey::generate().unwrap();
    let mut trail = build_trail(&key, None);
    trail.source.objects.remove(&trail.digests[1]);
    let report = verify_trail(&trail.source, &location(), &trail.keys).unwrap();
    assert_eq!(
        report.first_problem(),
        Some(&Problem::DigestMissing {
            key: trail.digests[1].clone()
        })
    );
    // Its log files are now listed by no digest.
    assert!(report.problems.contains(&Problem::LogFileInserted {
        key: trail.logs[2].clone()
    }));
}

#[test]
fn names_a_digest_with_a_bad_signature_an_unknown_key_or_a_new_location() {
    let (key, _) = SigningKey::generate().unwrap();
    let mut trail = build_trail(&key, None);
    trail.source.objects.get_mut(&trail.digests[0]).unwrap().1 = Some("00".repeat(256));
    assert!(
        matches!(first_problem(&trail), Problem::DigestInvalid { key, reason } if key == trail.digests[0] && reason == "signature verification failed")
    );

    let mut trail = build_trail(&key, None);
    trail.source.objects.get_mut(&trail.digests[2]).unwrap().1 = None;
    assert!(
        matches!(first_problem(&trail), Problem::DigestInvalid { key, .. } if key == trail.digests[2])
    );

    let (other, _) = SigningKey::generate().unwrap();
    let mut trail = build_trail(&key, None);
    trail.keys = PublicKeys::from_der([other.public_key_der()]);
    assert!(
        matches!(first_problem(&trail), Problem::DigestInvalid { reason, .. } if reason.starts_with("public key not found"))
    );

    let mut trail = build_trail(&key, None);
    let moved = location().digest_file_key(at("2026-01-01T05:59:00Z"));
    let copy = trail.source.objects[&trail.digests[2]].clone();
    trail.source.objects.insert(moved.clone(), copy);
    assert!(
        matches!(first_problem(&trail), Problem::DigestInvalid { key, reason } if key == moved && reason.contains("moved"))
    );
}

#[test]
fn names_a_replaced_digest_even_when_signed_with_the_real_key() {
    let (key, _) = SigningKey::generate().unwrap();
    let mut trail = build_trail(&key, None);
    // Re-sign digest 1 with one log file dropped from its list.
    let (bytes, _) = trail.source.objects[&trail.digests[1]].clone();
    let mut digest: DigestFile = serde_json::from_slice(&gunzip(&bytes).unwrap()).unwrap();
    digest.log_files.pop();
    let signed = digest.sign(&key).unwrap();
    trail.source.objects.insert(
        trail.digests[1].clone(),
        (signed.gzipped, Some(signed.signature_hex)),
    );
    let report = verify_trail(&trail.source, &location(), &trail.keys).unwrap();
    assert!(
        matches!(report.first_problem(), Some(Problem::DigestChainBroken { key, .. }) if *key == trail.digests[2])
    );
}

#[test]
fn names_a_record_removed_before_delivery() {
    let (key, _) = SigningKey::generate().unwrap();
    let trail = build_trail(&key, Some(5));
    let report = verify_trail(&trail.source, &location(), &trail.keys).unwrap();
    assert_eq!(
        report.first_problem(),
        Some(&Problem::RecordChainBroken {
            key: trail.logs[2].clone(),
            chain_break: ChainBreak::Removed {
                expected: 5,
                found: 6
            },
        })
    );
    assert_eq!(
        report.first_problem().unwrap().to_string(),
        format!(
            "Log file {}: INVALID: audit records 5..6 are missing (removed)",
            trail.logs[2]
        )
    );
}
