//! Reads: LookupEvents queries (the index finds the records, the journal supplies them)
//! and chain-order scans (straight from the journal).

use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use warden_store::{
    AuditPage, AuditQuery, LOOKUP_MAX_RESULTS, LookupAttribute, LookupCursor, StoreError,
    StoredAuditRecord,
};

use super::JournalError;
use super::scan::Scan;
use super::segment::{self, FrameReader};
use crate::failure::{Outcome, corrupt};

/// Where a record's frame is: (sequence, segment, offset).
type Location = (u64, u64, u64);

/// Runs `operation` in one read transaction, so that multi-query reads see one state.
pub(super) fn in_transaction<T>(
    connection: &mut Connection,
    operation: impl FnOnce(&Connection) -> Outcome<T>,
) -> Outcome<T> {
    let transaction = connection.transaction()?;
    let value = operation(&transaction)?;
    transaction.commit()?;
    Ok(value)
}

/// Where the first indexed record after `after` is.
pub(super) fn first_after(connection: &Connection, after: u64) -> Outcome<Option<Location>> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    connection
        .prepare_cached(
            "SELECT sequence, segment, frame_offset FROM audit_index_records WHERE sequence > ?1 \
             ORDER BY sequence LIMIT 1",
        )?
        .query_row([after], location_from_row)
        .optional()?
        .transpose()
}

/// Where the indexed record at `sequence` is.
pub(super) fn location_of(connection: &Connection, sequence: u64) -> Outcome<Option<Location>> {
    let sequence = i64::try_from(sequence).unwrap_or(i64::MAX);
    connection
        .prepare_cached(
            "SELECT sequence, segment, frame_offset FROM audit_index_records WHERE sequence = ?1",
        )?
        .query_row([sequence], location_from_row)
        .optional()?
        .transpose()
}

/// Up to `limit` records from `start` on, in chain order, none beyond `head`.
pub(super) fn records_from(
    directory: &Path,
    start: Location,
    head: u64,
    limit: usize,
) -> Result<Vec<StoredAuditRecord>, StoreError> {
    let (_, segment, offset) = start;
    let mut scan = Scan::from(directory, segment, offset)?;
    let mut records = Vec::new();
    while records.len() < limit
        && records
            .last()
            .is_none_or(|last: &StoredAuditRecord| last.sequence < head)
    {
        let Some(scanned) = scan.next_record()? else {
            break;
        };
        records.push(scanned.record);
    }
    Ok(records)
}

/// The record whose frame is at `location`.
pub(super) fn record_at(
    directory: &Path,
    location: Location,
) -> Result<StoredAuditRecord, JournalError> {
    let (sequence, segment, offset) = location;
    let path = segment::path_of(directory, segment);
    let mut reader = FrameReader::open(&path, offset, 8 * 1024)?;
    match reader.next_frame()? {
        Ok(record) if record.sequence == sequence => Ok(record),
        Ok(record) => Err(JournalError::corrupt(
            &path,
            offset,
            format!(
                "the index expects record {sequence} here, the journal has {}",
                record.sequence
            ),
        )),
        Err(stop) => Err(JournalError::corrupt(
            &path,
            offset,
            format!("record {sequence} is unreadable: {stop:?}"),
        )),
    }
}

/// One page of a LookupEvents query, newest first: the matching records' locations from
/// the index, and whether more follow.
pub(super) fn lookup(
    connection: &Connection,
    query: &AuditQuery,
) -> Outcome<(Vec<Location>, bool)> {
    let cursor = query
        .next_token
        .as_deref()
        .map(LookupCursor::from_token)
        .transpose()?;
    let page_size = query.max_results.clamp(1, LOOKUP_MAX_RESULTS);
    let mut sql = "SELECT e.sequence, r.segment, r.frame_offset FROM audit_index_lookup e \
                   JOIN audit_index_records r ON r.sequence = e.sequence \
                   WHERE e.account_id = ?1 AND e.event_time >= ?2 AND e.event_time <= ?3 \
                   AND (e.event_time < ?4 OR (e.event_time = ?4 AND e.sequence < ?5))"
        .to_owned();
    let mut parameters = vec![
        Value::Text(query.account_id.clone()),
        Value::Integer(query.start_time.unwrap_or(i64::MIN)),
        Value::Integer(query.end_time.unwrap_or(i64::MAX)),
        Value::Integer(cursor.map_or(i64::MAX, |cursor| cursor.event_time)),
        Value::Integer(cursor.map_or(i64::MAX, |cursor| {
            i64::try_from(cursor.sequence).unwrap_or(i64::MAX)
        })),
    ];
    if let Some(attribute) = &query.attribute {
        let (clause, value) = attribute_filter(attribute);
        sql.push_str(" AND ");
        sql.push_str(clause);
        parameters.push(value);
    }
    sql.push_str(" ORDER BY e.event_time DESC, e.sequence DESC LIMIT ?");
    // One more than a page, to know whether another page follows.
    parameters.push(Value::Integer(i64::from(page_size) + 1));
    let mut statement = connection.prepare_cached(&sql)?;
    let mut locations = statement
        .query_map(params_from_iter(parameters), location_from_row)?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .collect::<Outcome<Vec<_>>>()?;
    let page_size = usize::try_from(page_size).unwrap_or(usize::MAX);
    let more = locations.len() > page_size;
    locations.truncate(page_size);
    Ok((locations, more))
}

/// The page for `records` (a lookup's, in its order).
pub(super) fn page(records: Vec<StoredAuditRecord>, more: bool) -> AuditPage {
    let next_token = records.last().filter(|_| more).map(|last| {
        LookupCursor {
            event_time: last.record.event_time,
            sequence: last.sequence,
        }
        .to_token()
    });
    AuditPage {
        records,
        next_token,
    }
}

/// The SQL condition and its parameter for one lookup attribute.
fn attribute_filter(attribute: &LookupAttribute) -> (&'static str, Value) {
    match attribute {
        LookupAttribute::EventId(id) => ("e.event_id = ?", Value::Text(id.clone())),
        LookupAttribute::EventName(name) => ("e.event_name = ?", Value::Text(name.clone())),
        LookupAttribute::ReadOnly(read_only) => {
            ("e.read_only = ?", Value::Integer(i64::from(*read_only)))
        }
        LookupAttribute::Username(name) => ("e.username = ?", Value::Text(name.clone())),
        LookupAttribute::EventSource(source) => ("e.event_source = ?", Value::Text(source.clone())),
        LookupAttribute::AccessKeyId(id) => ("e.access_key_id = ?", Value::Text(id.clone())),
        LookupAttribute::ResourceType(resource_type) => (
            "EXISTS (SELECT 1 FROM audit_index_resources r WHERE r.sequence = e.sequence AND r.resource_type = ?)",
            Value::Text(resource_type.clone()),
        ),
        LookupAttribute::ResourceName(name) => (
            "EXISTS (SELECT 1 FROM audit_index_resources r WHERE r.sequence = e.sequence AND r.resource_name = ?)",
            Value::Text(name.clone()),
        ),
    }
}

fn location_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Outcome<Location>> {
    let (sequence, segment, offset): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
    let unsigned =
        |value: i64| u64::try_from(value).map_err(|_| corrupt("negative audit index value"));
    Ok((|| {
        Ok((unsigned(sequence)?, unsigned(segment)?, unsigned(offset)?))
    })())
}
