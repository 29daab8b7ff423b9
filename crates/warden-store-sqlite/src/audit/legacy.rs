//! Moving a version-2 database's audit records into the journal.
//!
//! Schema version 2 kept the audit log in SQLite; migration 4 renames those tables to
//! `audit_v2_*`. When a log opens with an empty journal and such records exist, they are
//! copied into a first segment as they are (sequences and hashes included, so the chain
//! and its anchor carry over and verification still catches any earlier tampering), and
//! the old tables are dropped. The segment is written under a temporary name and renamed
//! once flushed, so an interrupted import leaves no partial journal behind.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use warden_audit::chain::{Anchor, ChainHash, Link};
use warden_store::{AuditResource, NewAuditRecord, StoreError};

use super::{JournalError, anchor, frame, segment};
use crate::failure::{Outcome, corrupt};

/// Imports the version-2 audit records into the journal in `directory` if it has no
/// segment yet, then drops the version-2 tables.
pub(super) fn import(
    connection: &mut Connection,
    directory: &Path,
    durable: bool,
) -> Result<(), StoreError> {
    if !legacy_tables_exist(connection)? {
        return Ok(());
    }
    std::fs::create_dir_all(directory).map_err(JournalError::io(directory))?;
    if !segment::list(directory)?.is_empty() {
        // Imported before (and the drop below was interrupted), or a journal of its own:
        // either way the journal is the truth. The old tables stay for inspection.
        return Ok(());
    }
    let start = legacy_anchor(connection)?;
    let temporary = directory.join("journal-import.tmp");
    let mut file = File::create(&temporary).map_err(JournalError::io(&temporary))?;
    let mut buffer = segment::MAGIC.to_vec();
    let mut head = start;
    for_each_legacy_record(connection, |link, record| {
        if link.sequence != head.sequence.saturating_add(1) {
            return Err(StoreError::Backend(format!(
                "cannot import the version-2 audit log: record {} follows record {}",
                link.sequence, head.sequence
            )));
        }
        frame::encode(&mut buffer, link, record).map_err(|error| {
            StoreError::Backend(format!(
                "cannot import audit record {}: {error}",
                link.sequence
            ))
        })?;
        head = link.as_anchor();
        if buffer.len() >= 1 << 20 {
            file.write_all(&buffer)
                .map_err(JournalError::io(&temporary))?;
            buffer.clear();
        }
        Ok(())
    })?;
    file.write_all(&buffer)
        .map_err(JournalError::io(&temporary))?;
    if durable {
        file.sync_all().map_err(JournalError::io(&temporary))?;
    }
    drop(file);
    if start.sequence > 0 {
        anchor::write(directory, &start, durable)?;
    }
    if head.sequence > start.sequence {
        let path = segment::path_of(directory, start.sequence.saturating_add(1));
        std::fs::rename(&temporary, &path).map_err(JournalError::io(&path))?;
        if durable {
            segment::sync_directory(directory)?;
        }
    } else {
        std::fs::remove_file(&temporary).map_err(JournalError::io(&temporary))?;
    }
    let drop_tables = "DROP TABLE audit_v2_resources; DROP TABLE audit_v2_events; \
                       DROP TABLE audit_v2_anchor;";
    connection
        .execute_batch(drop_tables)
        .map_err(|error| StoreError::Backend(format!("sqlite: {error}")))
}

fn legacy_tables_exist(connection: &Connection) -> Outcome<bool> {
    Ok(connection
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_v2_events'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .optional()?
        .is_some())
}

/// Calls `visit` with each version-2 record, in chain order, as stored.
fn for_each_legacy_record(
    connection: &Connection,
    mut visit: impl FnMut(&Link<'_>, &NewAuditRecord) -> Result<(), StoreError>,
) -> Outcome<()> {
    let mut statement = connection.prepare(
        "SELECT sequence, prev_hash, hash, account_id, event_time, event_id, event_name, \
         event_source, read_only, username, access_key_id, body \
         FROM audit_v2_events ORDER BY sequence",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let sequence =
            u64::try_from(row.get::<_, i64>(0)?).map_err(|_| corrupt("negative audit sequence"))?;
        let record = legacy_record(connection, row, sequence)?;
        let link = Link {
            sequence,
            prev_hash: hash(&row.get::<_, Vec<u8>>(1)?)?,
            hash: hash(&row.get::<_, Vec<u8>>(2)?)?,
            record: &record.body,
        };
        visit(&link, &record)?;
    }
    Ok(())
}

/// The version-2 pruning anchor.
fn legacy_anchor(connection: &Connection) -> Outcome<Anchor> {
    let stored: Option<(i64, Vec<u8>)> = connection
        .query_row(
            "SELECT sequence, hash FROM audit_v2_anchor WHERE id = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((sequence, stored_hash)) = stored else {
        return Ok(Anchor::GENESIS);
    };
    Ok(Anchor {
        sequence: u64::try_from(sequence).map_err(|_| corrupt("negative audit sequence"))?,
        hash: hash(&stored_hash)?,
    })
}

/// The record in a version-2 row (and its resources).
fn legacy_record(
    connection: &Connection,
    row: &rusqlite::Row<'_>,
    sequence: u64,
) -> Outcome<NewAuditRecord> {
    let resources = connection
        .prepare_cached(
            "SELECT resource_type, resource_name FROM audit_v2_resources \
             WHERE sequence = ?1 ORDER BY ordinal",
        )?
        .query_map([i64::try_from(sequence).unwrap_or(i64::MAX)], |row| {
            Ok(AuditResource {
                resource_type: row.get(0)?,
                resource_name: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(NewAuditRecord {
        account_id: row.get(3)?,
        event_time: row.get(4)?,
        event_id: row.get(5)?,
        event_name: row.get(6)?,
        event_source: row.get(7)?,
        read_only: row.get(8)?,
        username: row.get(9)?,
        access_key_id: row.get(10)?,
        resources,
        body: row.get(11)?,
    })
}

fn hash(bytes: &[u8]) -> Outcome<ChainHash> {
    Ok(ChainHash(
        bytes
            .try_into()
            .map_err(|_| corrupt("audit hash is not 32 bytes"))?,
    ))
}
