use warden_audit::logfile::{ParsedLogFile, gunzip};
use warden_store::StoreExt;

use super::location;
use crate::bucket;
use crate::testing::{ACCOUNT, Fixture, OTHER, at};

#[test]
fn delivers_the_trails_events_and_signed_chained_digests() {
    let fx = Fixture::new();
    let trail = fx.create_trail("main", |_| {});
    let delivery = fx.delivery(60);
    let first = fx.iam(1);
    fx.iam(2);
    let report = delivery.deliver(at(5)).unwrap();
    assert_eq!(
        (report.log_files, report.records, report.digest_files),
        (1, 2, 0)
    );
    assert!(report.failures.is_empty());
    let logs = fx.log_keys("us-east-1");
    assert_eq!(logs.len(), 1);
    let name = format!(
        "warden/AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/01/01/{ACCOUNT}_CloudTrail_us-east-1_20260101T0000Z_"
    );
    assert!(
        logs[0].starts_with(&name) && logs[0].ends_with(".json.gz"),
        "{}",
        logs[0]
    );
    assert_eq!(logs[0].len(), name.len() + 16 + ".json.gz".len());
    assert_eq!(fx.delivered_sequences("us-east-1"), [first, first + 1]);

    // Nothing new, period not over: nothing written.
    assert_eq!(
        delivery.deliver(at(30)).unwrap(),
        super::DeliveryReport::default()
    );
    fx.iam(40);
    // The period [0, 60) ends: a digest lists the first file; the new event's file is
    // delivered after it and waits for the next digest.
    let report = delivery.deliver(at(61)).unwrap();
    assert_eq!((report.log_files, report.digest_files), (1, 1));
    let digests = fx.digest_keys("us-east-1");
    assert_eq!(
        digests,
        [format!(
            "warden/AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2026/01/01/{ACCOUNT}_CloudTrail-Digest_us-east-1_main_us-east-1_20260101T000100Z.json.gz"
        )]
    );
    let first_digest = fx.digest(&digests[0]);
    assert_eq!(first_digest.digest_start_time, at(0));
    assert_eq!(first_digest.digest_end_time, at(60));
    assert_eq!(first_digest.previous_digest_signature, None);
    assert_eq!(first_digest.log_files.len(), 1);
    assert_eq!(first_digest.log_files[0].s3_object, logs[0]);

    // Two periods pass with no new events: one digest covers the rest, then an empty one.
    delivery.deliver(at(185)).unwrap();
    let digests = fx.digest_keys("us-east-1");
    assert_eq!(digests.len(), 2);
    let second = fx.digest(&digests[1]);
    assert_eq!(
        (second.digest_start_time, second.digest_end_time),
        (at(60), at(180))
    );
    assert_eq!(
        second.previous_digest_s3_object.as_deref(),
        Some(digests[0].as_str())
    );
    assert_eq!(second.log_files.len(), 1);
    delivery.deliver(at(245)).unwrap();
    let digests = fx.digest_keys("us-east-1");
    assert_eq!(digests.len(), 3);
    let empty = fx.digest(&digests[2]);
    assert!(empty.log_files.is_empty() && empty.newest_event_time.is_none());

    let report = fx.verify(&trail, "us-east-1");
    assert!(report.is_valid(), "{:?}", report.problems);
    assert_eq!((report.digests_valid, report.log_files_valid), (3, 2));

    let status = fx
        .store
        .read(|tx| tx.trails().delivery(ACCOUNT, "main"))
        .unwrap();
    assert_eq!(status.latest_delivery_time, Some(at(61).as_millisecond()));
    assert_eq!(
        status.latest_digest_delivery_time,
        Some(at(245).as_millisecond())
    );
    assert_eq!(status.latest_delivery_error, None);
}

#[test]
fn trails_receive_only_their_accounts_events_by_cloudtrail_rules() {
    let fx = Fixture::new();
    fx.create_trail("main", |_| {});
    fx.create_trail("noglobal", |t| {
        t.include_global_service_events = false;
        t.s3_key_prefix = Some("noglobal/".to_owned());
    });
    fx.create_trail("west", |t| {
        t.home_region = "us-west-2".to_owned();
        t.s3_key_prefix = Some("west".to_owned());
    });
    fx.create_trail("everywhere", |t| {
        t.is_multi_region_trail = true;
        t.s3_key_prefix = Some("multi".to_owned());
    });
    fx.create_trail("late", |t| {
        t.start_logging_time = Some(at(10).as_millisecond());
        t.s3_key_prefix = Some("late".to_owned());
    });
    let before_start = fx.iam(5);
    let iam = fx.iam(11);
    let other_account = fx.event(OTHER, 12, "iam.amazonaws.com", "us-east-1");
    let kms_east = fx.event(ACCOUNT, 13, "kms.amazonaws.com", "us-east-1");
    let kms_west = fx.event(ACCOUNT, 14, "kms.amazonaws.com", "us-west-2");
    let report = fx.delivery(3600).deliver(at(20)).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let delivered = |prefix: &str, region: &str| {
        let mut sequences = Vec::new();
        let keys = fx.keys_under(&format!("{prefix}/AWSLogs/{ACCOUNT}/CloudTrail/{region}/"));
        for key in keys {
            let object = bucket::get_object(fx.root(), "trail-bucket", &key).unwrap();
            let json = gunzip(&object.bytes).unwrap();
            let parsed = ParsedLogFile::parse(&json).unwrap();
            sequences.extend(parsed.links().unwrap().unwrap().iter().map(|l| l.sequence));
        }
        sequences.sort_unstable();
        sequences
    };
    assert_eq!(
        delivered("warden", "us-east-1"),
        [before_start, iam, kms_east]
    );
    assert_eq!(delivered("noglobal", "us-east-1"), [kms_east]);
    assert_eq!(delivered("west", "us-west-2"), [kms_west]);
    assert!(delivered("west", "us-east-1").is_empty());
    assert_eq!(
        delivered("multi", "us-east-1"),
        [before_start, iam, kms_east]
    );
    assert_eq!(delivered("multi", "us-west-2"), [kms_west]);
    assert_eq!(delivered("late", "us-east-1"), [iam, kms_east]);
    assert!(!delivered("warden", "us-east-1").contains(&other_account));
}

