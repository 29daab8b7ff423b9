use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use warden_store::Store;
use warden_store::conformance::run_conformance;
use warden_store_sqlite::SqliteStore;

#[test]
fn in_memory_store_conforms() {
    let make = || Box::new(SqliteStore::open_in_memory().unwrap()) as Box<dyn Store>;
    if let Err(failures) = run_conformance(&make) {
        panic!("{failures}");
    }
}

#[test]
fn on_disk_store_conforms() {
    // On disk, reads go through a second connection, unlike in memory.
    let dir = tempfile::tempdir().unwrap();
    let counter = AtomicUsize::new(0);
    let make = || {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let path: PathBuf = dir.path().join(format!("store-{n}.sqlite"));
        Box::new(SqliteStore::open(&path).unwrap()) as Box<dyn Store>
    };
    if let Err(failures) = run_conformance(&make) {
        panic!("{failures}");
    }
}
