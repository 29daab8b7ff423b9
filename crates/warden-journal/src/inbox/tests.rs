use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use warden_store::PendingAppend;

use super::Inbox;
use crate::frame::tests::record;
use crate::writer::Job;

fn job(records: usize) -> Job {
    let (reply, _pending) = PendingAppend::channel();
    Job {
        records: vec![record(); records],
        reply,
    }
}

/// Waits for the next batch on another thread; the receiver gets each batch's job sizes.
fn writer(inbox: &Arc<Inbox>, max_records: usize) -> mpsc::Receiver<Vec<usize>> {
    let (batches, received) = mpsc::channel();
    let inbox = Arc::clone(inbox);
    thread::spawn(move || {
        while let Some(batch) = inbox.next_batch(max_records) {
            let sizes = batch.iter().map(|job| job.records.len()).collect();
            if batches.send(sizes).is_err() {
                return;
            }
        }
    });
    received
}

const LONG: Duration = Duration::from_secs(60);
const SOON: Duration = Duration::from_secs(5);
const A_WHILE: Duration = Duration::from_millis(150);

#[test]
fn without_linger_the_writer_takes_jobs_as_they_come() {
    let inbox = Arc::new(Inbox::new(Duration::ZERO));
    inbox.submit(job(1)).unwrap();
    inbox.submit(job(2)).unwrap();
    assert_eq!(inbox.next_batch(100).unwrap().len(), 2);
    let batches = writer(&inbox, 100);
    inbox.submit(job(1)).unwrap();
    assert_eq!(batches.recv_timeout(SOON).unwrap(), vec![1]);
}

#[test]
fn a_lingering_writer_waits_until_the_submitters_are_idle() {
    let inbox = Arc::new(Inbox::new(LONG));
    let batches = writer(&inbox, 100);
    inbox.submit(job(1)).unwrap();
    inbox.submit(job(1)).unwrap();
    assert!(
        batches.recv_timeout(A_WHILE).is_err(),
        "took the jobs before the submitters were idle"
    );
    inbox.submitters_idle();
    assert_eq!(batches.recv_timeout(SOON).unwrap(), vec![1, 1]);
    // The hint is spent on that batch: the next one lingers again.
    inbox.submit(job(3)).unwrap();
    assert!(batches.recv_timeout(A_WHILE).is_err());
    inbox.submitters_idle();
    assert_eq!(batches.recv_timeout(SOON).unwrap(), vec![3]);
}

#[test]
fn an_idle_hint_with_nothing_queued_does_not_cut_the_next_batch_short() {
    let inbox = Arc::new(Inbox::new(LONG));
    let batches = writer(&inbox, 100);
    inbox.submitters_idle();
    inbox.submit(job(1)).unwrap();
    assert!(batches.recv_timeout(A_WHILE).is_err());
    inbox.close();
    assert_eq!(batches.recv_timeout(SOON).unwrap(), vec![1]);
}

#[test]
fn no_job_lingers_longer_than_the_linger() {
    let linger = Duration::from_millis(100);
    let inbox = Arc::new(Inbox::new(linger));
    let batches = writer(&inbox, 100);
    let submitted = Instant::now();
    inbox.submit(job(1)).unwrap();
    assert_eq!(batches.recv_timeout(SOON).unwrap(), vec![1]);
    assert!(submitted.elapsed() >= linger);
}

#[test]
fn a_batch_holds_at_most_max_records_and_the_rest_follows_without_lingering() {
    let inbox = Arc::new(Inbox::new(LONG));
    for records in [3, 2, 4, 9] {
        inbox.submit(job(records)).unwrap();
    }
    inbox.submitters_idle();
    let sizes = |batch: Vec<Job>| {
        batch
            .iter()
            .map(|job| job.records.len())
            .collect::<Vec<_>>()
    };
    assert_eq!(sizes(inbox.next_batch(5).unwrap()), vec![3, 2]);
    assert_eq!(sizes(inbox.next_batch(5).unwrap()), vec![4]);
    // A job above the limit still goes, alone.
    assert_eq!(sizes(inbox.next_batch(5).unwrap()), vec![9]);
}

#[test]
fn closing_refuses_new_jobs_and_hands_over_the_queued_ones_at_once() {
    let inbox = Arc::new(Inbox::new(LONG));
    let batches = writer(&inbox, 100);
    inbox.submit(job(2)).unwrap();
    inbox.close();
    assert!(inbox.submit(job(1)).is_err());
    assert_eq!(batches.recv_timeout(SOON).unwrap(), vec![2]);
    // The writer then stops: its sender is dropped.
    assert_eq!(
        batches.recv_timeout(SOON),
        Err(mpsc::RecvTimeoutError::Disconnected)
    );
}
