use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use warden_store::{AccountRecord, CommitStats, StoreError};

use super::Writer;
use crate::connection;

fn writer(dir: &tempfile::TempDir) -> Writer {
    let (writer, _reader) = connection::open_file(&dir.path().join("w.sqlite")).unwrap();
    Writer::new(writer, super::MAX_BATCH)
}

fn create_account(writer: &Writer, id: &str) -> Result<(), StoreError> {
    let id = id.to_owned();
    writer.run(
        &mut |tx| {
            tx.accounts()
                .create(&AccountRecord {
                    account_id: id.clone(),
                    create_date: 1,
                })
                .is_ok()
        },
        Box::new(|_| {}),
    )
}

#[test]
fn a_write_alone_commits_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let writer = writer(&dir);
    create_account(&writer, "111111111111").unwrap();
    create_account(&writer, "222222222222").unwrap();
    assert_eq!(
        writer.stats(),
        CommitStats {
            commits: 2,
            writes: 2
        }
    );
}

/// The first write finds the second waiting for the mutex, so it leaves the transaction open
/// and the second commits both: one commit, two writes, both told `true` in order.
#[test]
fn a_waiting_write_shares_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Arc::new(writer(&dir));
    let told = Arc::new(Mutex::new(Vec::new()));
    let (inside, entered) = mpsc::channel();
    thread::scope(|scope| {
        let first = {
            let (writer, told) = (Arc::clone(&writer), Arc::clone(&told));
            scope.spawn(move || {
                let waiter = Arc::clone(&writer);
                writer.run(
                    &mut |tx| {
                        // Holding the mutex: let the second write queue up behind it.
                        inside.send(()).unwrap();
                        while waiter.waiting.load(Ordering::SeqCst) == 0 {
                            thread::yield_now();
                        }
                        tx.accounts()
                            .create(&AccountRecord {
                                account_id: "111111111111".to_owned(),
                                create_date: 1,
                            })
                            .is_ok()
                    },
                    Box::new(move |ok| told.lock().unwrap().push(("first", ok))),
                )
            })
        };
        entered.recv().unwrap();
        let told_second = Arc::clone(&told);
        let second = writer.run(
            &mut |tx| {
                tx.accounts()
                    .create(&AccountRecord {
                        account_id: "222222222222".to_owned(),
                        create_date: 1,
                    })
                    .is_ok()
            },
            Box::new(move |ok| told_second.lock().unwrap().push(("second", ok))),
        );
        assert_eq!(second, Ok(()));
        assert_eq!(first.join().unwrap(), Ok(()));
    });
    assert_eq!(
        writer.stats(),
        CommitStats {
            commits: 1,
            writes: 2
        }
    );
    assert_eq!(*told.lock().unwrap(), [("first", true), ("second", true)]);
}

/// A discarded write neither counts nor delays: it returns at once, nothing kept.
#[test]
fn a_discarded_write_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let writer = writer(&dir);
    let result = writer.run(
        &mut |tx| {
            let _created = tx.accounts().create(&AccountRecord {
                account_id: "111111111111".to_owned(),
                create_date: 1,
            });
            false
        },
        Box::new(|_| panic!("a discarded write is never told")),
    );
    assert_eq!(result, Ok(()));
    assert_eq!(
        writer.stats(),
        CommitStats {
            commits: 1,
            writes: 0
        }
    );
    writer.with_connection(|connection| {
        let count: i64 = connection
            .query_row("SELECT COUNT(*) FROM accounts", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 0);
    });
}

/// When a write's savepoint cannot be closed (here: the generation row is gone), the batch
/// rolls back and that write's own callback hears `false`, so state it derived inside the
/// work (the staged snapshot) is dropped.
#[test]
fn a_failed_savepoint_tells_its_own_write() {
    let dir = tempfile::tempdir().unwrap();
    let writer = writer(&dir);
    writer.with_connection(|connection| connection.execute_batch("DROP TABLE store_meta").unwrap());
    let told = Arc::new(Mutex::new(Vec::new()));
    let told_here = Arc::clone(&told);
    let result = writer.run(
        &mut |tx| {
            tx.accounts()
                .create(&AccountRecord {
                    account_id: "111111111111".to_owned(),
                    create_date: 1,
                })
                .is_ok()
        },
        Box::new(move |ok| told_here.lock().unwrap().push(ok)),
    );
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    assert_eq!(*told.lock().unwrap(), [false]);
    writer.with_connection(|connection| {
        let count: i64 = connection
            .query_row("SELECT COUNT(*) FROM accounts", [], |row| row.get(0))
            .unwrap();
        assert_eq!(count, 0);
    });
}
