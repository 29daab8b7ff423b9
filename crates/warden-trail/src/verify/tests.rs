use std::collections::BTreeMap;

use warden_audit::chain::{Anchor, Link};
use warden_audit::logfile::{LogEntry, LogFile, ParsedLogFile, gunzip, gzip};
use warden_audit::verify::{Problem, PublicKeys};

use super::{RecordProblem, TimeRange, TrailCheck, key_time, verify_delivered};
use crate::bucket;
use crate::testing::{Fixture, at};

/// A trail with two digested log files (events at 1 and 2, then 40) and one newer,
/// undigested file (event at 130).
fn delivered() -> (Fixture, Vec<String>) {
    let fx = Fixture::new();
    fx.create_trail("main", |_| {});
    let delivery = fx.delivery(60);
    fx.iam(1);
    fx.iam(2);
    delivery.deliver(at(5)).unwrap();
    fx.iam(40);
    delivery.deliver(at(45)).unwrap();
    delivery.deliver(at(61)).unwrap();
    delivery.deliver(at(125)).unwrap();
    fx.iam(130);
    delivery.deliver(at(131)).unwrap();
    let logs = fx.log_keys("us-east-1");
    assert_eq!(logs.len(), 3);
    assert_eq!(fx.digest_keys("us-east-1").len(), 2);
    (fx, logs)
}

fn check(fx: &Fixture, range: TimeRange) -> Vec<TrailCheck> {
    let keys = PublicKeys::from_der(fx.keys.public_keys().into_iter().map(|k| k.der));
    verify_delivered(
        fx.store.as_ref(),
        fx.audit.as_ref(),
        &keys,
        fx.root(),
        range,
    )
    .unwrap()
}

fn only(fx: &Fixture) -> TrailCheck {
    let checks = check(fx, TimeRange::default());
    assert_eq!(checks.len(), 1, "{checks:?}");
    checks.into_iter().next().unwrap()
}

fn rewrite(fx: &Fixture, key: &str, edit: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let object = bucket::get_object(fx.root(), "trail-bucket", key).unwrap();
    let json = edit(gunzip(&object.bytes).unwrap());
    bucket::put_object(
        fx.root(),
        "trail-bucket",
        key,
        &gzip(&json).unwrap(),
        &BTreeMap::new(),
    )
    .unwrap();
}

#[test]
fn an_untouched_trail_verifies() {
    let (fx, _) = delivered();
    let check = only(&fx);
    assert!(check.is_valid(), "{check:?}");
    assert_eq!(check.records_checked, 4);
    assert_eq!(
        (check.report.digests_valid, check.report.log_files_valid),
        (2, 2)
    );
    assert_eq!(check.report.uncovered_log_files.len(), 1);
}

#[test]
fn an_altered_digested_log_file_is_named() {
    let (fx, logs) = delivered();
    let path = fx.root().join("trail-bucket").join(&logs[0]);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 12;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let check = only(&fx);
    assert_eq!(
        check.report.first_problem(),
        Some(&Problem::LogFileAltered {
            key: logs[0].clone()
        })
    );
    assert!(!check.is_valid());
}

#[test]
fn an_altered_record_in_an_undigested_file_is_named_by_sequence() {
    let (fx, logs) = delivered();
    // Same length, valid JSON, chain metadata untouched: only the record check sees it.
    rewrite(&fx, &logs[2], |json| {
        String::from_utf8(json)
            .unwrap()
            .replace("\"Op\"", "\"Oq\"")
            .into_bytes()
    });
    let check = only(&fx);
    assert!(check.report.is_valid(), "{:?}", check.report.problems);
    assert_eq!(
        check.record_problems,
        [RecordProblem::Altered {
            key: logs[2].clone(),
            sequence: 4
        }]
    );
}

#[test]
fn a_forged_file_with_recomputed_hashes_differs_from_the_audit_log() {
    let (fx, logs) = delivered();
    let json = gunzip(
        &bucket::get_object(fx.root(), "trail-bucket", &logs[2])
            .unwrap()
            .bytes,
    )
    .unwrap();
    let parsed = ParsedLogFile::parse(&json).unwrap();
    let link = parsed.links().unwrap().unwrap()[0];
    let forged = String::from_utf8(link.record.to_vec())
        .unwrap()
        .replace("\"Op\"", "\"Forged\"");
    let anchor = Anchor {
        sequence: link.sequence - 1,
        hash: link.prev_hash,
    };
    let file = LogFile::build(
        logs[2].clone(),
        &[LogEntry {
            link: Link::after(&anchor, forged.as_bytes()),
            event_time: at(130),
        }],
    )
    .unwrap();
    bucket::put_object(
        fx.root(),
        "trail-bucket",
        &logs[2],
        &file.gzipped,
        &BTreeMap::new(),
    )
    .unwrap();
    let check = only(&fx);
    assert_eq!(
        check.record_problems,
        [RecordProblem::Altered {
            key: logs[2].clone(),
            sequence: 4
        }]
    );
}

#[test]
fn removed_and_duplicated_files_are_named() {
    let (fx, logs) = delivered();
    std::fs::remove_file(fx.root().join("trail-bucket").join(&logs[2])).unwrap();
    let copy = logs[1].replace(".json.gz", "x.json.gz");
    let bytes = bucket::get_object(fx.root(), "trail-bucket", &logs[1])
        .unwrap()
        .bytes;
    bucket::put_object(fx.root(), "trail-bucket", &copy, &bytes, &BTreeMap::new()).unwrap();
    let check = only(&fx);
    assert!(
        check
            .report
            .problems
            .contains(&Problem::LogFileInserted { key: copy.clone() })
    );
    assert!(check.record_problems.contains(&RecordProblem::Inserted {
        key: copy,
        sequence: 3
    }));
    assert!(check.record_problems.contains(&RecordProblem::Removed {
        sequence: 4,
        event_time: at(130)
    }));
}

#[test]
fn a_removed_digest_is_named() {
    let (fx, _) = delivered();
    let digests = fx.digest_keys("us-east-1");
    std::fs::remove_file(fx.root().join("trail-bucket").join(&digests[0])).unwrap();
    let check = only(&fx);
    assert_eq!(
        check.report.first_problem(),
        Some(&Problem::DigestMissing {
            key: digests[0].clone()
        })
    );
}

#[test]
fn a_time_range_limits_the_files_checked() {
    let (fx, logs) = delivered();
    std::fs::remove_file(fx.root().join("trail-bucket").join(&logs[2])).unwrap();
    // Before the undigested file was delivered: its removal is outside the range.
    let early = TimeRange {
        from: None,
        to: Some(at(125)),
    };
    let checks = check(&fx, early);
    assert!(checks[0].is_valid(), "{checks:?}");
    assert!(!check(&fx, TimeRange::default())[0].is_valid());
    assert_eq!(
        key_time(&logs[0]),
        Some(at(0)),
        "log keys carry their delivery minute"
    );
    let digest = &fx.digest_keys("us-east-1")[0];
    assert_eq!(key_time(digest), Some(at(60)));
}
