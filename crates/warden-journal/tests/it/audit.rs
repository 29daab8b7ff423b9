//! The journaled audit log beyond the shared conformance checks: reopening, sharing the
//! store's database, segment rotation and pruning, rebuilding the index, tampering,
//! oversized records and asynchronous submitters. (Crashes: `audit_recovery.rs`; write
//! failures: `audit_failure.rs`.)

use std::path::{Path, PathBuf};
use warden_store::StoreExt;

use warden_journal::{JournalOptions, SqliteAuditLog};
use warden_store::{
    AccountRecord, AuditLog, AuditQuery, AuditResource, LookupAttribute, NewAuditRecord, Store,
    verify_audit_log,
};
use warden_store_sqlite::SqliteStore;

pub(crate) fn record(event_time: i64, name: &str) -> NewAuditRecord {
    NewAuditRecord {
        account_id: "111122223333".to_owned(),
        event_time,
        event_id: format!("id-{name}"),
        event_name: name.to_owned(),
        event_source: "iam.amazonaws.com".to_owned(),
        read_only: false,
        username: Some("alice".to_owned()),
        access_key_id: None,
        resources: vec![AuditResource {
            resource_type: "AWS::IAM::User".to_owned(),
            resource_name: format!("target-{name}"),
        }],
        body: format!("{{\"eventName\":\"{name}\"}}").into_bytes(),
    }
}

pub(crate) fn open(dir: &Path) -> SqliteAuditLog {
    SqliteAuditLog::open(&dir.join("warden.db"), &dir.join("audit")).unwrap()
}

pub(crate) fn segments(journal: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(journal)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    paths.sort();
    paths
}

pub(crate) fn names_by_resource(log: &SqliteAuditLog, name: &str) -> Vec<String> {
    let page = log
        .lookup(&AuditQuery {
            account_id: "111122223333".to_owned(),
            start_time: None,
            end_time: None,
            attribute: Some(LookupAttribute::ResourceName(name.to_owned())),
            max_results: 50,
            next_token: None,
        })
        .unwrap();
    page.records
        .into_iter()
        .map(|r| r.record.event_name)
        .collect()
}

#[test]
fn the_chain_continues_across_reopening_and_shares_the_store_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("warden.db")).unwrap();
    store
        .write(|tx| {
            tx.accounts().create(&AccountRecord {
                account_id: "111122223333".to_owned(),
                create_date: 1,
            })
        })
        .unwrap();
    {
        let log = open(dir.path());
        assert_eq!(
            log.append(&[record(1, "A"), record(2, "B")]).unwrap(),
            vec![1, 2]
        );
    }
    let log = open(dir.path());
    assert_eq!(log.append(&[record(3, "C")]).unwrap(), vec![3]);
    assert_eq!(verify_audit_log(&log, 10).unwrap().sequence, 3);
    assert_eq!(names_by_resource(&log, "target-A"), vec!["A"]);
    // Audit appends do not touch the store's state or generation.
    assert_eq!(store.generation().unwrap(), 1);
    assert_eq!(store.read(|tx| tx.accounts().list()).unwrap().len(), 1);
}

#[test]
fn pruning_removes_whole_segments_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("audit");
    let index = dir.path().join("warden.db");
    let options = JournalOptions {
        segment_bytes: 4096,
        ..JournalOptions::default()
    };
    {
        let log = SqliteAuditLog::open_with(&index, &journal, options).unwrap();
        for n in 0..100 {
            log.append(&[record(n, &format!("Op{n}"))]).unwrap();
        }
        let before = segments(&journal).len();
        assert!(before > 5, "{before} segments");
        assert_eq!(log.prune_before(50).unwrap(), 50);
        assert_eq!(log.anchor().unwrap().sequence, 50);
        let after = segments(&journal).len();
        assert!(
            after < before,
            "{after} segments after pruning, {before} before"
        );
        assert!(names_by_resource(&log, "target-Op10").is_empty());
        assert_eq!(names_by_resource(&log, "target-Op70"), vec!["Op70"]);
        verify_audit_log(&log, 7).unwrap();
    }
    let log = SqliteAuditLog::open_with(&index, &journal, options).unwrap();
    assert_eq!(log.anchor().unwrap().sequence, 50);
    assert_eq!(log.records_after(0, 1).unwrap()[0].sequence, 51);
    assert_eq!(log.append(&[record(200, "Last")]).unwrap(), vec![101]);
    assert_eq!(verify_audit_log(&log, 7).unwrap().sequence, 101);
    assert_eq!(log.prune_before(i64::MAX).unwrap(), 51);
    drop(log);
    let log = SqliteAuditLog::open_with(&index, &journal, options).unwrap();
    assert_eq!(log.anchor().unwrap().sequence, 101);
    assert_eq!(log.append(&[record(300, "Next")]).unwrap(), vec![102]);
    assert_eq!(verify_audit_log(&log, 7).unwrap().sequence, 102);
}

