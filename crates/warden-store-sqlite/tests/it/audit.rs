//! The journaled audit log beyond the shared conformance checks: reopening, sharing the
//! store's database, torn tails, crash images, segment rotation and pruning, rebuilding
//! the index, tampering, oversized records and asynchronous submitters. (Write failures:
//! `audit_failure.rs`; version-2 databases: `audit_legacy.rs`.)

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use warden_store::{
    AccountRecord, AuditLog, AuditQuery, AuditResource, LookupAttribute, NewAuditRecord, Store,
    verify_audit_log,
};
use warden_store_sqlite::{JournalOptions, SqliteAuditLog, SqliteStore};

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

fn segments(journal: &Path) -> Vec<PathBuf> {
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
        .create_account(&AccountRecord {
            account_id: "111122223333".to_owned(),
            create_date: 1,
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
    assert_eq!(store.list_accounts().unwrap().len(), 1);
}

#[test]
fn a_torn_tail_is_cut_and_the_chain_continues() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let segment = segments(&dir.path().join("audit")).remove(0);
    let clean_length = std::fs::metadata(&segment).unwrap().len();
    {
        let log = open(dir.path());
        log.append(&[record(1, "A"), record(2, "B"), record(3, "C")])
            .unwrap();
    }
    let bytes = std::fs::read(&segment).unwrap();
    let frames = &bytes[usize::try_from(clean_length).unwrap()..];
    // A crash mid-write: the first 100 bytes of a frame (a copy of record 1's), then nothing.
    let mut torn = bytes.clone();
    torn.extend_from_slice(&frames[..100]);
    std::fs::write(&segment, &torn).unwrap();

    let log = open(dir.path());
    assert_eq!(
        std::fs::metadata(&segment).unwrap().len(),
        bytes.len() as u64
    );
    let aside = format!("{}.torn-at-{}", segment.display(), bytes.len());
    // The cut bytes are kept aside (up to their last non-zero byte).
    let kept = frames[..100].iter().rposition(|&b| b != 0).unwrap() + 1;
    assert_eq!(std::fs::read(aside).unwrap(), &frames[..kept]);
    assert_eq!(log.append(&[record(4, "D")]).unwrap(), vec![4]);
    assert_eq!(verify_audit_log(&log, 2).unwrap().sequence, 4);
    drop(log);
    // A tail of zeros is a prepared segment's unused space: kept, and written over.
    let mut zeroed = std::fs::read(&segment).unwrap();
    zeroed.extend_from_slice(&[0; 4096]);
    std::fs::write(&segment, &zeroed).unwrap();
    let log = open(dir.path());
    assert_eq!(log.append(&[record(5, "E")]).unwrap(), vec![5]);
    assert_eq!(verify_audit_log(&log, 2).unwrap().sequence, 5);
    drop(log);
    assert_eq!(
        std::fs::metadata(&segment).unwrap().len(),
        zeroed.len() as u64
    );
    let log = open(dir.path());
    assert_eq!(log.append(&[record(6, "F")]).unwrap(), vec![6]);
    assert_eq!(verify_audit_log(&log, 2).unwrap().sequence, 6);
}

#[test]
fn a_crash_image_holds_every_acknowledged_record() {
    // Copying the journal while appends are in flight gives the files as a crash would
    // leave them: records after the last acknowledged one may be missing or torn.
    let dir = tempfile::tempdir().unwrap();
    let options = JournalOptions {
        segment_bytes: 16 * 1024,
    };
    let journal = dir.path().join("audit");
    let log = SqliteAuditLog::open_with(&dir.path().join("warden.db"), &journal, options).unwrap();
    let acknowledged = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let image = dir.path().join("image");
    let highest = thread::scope(|scope| {
        for writer in 0..8 {
            let (log, acknowledged, stop) = (&log, &acknowledged, &stop);
            scope.spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let sequences = log.append(&[record(n, &format!("W{writer}N{n}"))]).unwrap();
                    acknowledged.lock().unwrap().extend(sequences);
                    n += 1;
                }
            });
        }
        thread::sleep(Duration::from_millis(300));
        let highest = acknowledged.lock().unwrap().iter().copied().max().unwrap();
        std::fs::create_dir(&image).unwrap();
        for segment in segments(&journal) {
            std::fs::copy(&segment, image.join(segment.file_name().unwrap())).unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        highest
    });
    assert!(segments(&image).len() > 1, "the journal rotated");
    // A fresh index: the image's index is rebuilt from its journal.
    let recovered =
        SqliteAuditLog::open_with(&dir.path().join("image.db"), &image, options).unwrap();
    let head = verify_audit_log(&recovered, 1000).unwrap();
    assert!(
        head.sequence >= highest,
        "acknowledged {highest}, recovered {}",
        head.sequence
    );
    assert_eq!(
        recovered.records_after(highest - 1, 1).unwrap()[0].sequence,
        highest
    );
    assert_eq!(
        recovered.append(&[record(0, "After")]).unwrap(),
        vec![head.sequence + 1]
    );
    verify_audit_log(&recovered, 1000).unwrap();
}

#[test]
fn pruning_removes_whole_segments_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("audit");
    let index = dir.path().join("warden.db");
    let options = JournalOptions {
        segment_bytes: 4096,
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
