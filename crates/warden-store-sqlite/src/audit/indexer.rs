//! The indexer: copies durable records' lookup fields into the SQLite index, in large
//! transactions, on its own thread; and, when the log opens, brings the index level with
//! the journal.
//!
//! The index is derived data: its transactions are not flushed on their own
//! (`synchronous=NORMAL`), and each one records how far it got (`indexed_through`), so
//! after a crash the log re-indexes from there.

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::Receiver;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use warden_audit::chain::Anchor;
use warden_store::{NewAuditRecord, StoreError};

use super::progress::Progress;
use super::scan::Scan;
use crate::failure::{Outcome, corrupt};
use crate::lock;

/// The most records one index transaction takes.
const MAX_INDEX_BATCH: usize = 50_000;

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

/// Runs the indexer until the syncer is gone.
pub(super) fn run(
    connection: &Mutex<Connection>,
    batches: &Receiver<Vec<Located>>,
    progress: &Progress,
) {
    let mut stopped = false;
    while let Ok(mut group) = batches.recv() {
        while group.len() < MAX_INDEX_BATCH {
            let Ok(more) = batches.try_recv() else { break };
            group.extend(more);
        }
        if stopped {
            continue;
        }
        let Some(last) = group.last().map(|located| located.sequence) else {
            continue;
        };
        match index(&mut lock(connection), &group) {
            Ok(()) => progress.indexed(last),
            Err(failure) => {
                // Later records would leave a gap; readers get this error until reopening
                // re-indexes from the journal.
                stopped = true;
                progress.index_failed(&StoreError::from(failure).to_string());
            }
        }
    }
    progress.index_failed("the audit log is closing");
}

/// Indexes `records` (consecutive, after everything indexed) in one transaction.
pub(super) fn index(connection: &mut Connection, records: &[Located]) -> Outcome<()> {
    let Some(last) = records.last() else {
        return Ok(());
    };
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut insert_record = transaction.prepare_cached(
            "INSERT INTO audit_index (sequence, account_id, event_time, event_id, event_name, \
             event_source, read_only, username, access_key_id, segment, frame_offset) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
                record.event_id,
                record.event_name,
                record.event_source,
                record.read_only,
                record.username,
                record.access_key_id,
                sql_integer(located.segment)?,
                sql_integer(located.offset)?,
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
    connection: &mut Connection,
    directory: &Path,
    anchor: &Anchor,
    head: u64,
) -> Result<(), StoreError> {
    let indexed = reconcile(connection, anchor, head)?;
    if indexed >= head {
        return Ok(());
    }
    let from = indexed.saturating_add(1);
    let mut scan = Scan::segment_holding(directory, from)?.ok_or_else(|| {
        StoreError::Backend(format!(
            "the audit journal in {} lacks record {from}",
            directory.display()
        ))
    })?;
    let mut pending = Vec::new();
    let mut reached = indexed;
    while reached < head {
        let Some(scanned) = scan.next_record()? else {
            return Err(StoreError::Backend(format!(
                "the audit journal in {} ends at record {reached}, before its head {head}",
                directory.display()
            )));
        };
        if scanned.record.sequence < from {
            continue;
        }
        reached = scanned.record.sequence;
        pending.push(Located {
            sequence: reached,
            segment: scanned.segment,
            offset: scanned.offset,
            record: scanned.record.record,
        });
        if pending.len() >= MAX_INDEX_BATCH || reached >= head {
            index(connection, &pending)?;
            pending.clear();
        }
    }
    Ok(())
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
    for table in ["audit_index", "audit_index_resources"] {
        transaction.execute(
            &format!("DELETE FROM {table} WHERE sequence <= ?1 OR sequence > ?2"),
            [low, high],
        )?;
    }
    transaction.execute(
        "UPDATE audit_index_state SET indexed_through = ?1 WHERE id = 1",
        [high],
    )?;
    transaction.commit()?;
    Ok(indexed)
}

/// A sequence or offset as an SQLite integer.
pub(super) fn sql_integer(value: u64) -> Outcome<i64> {
    i64::try_from(value).map_err(|_| corrupt("audit sequence or offset beyond i64"))
}