#[test]
fn a_lost_or_stale_index_is_rebuilt_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = open(dir.path());
        for n in 0..20 {
            log.append(&[record(n, &format!("Op{n}"))]).unwrap();
        }
    }
    // The index forgets its last 5 records (as after a crash before its commit was flushed).
    {
        let raw = rusqlite::Connection::open(dir.path().join("warden.db")).unwrap();
        raw.execute_batch(
            "DELETE FROM audit_index_lookup WHERE sequence > 15; \
             DELETE FROM audit_index_records WHERE sequence > 15; \
             DELETE FROM audit_index_resources WHERE sequence > 15; \
             UPDATE audit_index_state SET indexed_through = 15;",
        )
        .unwrap();
    }
    let log = open(dir.path());
    assert_eq!(names_by_resource(&log, "target-Op19"), vec!["Op19"]);
    drop(log);
    // A brand-new index database.
    let log =
        SqliteAuditLog::open(&dir.path().join("other.db"), &dir.path().join("audit")).unwrap();
    assert_eq!(names_by_resource(&log, "target-Op3"), vec!["Op3"]);
    assert_eq!(verify_audit_log(&log, 6).unwrap().sequence, 20);
}

/// The CRC-32C of `bytes`, bit by bit (independent of the crate's table-driven one).
fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0_u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn tampering_with_the_journal_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    for n in 0..5 {
        log.append(&[record(n, &format!("Op{n}"))]).unwrap();
    }
    let segment = segments(&dir.path().join("audit")).remove(0);
    let mut bytes = std::fs::read(&segment).unwrap();
    // Rewrite record 3's body ("Op2" -> "Op9") and fix its checksum, as a forger would.
    let body = b"{\"eventName\":\"Op2\"}";
    let at = bytes.windows(body.len()).position(|w| w == body).unwrap();
    bytes[at + body.len() - 3] = b'9';
    let mut start = 8;
    loop {
        let length = u32::from_le_bytes(bytes[start..start + 4].try_into().unwrap()) as usize;
        let end = start + 80 + length;
        if (start..end).contains(&at) {
            let mut covered = bytes[start..start + 4].to_vec();
            covered.extend_from_slice(&bytes[start + 8..end]);
            let checksum = crc32c(&covered).to_le_bytes();
            bytes[start + 4..start + 8].copy_from_slice(&checksum);
            break;
        }
        start = end;
    }
    std::fs::write(&segment, &bytes).unwrap();
    let error = verify_audit_log(&log, 2).unwrap_err();
    assert_eq!(
        error.to_string(),
        "audit record 3 was altered: its hash does not match its contents"
    );
    // Damage without a matching checksum is reported as such.
    bytes[at] ^= 0x20;
    std::fs::write(&segment, &bytes).unwrap();
    let error = verify_audit_log(&log, 2).unwrap_err().to_string();
    assert!(
        error.contains("is corrupt") && error.contains("checksum"),
        "{error}"
    );
}

#[test]
fn async_tasks_submit_without_blocking_threads() {
    let log = std::sync::Arc::new(SqliteAuditLog::open_in_memory().unwrap());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let mut sequences: Vec<u64> = runtime.block_on(async {
        let tasks: Vec<_> = (0..64)
            .map(|n| {
                let log = std::sync::Arc::clone(&log);
                tokio::spawn(
                    async move { log.submit(vec![record(n, &format!("T{n}"))]).finish().await },
                )
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap().unwrap());
        }
        all
    });
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=64).collect::<Vec<u64>>());
    assert_eq!(verify_audit_log(log.as_ref(), 10).unwrap().sequence, 64);
}

#[test]
fn an_oversized_record_fails_only_its_caller() {
    let log = SqliteAuditLog::open_in_memory().unwrap();
    let mut huge = record(1, "Huge");
    huge.body = vec![b'x'; 17 * 1024 * 1024];
    let error = log.append(&[record(0, "Fine"), huge]).unwrap_err();
    assert!(error.to_string().contains("too large"), "{error}");
    // Nothing of that call was stored, and the log goes on.
    assert_eq!(log.append(&[record(2, "Next")]).unwrap(), vec![1]);
    assert_eq!(log.records_after(0, 10).unwrap().len(), 1);
    assert_eq!(verify_audit_log(&log, 10).unwrap().sequence, 1);
}

#[test]
fn dropping_the_log_finishes_what_was_submitted() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path());
    let pending: Vec<_> = (0..100)
        .map(|n| log.submit(vec![record(n, &format!("Op{n}"))]))
        .collect();
    drop(log);
    let mut sequences: Vec<u64> = pending
        .into_iter()
        .flat_map(|pending| pending.wait().unwrap())
        .collect();
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=100).collect::<Vec<u64>>());
    let log = open(dir.path());
    assert_eq!(verify_audit_log(&log, 30).unwrap().sequence, 100);
    assert_eq!(names_by_resource(&log, "target-Op99"), vec!["Op99"]);
}

#[test]
fn a_journal_in_use_cannot_be_opened_again_until_closed() {
    let dir = tempfile::tempdir().unwrap();
    let (db, journal) = (dir.path().join("warden.sqlite"), dir.path().join("audit"));
    let first = SqliteAuditLog::open(&db, &journal).unwrap();
    let error = SqliteAuditLog::open(&db, &journal).unwrap_err();
    assert!(
        error.to_string().contains("in use by another process"),
        "{error}"
    );
    drop(first);
    SqliteAuditLog::open(&db, &journal).unwrap();
}