#[test]
fn an_interrupted_round_is_finished_without_duplicates_or_gaps() {
    let fx = Fixture::new();
    let trail = fx.create_trail("main", |_| {});
    let delivery = fx.delivery(60);
    let first = fx.iam(1);
    fx.iam(2);
    // The bucket cannot be written: the round plans its files, then fails.
    std::fs::create_dir_all(fx.root().join("trail-bucket")).unwrap();
    std::fs::write(fx.root().join("trail-bucket/warden"), b"in the way").unwrap();
    let report = delivery.deliver(at(5)).unwrap();
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].trail_arn, trail.arn);
    let status = fx
        .store
        .read(|tx| tx.trails().delivery(ACCOUNT, "main"))
        .unwrap();
    assert!(status.latest_delivery_error.is_some());
    // More events arrive before the next round.
    fx.iam(6);
    std::fs::remove_file(fx.root().join("trail-bucket/warden")).unwrap();
    let report = delivery.deliver(at(10)).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.records, 3);
    assert_eq!(
        fx.delivered_sequences("us-east-1"),
        [first, first + 1, first + 2]
    );
    let status = fx
        .store
        .read(|tx| tx.trails().delivery(ACCOUNT, "main"))
        .unwrap();
    assert_eq!(status.latest_delivery_error, None);

    // An interrupted digest: the digest's place is a directory, so its write fails.
    fx.iam(20);
    delivery.deliver(at(21)).unwrap();
    let digest_key = location(&trail, "us-east-1").digest_file_key(at(60));
    std::fs::create_dir_all(fx.root().join("trail-bucket").join(&digest_key)).unwrap();
    assert_eq!(delivery.deliver(at(75)).unwrap().failures.len(), 1);
    std::fs::remove_dir(fx.root().join("trail-bucket").join(&digest_key)).unwrap();
    // Later, the planned digest (ending at 60) is written, not one ending at 120.
    let report = delivery.deliver(at(130)).unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let digests = fx.digest_keys("us-east-1");
    assert_eq!(digests[0], digest_key);
    // The resumed file (records 1-2), the late event's file (3) and the next one (4).
    assert_eq!(fx.digest(&digests[0]).log_files.len(), 3);
    let report = fx.verify(&trail, "us-east-1");
    assert!(report.is_valid(), "{:?}", report.problems);
}

#[test]
fn stopping_delivers_up_to_the_stop_then_a_final_digest_and_restarting_starts_a_new_chain() {
    let fx = Fixture::new();
    let mut trail = fx.create_trail("main", |_| {});
    let delivery = fx.delivery(60);
    let kept = fx.iam(1);
    delivery.deliver(at(2)).unwrap();
    let before_stop = fx.iam(3);
    trail.logging = false;
    trail.stop_logging_time = Some(at(4).as_millisecond());
    fx.store.write(|tx| tx.trails().update(&trail)).unwrap();
    let after_stop = fx.iam(5);
    let report = delivery.deliver(at(10)).unwrap();
    assert_eq!((report.records, report.digest_files), (1, 1));
    assert_eq!(fx.delivered_sequences("us-east-1"), [kept, before_stop]);
    let digests = fx.digest_keys("us-east-1");
    let final_digest = fx.digest(&digests[0]);
    assert_eq!(final_digest.digest_end_time, at(10));
    assert_eq!(final_digest.log_files.len(), 2);
    // Stopped: later rounds write nothing.
    assert_eq!(
        delivery.deliver(at(200)).unwrap(),
        super::DeliveryReport::default()
    );

    trail.logging = true;
    trail.start_logging_time = Some(at(300).as_millisecond());
    fx.store.write(|tx| tx.trails().update(&trail)).unwrap();
    let restarted = fx.iam(301);
    delivery.deliver(at(302)).unwrap();
    delivery.deliver(at(365)).unwrap();
    let digests = fx.digest_keys("us-east-1");
    assert_eq!(digests.len(), 2);
    let starting = fx.digest(&digests[1]);
    assert_eq!(starting.digest_start_time, at(300));
    assert_eq!(starting.previous_digest_s3_object, None);
    let delivered = fx.delivered_sequences("us-east-1");
    assert_eq!(delivered, [kept, before_stop, restarted]);
    assert!(!delivered.contains(&after_stop));
}

#[test]
fn without_validation_no_digests_are_written() {
    let fx = Fixture::new();
    fx.create_trail("main", |t| t.log_file_validation_enabled = false);
    fx.iam(1);
    let delivery = fx.delivery(1);
    delivery.deliver(at(5)).unwrap();
    delivery.deliver(at(10)).unwrap();
    assert_eq!(fx.log_keys("us-east-1").len(), 1);
    assert!(fx.digest_keys("us-east-1").is_empty());
}
