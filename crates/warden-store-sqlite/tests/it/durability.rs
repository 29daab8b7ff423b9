use std::fs;
use std::thread;
use warden_store::StoreExt;

use warden_store::{
    AccessKeyRecord, AccessKeyStatus, AccountRecord, PageRequest, Store, StoreError, UserRecord,
};
use warden_store_sqlite::SqliteStore;

const ACCOUNT: &str = "123456789012";

fn account() -> AccountRecord {
    AccountRecord {
        account_id: ACCOUNT.to_owned(),
        create_date: 1,
    }
}

fn user(name: &str) -> UserRecord {
    UserRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: name.to_owned(),
        user_id: format!("AIDA{}", name.to_ascii_uppercase()),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        create_date: 2,
        tags: vec![("k".to_owned(), "v".to_owned())],
        permissions_boundary: None,
    }
}

fn key(user_name: &str, id: &str) -> AccessKeyRecord {
    AccessKeyRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: Some(user_name.to_owned()),
        access_key_id: id.to_owned(),
        secret_sealed: vec![1, 2, 3, 0, 255],
        status: AccessKeyStatus::Active,
        create_date: 3,
    }
}

#[test]
fn writes_survive_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let (before, generation) = {
        let store = SqliteStore::open(&path).unwrap();
        store.write(|tx| tx.accounts().create(&account())).unwrap();
        store.write(|tx| tx.users().create(&user("alice"))).unwrap();
        store
            .write(|tx| {
                tx.access_keys()
                    .create(&key("alice", "AKIAREOPEN0000000001"))
            })
            .unwrap();
        (
            store.read(|tx| tx.snapshot_source()).unwrap(),
            store.generation().unwrap(),
        )
    };
    assert_eq!(generation, 3);
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(reopened.read(|tx| tx.snapshot_source()).unwrap(), before);
    assert_eq!(reopened.generation().unwrap(), generation);
    // The schema is not re-applied, and writing continues from the stored state.
    reopened
        .write(|tx| tx.users().create(&user("bob")))
        .unwrap();
    assert_eq!(reopened.generation().unwrap(), generation + 1);
}

#[test]
fn two_handles_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let first = SqliteStore::open(&path).unwrap();
    let second = SqliteStore::open(&path).unwrap();
    first.write(|tx| tx.accounts().create(&account())).unwrap();
    assert_eq!(
        second.read(|tx| tx.accounts().get(ACCOUNT)).unwrap(),
        Some(account())
    );
    second
        .write(|tx| tx.users().create(&user("alice")))
        .unwrap();
    assert_eq!(
        first.read(|tx| tx.users().get(ACCOUNT, "ALICE")).unwrap(),
        Some(user("alice"))
    );
    assert_eq!(
        first.generation().unwrap(),
        second.generation().unwrap(),
        "both handles read the one counter"
    );
    // Uniqueness holds across handles.
    assert!(matches!(
        first.write(|tx| tx.users().create(&user("Alice"))),
        Err(StoreError::AlreadyExists { .. })
    ));
}

