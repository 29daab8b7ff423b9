//! The indexer: copies durable records' lookup fields into the SQLite index, in large
//! transactions, on its own thread; and, when the log opens, brings the index level with
//! the journal. It reads the records back from the journal (from the page cache, as a
//! rule), so however far it falls behind, it holds no records in memory.
//!
//! The index is derived data: its transactions are not flushed on their own
//! (`synchronous=NORMAL`), and each one records how far it got (`indexed_through`), so
//! after a crash the log re-indexes from there.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use warden_audit::chain::Anchor;
use warden_store::{NewAuditRecord, StoreError};

use super::progress::Progress;
use super::scan::Scan;
use super::segment;
use crate::failure::{Outcome, corrupt};
use crate::lock;

/// The most records one index transaction takes: large enough to be cheap per record,
/// small enough (about 0.1 s) not to hold up the store's own writes to the same database
/// for long.
const MAX_INDEX_BATCH: usize = 5_000;

/// The least the indexer rests after indexing, unless a reader is waiting: under load this
/// makes transactions large (cheaper per record).
const PAUSE: Duration = Duration::from_millis(100);

/// How long the indexer rests per unit of time it worked, unless a reader is waiting: at 1
/// it uses at most half a core, leaving the rest to appends under sustained load (the
/// index then lags, and catches up when the load eases or a reader waits for it).
const REST_PER_WORK: u32 = 1;

/// A durable record and where its frame is.
pub(super) struct Located {
    /// Its sequence.
    pub(super) sequence: u64,
    /// The first sequence of its segment.
    pub(super) segment: u64,
    /// The frame's byte offset in the segment.
    pub(super) offset: u64,
    /// The record.
    pub(super) record: NewAuditRecord,
}

/// Where the indexer reads next: just after the last indexed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Position {
    /// The sequence of the last indexed record.
    pub(super) indexed: u64,
    /// The first sequence of the segment to read next (`None`: find the one holding
    /// `indexed + 1`).
    pub(super) segment: Option<u64>,
    /// The byte offset to read next in it.
    pub(super) offset: u64,
}

/// Runs the indexer until the syncer is gone: each time the journal is durable further
/// (`durable` says how far), reads the new records from the journal and indexes them.
pub(super) fn run(
    connection: &Mutex<Connection>,
    directory: &Path,
    mut position: Position,
    durable: &Receiver<u64>,
    progress: &Progress,
) {
    while let Ok(first) = durable.recv() {
        let target = durable.try_iter().fold(first, u64::max);
        if target <= position.indexed {
            continue;
        }
        let started = Instant::now();
        if let Err(error) = index_through(connection, directory, &mut position, target, progress) {
            // Readers get this error until reopening re-indexes from the journal.
            progress.index_failed(&error.to_string());
            break;
        }
        progress.pause_indexer(PAUSE.max(started.elapsed().saturating_mul(REST_PER_WORK)));
    }
    progress.index_failed("the audit log is closing");
}

/// Indexes the journal's records after `position` up to `target`, in transactions of up
/// to [`MAX_INDEX_BATCH`] records, moving `position` along.
fn index_through(
    connection: &Mutex<Connection>,
    directory: &Path,
    position: &mut Position,
    target: u64,
    progress: &Progress,
) -> Result<(), StoreError> {
    let next = position.indexed.saturating_add(1);
    let lacks = || {
        StoreError::Backend(format!(
            "the audit journal in {} lacks record {next}",
            directory.display()
        ))
    };
    let mut scan = match position.segment {
        Some(segment) if segment::path_of(directory, segment).exists() => {
            Scan::from(directory, segment, position.offset)?
        }
        // Not known, or pruned away since: start from the segment that holds the record.
        _ => Scan::segment_holding(directory, next)?.ok_or_else(lacks)?,
    }
    .skip_bodies();
    let mut pending = Vec::new();
    let mut reached = position.indexed;
    while reached < target {
        let Some(scanned) = scan.next_record()? else {
            return Err(lacks());
        };
        if scanned.record.sequence <= reached {
            continue;
        }
        reached = scanned.record.sequence;
        pending.push(Located {
            sequence: reached,
            segment: scanned.segment,
            offset: scanned.offset,
            record: scanned.record.record,
        });
        if pending.len() >= MAX_INDEX_BATCH || reached >= target {
            index(&mut lock(connection), &pending)?;
            pending.clear();
            *position = Position {
                indexed: reached,
                segment: Some(scanned.segment),
                offset: scanned.end,
            };
            progress.indexed(reached);
        }
    }
    Ok(())
}

