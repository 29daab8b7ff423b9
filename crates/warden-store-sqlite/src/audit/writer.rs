//! The group-commit writer thread, and pruning.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use rusqlite::{Connection, TransactionBehavior, params};
use warden_audit::chain::Link;
use warden_store::{AppendReply, NewAuditRecord, StoreError};

use super::{MAX_BATCH_RECORDS, read, sync};
use crate::failure::{Outcome, corrupt};
use crate::lock;

/// One caller's append, waiting for its batch to be durable.
pub(super) struct Job {
    /// The records to append, in order.
    pub(super) records: Vec<NewAuditRecord>,
    /// Where to send the sequences (or the batch's error).
    pub(super) reply: AppendReply,
}

/// Starts the writer thread and its syncer; they run until every sender of `jobs` is
/// dropped. `wal` is the WAL file to flush (`None` in memory).
pub(super) fn spawn(
    connection: Arc<Mutex<Connection>>,
    jobs: Receiver<Job>,
    wal: Option<PathBuf>,
) -> Result<JoinHandle<()>, StoreError> {
    let failed = Arc::new(AtomicBool::new(false));
    let (to_syncer, committed) = mpsc::channel();
    let syncer = sync::spawn(wal, committed, Arc::clone(&failed))?;
    thread::Builder::new()
        .name("warden-audit-writer".to_owned())
        .spawn(move || {
            run(&connection, &jobs, &to_syncer, &failed);
            drop(to_syncer);
            // The syncer answers what it holds, then ends; a panic there answered nobody
            // further, and those callers already got an error.
            drop(syncer.join());
        })
        .map_err(|error| StoreError::Backend(format!("cannot start the audit log writer: {error}")))
}

/// Takes every waiting job (up to [`MAX_BATCH_RECORDS`] records), commits them together,
/// hands them to the syncer (which answers them once durable), and repeats.
fn run(
    connection: &Mutex<Connection>,
    jobs: &Receiver<Job>,
    to_syncer: &Sender<sync::Committed>,
    failed: &AtomicBool,
) {
    while let Ok(first) = jobs.recv() {
        let mut count = first.records.len();
        let mut batch = vec![first];
        while count < MAX_BATCH_RECORDS {
            match jobs.try_recv() {
                Ok(job) => {
                    count = count.saturating_add(job.records.len());
                    batch.push(job);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        let outcome = if failed.load(Ordering::SeqCst) {
            Err(StoreError::Backend(
                "the audit log failed to flush to disk earlier and refuses records until Warden restarts".to_owned(),
            ))
        } else {
            commit(&mut lock(connection), &batch).map_err(StoreError::from)
        };
        match outcome {
            Ok(sequences) => {
                let committed: sync::Committed = batch
                    .into_iter()
                    .zip(sequences)
                    .map(|(job, sequences)| (job.reply, sequences))
                    .collect();
                if let Err(mpsc::SendError(committed)) = to_syncer.send(committed) {
                    for (reply, _) in committed {
                        drop(reply.send(Err(StoreError::Backend(
                            "the audit log syncer has stopped".to_owned(),
                        ))));
                    }
                }
            }
            Err(error) => {
                for job in batch {
                    drop(job.reply.send(Err(error.clone())));
                }
            }
        }
    }
}

/// Appends every job's records in one transaction, chained after the stored head; returns
/// each job's sequences.
fn commit(connection: &mut Connection, batch: &[Job]) -> Outcome<Vec<Vec<u64>>> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut head = read::head(&transaction)?;
    let mut sequences = Vec::with_capacity(batch.len());
    {
        let mut insert_event = transaction.prepare_cached(
            "INSERT INTO audit_events (sequence, prev_hash, hash, account_id, event_time, event_id, \
             event_name, event_source, read_only, username, access_key_id, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut insert_resource = transaction.prepare_cached(
            "INSERT INTO audit_resources (sequence, ordinal, resource_type, resource_name) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for job in batch {
            let mut job_sequences = Vec::with_capacity(job.records.len());
            for record in &job.records {
                let link = Link::after(&head, &record.body);
                let sequence = sql_sequence(link.sequence)?;
                insert_event.execute(params![
                    sequence,
                    link.prev_hash.0.as_slice(),
                    link.hash.0.as_slice(),
                    record.account_id,
                    record.event_time,
                    record.event_id,
                    record.event_name,
                    record.event_source,
                    record.read_only,
                    record.username,
                    record.access_key_id,
                    record.body,
                ])?;
                for (ordinal, resource) in record.resources.iter().enumerate() {
                    let ordinal =
                        i64::try_from(ordinal).map_err(|_| corrupt("resource ordinal"))?;
                    insert_resource.execute(params![
                        sequence,
                        ordinal,
                        resource.resource_type,
                        resource.resource_name
                    ])?;
                }
                head = link.as_anchor();
                job_sequences.push(link.sequence);
            }
            sequences.push(job_sequences);
        }
    }
    transaction.commit()?;
    Ok(sequences)
}

/// Deletes the longest prefix of the chain older than `before` and moves the anchor.
pub(super) fn prune_before(connection: &mut Connection, before: i64) -> Outcome<u64> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Old records sit at the front of the chain, so this scan stops early.
    let first_kept: Option<i64> = transaction
        .prepare_cached(
            "SELECT sequence FROM audit_events WHERE event_time >= ?1 ORDER BY sequence LIMIT 1",
        )?
        .query_row([before], |row| row.get(0))
        .map(Some)
        .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    let bound = first_kept.unwrap_or(i64::MAX);
    let last_pruned: Option<(i64, Vec<u8>)> = transaction
        .prepare_cached("SELECT sequence, hash FROM audit_events WHERE sequence < ?1 ORDER BY sequence DESC LIMIT 1")?
        .query_row([bound], |row| Ok((row.get(0)?, row.get(1)?)))
        .map(Some)
        .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    let Some((last_sequence, last_hash)) = last_pruned else {
        return Ok(0);
    };
    transaction.execute(
        "DELETE FROM audit_resources WHERE sequence <= ?1",
        [last_sequence],
    )?;
    let pruned = transaction.execute(
        "DELETE FROM audit_events WHERE sequence <= ?1",
        [last_sequence],
    )?;
    transaction.execute(
        "UPDATE audit_anchor SET sequence = ?1, hash = ?2 WHERE id = 1",
        params![last_sequence, last_hash],
    )?;
    transaction.commit()?;
    Ok(u64::try_from(pruned).unwrap_or(u64::MAX))
}

/// A chain sequence as an SQLite integer.
fn sql_sequence(sequence: u64) -> Outcome<i64> {
    i64::try_from(sequence).map_err(|_| corrupt("audit sequence beyond i64"))
}