#[test]
fn the_key_quota_holds_across_concurrent_handles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    let setup = SqliteStore::open(&path).unwrap();
    setup.write(|tx| tx.accounts().create(&account())).unwrap();
    setup.write(|tx| tx.users().create(&user("alice"))).unwrap();
    let handles: Vec<SqliteStore> = (0..4).map(|_| SqliteStore::open(&path).unwrap()).collect();
    let results: Vec<_> = thread::scope(|scope| {
        let threads: Vec<_> = handles
            .iter()
            .enumerate()
            .flat_map(|(h, store)| (0..3).map(move |k| (h, k, store)))
            .map(|(h, k, store)| {
                scope.spawn(move || {
                    store.write(|tx| {
                        tx.access_keys()
                            .create(&key("alice", &format!("AKIAHANDLE{h}KEY{k}00000")))
                    })
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        2,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(()) | Err(StoreError::LimitExceeded(_))))
    );
    assert_eq!(
        setup
            .read(|tx| tx.access_keys().list(ACCOUNT, Some("alice")))
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn the_file_is_in_wal_mode_with_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    drop(SqliteStore::open(&path).unwrap());
    let raw = rusqlite::Connection::open(&path).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: u32 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 17);
}

#[test]
fn refuses_a_schema_newer_than_this_build() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    drop(SqliteStore::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = SqliteStore::open(&path).unwrap_err();
    let StoreError::Backend(message) = error else {
        panic!("expected a backend error, got {error:?}");
    };
    assert!(message.contains("schema version 99"), "{message}");
    assert!(message.contains(path.to_str().unwrap()), "{message}");
}

#[test]
fn reports_unusable_locations_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("warden.sqlite");
    let message = SqliteStore::open(&missing).unwrap_err().to_string();
    assert!(message.contains("no-such-dir"), "{message}");
    assert!(message.contains("unusable"), "{message}");

    let file = dir.path().join("a-file");
    fs::write(&file, b"not a directory").unwrap();
    let message = SqliteStore::open(&file.join("warden.sqlite"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("is not a directory"), "{message}");

    let not_a_database = dir.path().join("garbage.sqlite");
    fs::write(&not_a_database, vec![0x42u8; 4096]).unwrap();
    let message = SqliteStore::open(&not_a_database).unwrap_err().to_string();
    assert!(message.contains("garbage.sqlite"), "{message}");
    assert!(message.contains("not a database"), "{message}");
}

#[test]
fn listing_pages_through_many_users() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("warden.sqlite")).unwrap();
    store.write(|tx| tx.accounts().create(&account())).unwrap();
    for n in 0..250 {
        store
            .write(|tx| tx.users().create(&user(&format!("user{n:03}"))))
            .unwrap();
    }
    let mut request = PageRequest::first(100);
    let mut sizes = Vec::new();
    loop {
        let page = store
            .read(|tx| tx.users().list(ACCOUNT, Some("/"), &request))
            .unwrap();
        sizes.push(page.items.len());
        match page.next_marker {
            Some(marker) => request.marker = Some(marker),
            None => break,
        }
    }
    assert_eq!(sizes, [100, 100, 50]);
}

/// Set in the child process of [`acknowledged_writes_survive_kill_9`]: the database to
/// write to.
const CRASH_CHILD_ENV: &str = "WARDEN_STORE_SQLITE_CRASH_CHILD_DB";

/// Runs this test binary again as a child that writes users as fast as it can and prints
/// each one it has been acknowledged, kills it with SIGKILL mid-stream, and checks that the
/// database opens cleanly with every acknowledged write present.
#[test]
fn acknowledged_writes_survive_kill_9() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    if let Some(path) = std::env::var_os(CRASH_CHILD_ENV) {
        // Child role: write until killed (bounded, in case the parent is gone).
        let store = SqliteStore::open(std::path::Path::new(&path)).unwrap();
        let mut stdout = std::io::stdout();
        for n in 0..100_000 {
            let name = format!("crash{n:06}");
            store.write(|tx| tx.users().create(&user(&name))).unwrap();
            writeln!(stdout, "acked {name}").unwrap();
            stdout.flush().unwrap();
        }
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warden.sqlite");
    SqliteStore::open(&path)
        .unwrap()
        .write(|tx| tx.accounts().create(&account()))
        .unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "durability::acknowledged_writes_survive_kill_9",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CRASH_CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acknowledged = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while acknowledged.len() < 40 {
        let line = lines
            .next()
            .expect("the child stopped writing early")
            .unwrap();
        if let Some(name) = line.strip_prefix("acked ") {
            acknowledged.push(name.to_owned());
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let store = SqliteStore::open(&path).unwrap();
    for name in &acknowledged {
        assert!(
            store
                .read(|tx| tx.users().get(ACCOUNT, name))
                .unwrap()
                .is_some(),
            "acknowledged {name} was lost"
        );
    }
    // The database is intact and writable after the crash.
    store
        .write(|tx| tx.users().create(&user("after-crash")))
        .unwrap();
}

#[test]
fn backups_are_complete_openable_copies() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("warden.sqlite")).unwrap();
    store.write(|tx| tx.accounts().create(&account())).unwrap();
    store.write(|tx| tx.users().create(&user("alice"))).unwrap();
    store
        .write(|tx| {
            tx.access_keys()
                .create(&key("alice", "AKIABACKUP0000000001"))
        })
        .unwrap();
    let backup = dir.path().join("backup.sqlite");
    store.backup_to(&backup).unwrap();
    // Later writes do not reach the backup.
    store.write(|tx| tx.users().create(&user("bob"))).unwrap();

    let restored = SqliteStore::open(&backup).unwrap();
    let mut expected = store.read(|tx| tx.snapshot_source()).unwrap();
    expected.users.retain(|u| u.user_name != "bob");
    expected.generation -= 1;
    assert_eq!(restored.read(|tx| tx.snapshot_source()).unwrap(), expected);
    // A backup never overwrites an existing file.
    let error = store.backup_to(&backup).unwrap_err().to_string();
    assert!(error.contains("backup to"), "{error}");
}