/// Indexes `records` (consecutive, after everything indexed) in one transaction.
pub(super) fn index(connection: &mut Connection, records: &[Located]) -> Outcome<()> {
    let Some(last) = records.last() else {
        return Ok(());
    };
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert_record = transaction.prepare_cached(
            "INSERT INTO audit_index_records (sequence, account_id, event_time, segment, \
             frame_offset) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut insert_lookup = transaction.prepare_cached(
            "INSERT INTO audit_index_lookup (account_id, event_time, sequence, event_id, \
             event_name, event_source, read_only, username, access_key_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        let mut insert_resource = transaction.prepare_cached(
            "INSERT INTO audit_index_resources (sequence, ordinal, resource_type, resource_name) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for located in records {
            let record = &located.record;
            let sequence = sql_integer(located.sequence)?;
            insert_record.execute(params![
                sequence,
                record.account_id,
                record.event_time,
                sql_integer(located.segment)?,
                sql_integer(located.offset)?,
            ])?;
            insert_lookup.execute(params![
                record.account_id,
                record.event_time,
                sequence,
                record.event_id,
                record.event_name,
                record.event_source,
                record.read_only,
                record.username,
                record.access_key_id,
            ])?;
            for (ordinal, resource) in record.resources.iter().enumerate() {
                insert_resource.execute(params![
                    sequence,
                    i64::try_from(ordinal).map_err(|_| corrupt("resource ordinal"))?,
                    resource.resource_type,
                    resource.resource_name
                ])?;
            }
        }
    }
    transaction.execute(
        "UPDATE audit_index_state SET indexed_through = ?1 WHERE id = 1",
        [sql_integer(last.sequence)?],
    )?;
    transaction.commit()?;
    Ok(())
}

/// Makes the index hold exactly the journal's records after `anchor` up to `head`:
/// drops rows outside that range and indexes what the index lacks, from the journal.
pub(super) fn catch_up(
    connection: &Mutex<Connection>,
    directory: &Path,
    anchor: &Anchor,
    head: u64,
) -> Result<(), StoreError> {
    let indexed = reconcile(&mut lock(connection), anchor, head)?;
    let mut position = Position {
        indexed,
        segment: None,
        offset: 0,
    };
    // Nothing waits on this progress: the log is not open yet.
    index_through(
        connection,
        directory,
        &mut position,
        head,
        &Progress::new(indexed),
    )
}

/// Deletes index rows at or before the anchor or after what is indexed (or after the
/// journal's head); returns the sequence the index now holds every record up to.
fn reconcile(connection: &mut Connection, anchor: &Anchor, head: u64) -> Outcome<u64> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let indexed: i64 = transaction
        .query_row(
            "SELECT indexed_through FROM audit_index_state WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| corrupt("audit_index_state has no row"))?;
    let indexed = u64::try_from(indexed)
        .map_err(|_| corrupt("negative indexed_through"))?
        .clamp(anchor.sequence, head.max(anchor.sequence));
    let (low, high) = (sql_integer(anchor.sequence)?, sql_integer(indexed)?);
    delete_rows(&transaction, "sequence <= ?1 OR sequence > ?2", [low, high])?;
    transaction.execute(
        "UPDATE audit_index_state SET indexed_through = ?1 WHERE id = 1",
        [high],
    )?;
    transaction.commit()?;
    Ok(indexed)
}

/// Deletes the index rows of the records matching `condition` (on `sequence`).
pub(super) fn delete_rows<P: rusqlite::Params + Clone>(
    connection: &Connection,
    condition: &str,
    parameters: P,
) -> Outcome<usize> {
    connection.execute(
        &format!(
            "DELETE FROM audit_index_lookup WHERE (account_id, event_time, sequence) IN \
             (SELECT account_id, event_time, sequence FROM audit_index_records WHERE {condition})"
        ),
        parameters.clone(),
    )?;
    connection.execute(
        &format!("DELETE FROM audit_index_resources WHERE {condition}"),
        parameters.clone(),
    )?;
    Ok(connection.execute(
        &format!("DELETE FROM audit_index_records WHERE {condition}"),
        parameters,
    )?)
}

/// A sequence or offset as an SQLite integer.
pub(super) fn sql_integer(value: u64) -> Outcome<i64> {
    i64::try_from(value).map_err(|_| corrupt("audit sequence or offset beyond i64"))
}
