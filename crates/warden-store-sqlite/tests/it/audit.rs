//! The SQLite audit log beyond the shared conformance checks: durability across reopening,
//! sharing a file with the store, the migration, and failing closed.

use std::thread;

use warden_store::{
    AccountRecord, AuditLog, AuditResource, NewAuditRecord, Store, StoreError, verify_audit_log,
};
use warden_store_sqlite::{SqliteAuditLog, SqliteStore};

fn record(event_time: i64, name: &str) -> NewAuditRecord {
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
            resource_name: "bob".to_owned(),
        }],
        body: format!("{{\"eventName\":\"{name}\"}}").into_bytes(),
    }
}

#[test]
fn the_chain_continues_across_reopening_and_shares_the_store_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    store
        .create_account(&AccountRecord {
            account_id: "111122223333".to_owned(),
            create_date: 1,
        })
        .unwrap();
    {
        let log = SqliteAuditLog::open(&path).unwrap();
        assert_eq!(
            log.append(&[record(1, "A"), record(2, "B")]).unwrap(),
            vec![1, 2]
        );
    }
    let log = SqliteAuditLog::open(&path).unwrap();
    assert_eq!(log.append(&[record(3, "C")]).unwrap(), vec![3]);
    assert_eq!(verify_audit_log(&log, 10).unwrap().sequence, 3);
    // Audit appends do not touch the store's state or generation.
    assert_eq!(store.generation().unwrap(), 1);
    assert_eq!(store.list_accounts().unwrap().len(), 1);
}

#[test]
fn a_version_1_database_gains_the_audit_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    drop(SqliteStore::open(&path).unwrap());
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(
            "DROP TABLE audit_events; DROP TABLE audit_resources; DROP TABLE audit_anchor; DROP TABLE trail_tags; DROP TABLE trails; PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let log = SqliteAuditLog::open(&path).unwrap();
    assert_eq!(log.append(&[record(1, "A")]).unwrap(), vec![1]);
}

#[test]
fn a_failed_commit_fails_every_caller_in_it_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let log = SqliteAuditLog::open(&path).unwrap();
    assert_eq!(log.append(&[record(1, "A")]).unwrap(), vec![1]);
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "CREATE TRIGGER full_disk BEFORE INSERT ON audit_events \
         WHEN NEW.event_name = 'Poison' BEGIN SELECT RAISE(ABORT, 'simulated full disk'); END;",
    )
    .unwrap();
    // Many concurrent callers; whichever share a batch with the poisoned record fail with it.
    let results: Vec<Result<Vec<u64>, StoreError>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..32)
            .map(|i| {
                let log = &log;
                scope.spawn(move || {
                    let name = if i == 7 {
                        "Poison".to_owned()
                    } else {
                        format!("Op{i}")
                    };
                    log.append(&[record(2, &name)])
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let failed = results.iter().filter(|r| r.is_err()).count();
    let stored = log.records_after(0, 100).unwrap();
    assert!(failed >= 1, "the poisoned append must fail");
    assert_eq!(
        stored.len(),
        1 + 32 - failed,
        "failed batches store nothing"
    );
    for result in &results {
        if let Err(error) = result {
            assert!(error.to_string().contains("simulated full disk"), "{error}");
        }
    }
    assert!(stored.iter().all(|r| r.record.event_name != "Poison"));
    raw.execute_batch("DROP TRIGGER full_disk").unwrap();
    // The chain has no gap: the failed batches left no sequence behind.
    log.append(&[record(3, "After")]).unwrap();
    let head = verify_audit_log(&log, 7).unwrap();
    assert_eq!(head.sequence, u64::try_from(stored.len()).unwrap() + 1);
}

#[test]
fn tampering_with_the_database_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let log = SqliteAuditLog::open(&path).unwrap();
    for i in 0..5 {
        log.append(&[record(i, &format!("Op{i}"))]).unwrap();
    }
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE audit_events SET body = CAST('{}' AS BLOB) WHERE sequence = 3",
        [],
    )
    .unwrap();
    let error = verify_audit_log(&log, 2).unwrap_err();
    assert_eq!(
        error.to_string(),
        "audit record 3 was altered: its hash does not match its contents"
    );
    raw.execute("DELETE FROM audit_events WHERE sequence = 3", [])
        .unwrap();
    let error = verify_audit_log(&log, 2).unwrap_err();
    assert_eq!(
        error.to_string(),
        "audit records 3..4 are missing (removed)"
    );
}

#[test]
fn a_failed_flush_fails_the_call_and_every_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let log = SqliteAuditLog::open(&path).unwrap();
    assert_eq!(log.append(&[record(1, "A")]).unwrap(), vec![1]);
    // The WAL file vanishing makes the next flush fail.
    std::fs::remove_file(dir.path().join("warden.sqlite-wal")).unwrap();
    let error = log.append(&[record(2, "B")]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("cannot flush the audit log to disk"),
        "{error}"
    );
    // Fail closed: nothing is acknowledged any more, even though SQLite itself still works.
    let error = log.append(&[record(3, "C")]).unwrap_err();
    assert!(error.to_string().contains("refuses records"), "{error}");
}
