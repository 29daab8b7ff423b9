//! Reopening after crashes: torn tails, crash images taken mid-append, and a crash right
//! after a new segment was started.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use warden_journal::{JournalOptions, SqliteAuditLog};
use warden_store::{AuditLog, verify_audit_log};

use crate::audit::{open, record, segments};

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
        ..JournalOptions::default()
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
fn a_crash_right_after_starting_a_segment_leaves_a_usable_journal() {
    let dir = tempfile::tempdir().unwrap();
    {
        let log = open(dir.path());
        log.append(&[record(1, "A"), record(2, "B")]).unwrap();
    }
    let journal = dir.path().join("audit");
    // The next segment was created (magic only), or its creation did not reach the disk
    // (an empty file): either way the chain goes on in it.
    for contents in [&b"WRDNAJ01"[..], &b""[..]] {
        let head = verify_audit_log(&open(dir.path()), 10).unwrap().sequence;
        let next = journal.join(format!("journal-{:020}.log", head + 1));
        std::fs::write(&next, contents).unwrap();
        let log = open(dir.path());
        assert_eq!(log.append(&[record(3, "C")]).unwrap(), vec![head + 1]);
        assert_eq!(verify_audit_log(&log, 10).unwrap().sequence, head + 1);
        assert!(
            std::fs::metadata(&next).unwrap().len() > 8,
            "written into the new segment"
        );
    }
    assert_eq!(segments(&journal).len(), 3);
}
