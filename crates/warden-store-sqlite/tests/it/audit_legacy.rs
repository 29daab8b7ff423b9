//! A database from before the journal (schema version 3, audit records in SQLite): its
//! records move into the journal with their sequences and hashes.

use warden_audit::chain::{Anchor, Link};
use warden_store::{AuditLog, verify_audit_log};

use crate::audit::{names_by_resource, open, record};

#[test]
fn a_version_3_database_s_audit_records_move_into_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.db");
    {
        // A database as Warden with schema version 3 left it, audit log in SQLite.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(include_str!("../../migrations/0001_initial.sql"))
            .unwrap();
        raw.execute_batch(include_str!("../../migrations/0002_audit.sql"))
            .unwrap();
        raw.execute_batch(include_str!("../../migrations/0003_trails.sql"))
            .unwrap();
        raw.execute_batch("PRAGMA user_version = 3").unwrap();
        // Records 1..=2 were pruned; 3..=5 remain.
        let mut head = Anchor::GENESIS;
        for n in 1..=5_i64 {
            let record = record(n, &format!("Old{n}"));
            let link = Link::after(&head, &record.body);
            if n >= 3 {
                raw.execute(
                    "INSERT INTO audit_events (sequence, prev_hash, hash, account_id, event_time, \
                     event_id, event_name, event_source, read_only, username, access_key_id, body) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9, NULL, ?10)",
                    rusqlite::params![
                        n,
                        link.prev_hash.0.as_slice(),
                        link.hash.0.as_slice(),
                        record.account_id,
                        record.event_time,
                        record.event_id,
                        record.event_name,
                        record.event_source,
                        record.username,
                        record.body
                    ],
                )
                .unwrap();
                raw.execute(
                    "INSERT INTO audit_resources VALUES (?1, 0, 'AWS::IAM::User', ?2)",
                    rusqlite::params![n, format!("target-Old{n}")],
                )
                .unwrap();
            } else {
                raw.execute(
                    "UPDATE audit_anchor SET sequence = ?1, hash = ?2",
                    rusqlite::params![n, link.hash.0.as_slice()],
                )
                .unwrap();
            }
            head = link.as_anchor();
        }
    }
    let log = open(dir.path());
    assert_eq!(log.anchor().unwrap().sequence, 2);
    assert_eq!(verify_audit_log(&log, 2).unwrap().sequence, 5);
    assert_eq!(names_by_resource(&log, "target-Old4"), vec!["Old4"]);
    assert_eq!(
        log.records_after(0, 10).unwrap()[0].record,
        record(3, "Old3")
    );
    assert_eq!(log.append(&[record(6, "New")]).unwrap(), vec![6]);
    drop(log);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let left: i64 = raw
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'audit_v2%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the version-2 tables are dropped");
    let log = open(dir.path());
    assert_eq!(verify_audit_log(&log, 2).unwrap().sequence, 6);
}
