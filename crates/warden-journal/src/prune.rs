//! Pruning: moving the anchor past the oldest records, dropping their index rows and
//! every segment that holds only pruned records.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use warden_audit::chain::Anchor;
use warden_store::StoreError;

use super::indexer::{delete_rows, sql_integer};
use super::{anchor, read, segment};
use crate::failure::Outcome;

/// Prunes the longest prefix of the chain older than `before` (the index must hold every
/// durable record), moves `current` to the new anchor and returns how many records were
/// pruned.
pub(super) fn prune_before(
    connection: &mut Connection,
    directory: &Path,
    durable: bool,
    before: i64,
    current: &Mutex<Anchor>,
) -> Result<u64, StoreError> {
    let Some(last) = last_prunable(connection, before)? else {
        return Ok(0);
    };
    let location = read::location_of(connection, last)?.ok_or_else(|| {
        StoreError::Backend(format!("the audit index lost record {last} while pruning"))
    })?;
    let record = read::record_at(directory, location)?;
    let new_anchor = Anchor {
        sequence: record.sequence,
        hash: record.hash,
    };
    // The anchor file first: once it moved, the pruned records are gone for good, whatever
    // happens to the index (which is reconciled with the anchor on open).
    anchor::write(directory, &new_anchor, durable)?;
    // Readers take the anchor, then the records after it: moving it before the rows go
    // keeps what they see verifiable.
    *current.lock().unwrap_or_else(PoisonError::into_inner) = new_anchor;
    let pruned = drop_index_rows(connection, last)?;
    remove_segments(directory, last, durable)?;
    Ok(pruned)
}

/// The sequence of the last record of the longest prefix older than `before`.
fn last_prunable(connection: &Connection, before: i64) -> Outcome<Option<u64>> {
    // Old records sit at the front of the chain, so this scan stops early.
    let first_kept: Option<i64> = connection
        .prepare_cached(
            "SELECT sequence FROM audit_index_records WHERE event_time >= ?1 \
             ORDER BY sequence LIMIT 1",
        )?
        .query_row([before], |row| row.get(0))
        .optional()?;
    let last: Option<i64> = connection
        .prepare_cached(
            "SELECT sequence FROM audit_index_records WHERE sequence < ?1 \
             ORDER BY sequence DESC LIMIT 1",
        )?
        .query_row([first_kept.unwrap_or(i64::MAX)], |row| row.get(0))
        .optional()?;
    Ok(last.and_then(|last| u64::try_from(last).ok()))
}

/// Deletes the index rows up to `last`; returns how many records they were.
fn drop_index_rows(connection: &mut Connection, last: u64) -> Outcome<u64> {
    let last = sql_integer(last)?;
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let pruned = delete_rows(&transaction, "sequence <= ?1", [last])?;
    transaction.commit()?;
    Ok(u64::try_from(pruned).unwrap_or(u64::MAX))
}

/// Removes every segment all of whose records are at or before `last` (never the last
/// segment, which the writer appends to).
fn remove_segments(directory: &Path, last: u64, durable: bool) -> Result<(), StoreError> {
    let segments = segment::list(directory)?;
    let mut removed = false;
    for pair in segments.windows(2) {
        let [older, newer] = pair else { continue };
        if newer.first > last.saturating_add(1) {
            break;
        }
        std::fs::remove_file(&older.path).map_err(|error| {
            StoreError::Backend(format!(
                "cannot remove pruned audit segment {}: {error}",
                older.path.display()
            ))
        })?;
        removed = true;
    }
    if removed && durable {
        segment::sync_directory(directory)?;
    }
    Ok(())
}
