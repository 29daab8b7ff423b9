use super::{LogEntry, LogFile, LogFileError, ParsedLogFile, TrailLocation, gunzip, sha256_hex};
use crate::chain::{self, Anchor, Link};
use crate::time;

pub(crate) fn location() -> TrailLocation {
    TrailLocation {
        bucket: "bucket".to_owned(),
        prefix: None,
        account_id: "111122223333".to_owned(),
        region: "us-east-2".to_owned(),
        trail_name: "trail".to_owned(),
        home_region: "us-east-2".to_owned(),
    }
}

#[test]
fn keys_follow_cloudtrail_layout() {
    let mut location = location();
    assert_eq!(
        location.log_file_key(
            time::parse("2015-08-17T14:45:59Z").unwrap(),
            "9nYN7gp2eWAJHIfT"
        ),
        "AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz"
    );
    assert_eq!(
        location.digest_file_key(time::parse("2015-08-17T15:01:31Z").unwrap()),
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_trail_us-east-2_20150817T150131Z.json.gz"
    );
    location.prefix = Some("org/logs".to_owned());
    assert!(
        location
            .log_prefix()
            .starts_with("org/logs/AWSLogs/111122223333/CloudTrail/us-east-2/")
    );
    let key = location.digest_file_key(time::parse("2015-08-17T15:01:31Z").unwrap());
    // The aws-cli reads the end time back from characters [-24:-8] of the key.
    assert_eq!(
        key.get(key.len() - 24..key.len() - 8),
        Some("20150817T150131Z")
    );
}

#[test]
fn builds_and_parses_back_byte_for_byte() {
    let bodies: [&[u8]; 3] = [
        br#"{"eventName":"A","n":1}"#,
        br#"{"eventName":"B","x":[1,2]}"#,
        br#"{"eventName":"C"}"#,
    ];
    let mut head = Anchor {
        sequence: 41,
        hash: chain::ChainHash([9; 32]),
    };
    let times = [
        "2026-01-01T00:00:03Z",
        "2026-01-01T00:00:01Z",
        "2026-01-01T00:00:02Z",
    ];
    let entries: Vec<LogEntry<'_>> = bodies
        .iter()
        .zip(times)
        .map(|(body, at)| {
            let link = Link::after(&head, body);
            head = link.as_anchor();
            LogEntry {
                link,
                event_time: time::parse(at).unwrap(),
            }
        })
        .collect();
    let file = LogFile::build("key".to_owned(), &entries).unwrap();
    assert!(file.json.starts_with(br#"{"Records":[{"eventName":"A","n":1},{"eventName":"B","x":[1,2]},{"eventName":"C"}],"wardenChain":{"firstSequence":42,"#));
    assert_eq!(gunzip(&file.gzipped).unwrap(), file.json);
    assert_eq!(file.sha256_hex, sha256_hex(&file.json));
    assert_eq!(time::format(file.oldest_event_time), "2026-01-01T00:00:01Z");
    assert_eq!(time::format(file.newest_event_time), "2026-01-01T00:00:03Z");
    assert_eq!(file.end, head);
    let parsed = ParsedLogFile::parse(&file.json).unwrap();
    assert_eq!(parsed.records, bodies.to_vec());
    let links = parsed.links().unwrap().unwrap();
    let start = Anchor {
        sequence: 41,
        hash: chain::ChainHash([9; 32]),
    };
    assert_eq!(chain::verify(start, links).unwrap(), head);
    // A plain CloudTrail file parses too, without chain metadata.
    let plain = ParsedLogFile::parse(br#"{"Records":[{"a":1}]}"#).unwrap();
    assert!(plain.links().unwrap().is_none());
}

#[test]
fn refuses_non_consecutive_or_empty_input() {
    let first = Link::after(&Anchor::GENESIS, b"{}");
    let skipped = Link::after(
        &Anchor {
            sequence: 5,
            hash: first.hash,
        },
        b"{}",
    );
    let at = time::parse("2026-01-01T00:00:00Z").unwrap();
    let entries = [
        LogEntry {
            link: first,
            event_time: at,
        },
        LogEntry {
            link: skipped,
            event_time: at,
        },
    ];
    assert!(matches!(
        LogFile::build("k".to_owned(), &entries),
        Err(LogFileError::NotConsecutive(6))
    ));
    assert!(matches!(
        LogFile::build("k".to_owned(), &[]),
        Err(LogFileError::Empty)
    ));
}
