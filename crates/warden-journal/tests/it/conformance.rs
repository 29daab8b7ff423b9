//! The shared audit-log conformance suite, in memory and on disk.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use warden_journal::SqliteAuditLog;
use warden_store::AuditLog;
use warden_store::conformance::run_audit_conformance;

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
