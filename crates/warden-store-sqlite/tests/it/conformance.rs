use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use warden_store::conformance::{run_audit_conformance, run_conformance};
use warden_store::{AuditLog, Store};
use warden_store_sqlite::{SqliteAuditLog, SqliteStore};

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

#[test]
fn in_memory_audit_log_conforms() {
    let make = || Box::new(SqliteAuditLog::open_in_memory().unwrap()) as Box<dyn AuditLog>;
    if let Err(failures) = run_audit_conformance(&make) {
        panic!("{failures}");
    }
}

#[test]
fn on_disk_audit_log_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let counter = AtomicUsize::new(0);
    let make = || {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let index: PathBuf = dir.path().join(format!("index-{n}.sqlite"));
        let journal: PathBuf = dir.path().join(format!("audit-{n}"));
        Box::new(SqliteAuditLog::open(&index, &journal).unwrap()) as Box<dyn AuditLog>
    };
    if let Err(failures) = run_audit_conformance(&make) {
        panic!("{failures}");
    }
}
