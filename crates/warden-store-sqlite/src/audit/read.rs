//! Reads: the chain head and anchor, chain-order scans and LookupEvents queries.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};
use warden_audit::chain::{Anchor, ChainHash};
use warden_store::{
    AuditPage, AuditQuery, AuditResource, LOOKUP_MAX_RESULTS, LookupAttribute, LookupCursor,
    NewAuditRecord, StoredAuditRecord,
};

use crate::failure::{Outcome, corrupt};

/// The columns [`record_from_row`] reads, in its order.
const COLUMNS: &str = "sequence, prev_hash, hash, account_id, event_time, event_id, event_name, \
                       event_source, read_only, username, access_key_id, body";

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

/// The anchor the next record chains after: the last stored record, else the pruning
/// anchor.
pub(super) fn head(connection: &Connection) -> Outcome<Anchor> {
    let last = connection
        .prepare_cached("SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1")?
        .query_row([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .optional()?;
    match last {
        Some((sequence, hash)) => anchor_from(sequence, &hash),
        None => anchor(connection),
    }
}

/// The pruning anchor.
pub(super) fn anchor(connection: &Connection) -> Outcome<Anchor> {
    let (sequence, hash) = connection
        .prepare_cached("SELECT sequence, hash FROM audit_anchor WHERE id = 1")?
        .query_row([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })?;
    anchor_from(sequence, &hash)
}

/// Up to `limit` records after sequence `after`, in chain order.
pub(super) fn records_after(
    connection: &Connection,
    after: u64,
    limit: usize,
) -> Outcome<Vec<StoredAuditRecord>> {
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM audit_events WHERE sequence > ?1 ORDER BY sequence LIMIT ?2"
    ))?;
    let rows = statement
        .query_map([after, limit], |row| Ok(record_from_row(row)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|record| {
            let mut record = record?;
            record.record.resources = resources(connection, record.sequence)?;
            Ok(record)
        })
        .collect()
}

/// One page of a LookupEvents query, newest first.
pub(super) fn lookup(connection: &Connection, query: &AuditQuery) -> Outcome<AuditPage> {
    let cursor = query
        .next_token
        .as_deref()
        .map(LookupCursor::from_token)
        .transpose()?;
    let page_size = query.max_results.clamp(1, LOOKUP_MAX_RESULTS);
    let mut sql = format!(
        "SELECT {COLUMNS} FROM audit_events e WHERE account_id = ?1 AND event_time >= ?2 AND event_time <= ?3 \
         AND (event_time < ?4 OR (event_time = ?4 AND sequence < ?5))"
    );
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
    sql.push_str(" ORDER BY event_time DESC, sequence DESC LIMIT ?");
    // One more than a page, to know whether another page follows.
    parameters.push(Value::Integer(i64::from(page_size) + 1));
    let mut statement = connection.prepare_cached(&sql)?;
    let mut records = statement
        .query_map(params_from_iter(parameters), |row| Ok(record_from_row(row)))?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .collect::<Outcome<Vec<_>>>()?;
    let more = records.len() > usize::try_from(page_size).unwrap_or(usize::MAX);
    records.truncate(usize::try_from(page_size).unwrap_or(usize::MAX));
    for record in &mut records {
        record.record.resources = resources(connection, record.sequence)?;
    }
    let next_token = records.last().filter(|_| more).map(|last| {
        LookupCursor {
            event_time: last.record.event_time,
            sequence: last.sequence,
        }
        .to_token()
    });
    Ok(AuditPage {
        records,
        next_token,
    })
}

/// The SQL condition and its parameter for one lookup attribute.
fn attribute_filter(attribute: &LookupAttribute) -> (&'static str, Value) {
    match attribute {
        LookupAttribute::EventId(id) => ("event_id = ?", Value::Text(id.clone())),
        LookupAttribute::EventName(name) => ("event_name = ?", Value::Text(name.clone())),
        LookupAttribute::ReadOnly(read_only) => {
            ("read_only = ?", Value::Integer(i64::from(*read_only)))
        }
        LookupAttribute::Username(name) => ("username = ?", Value::Text(name.clone())),
        LookupAttribute::EventSource(source) => ("event_source = ?", Value::Text(source.clone())),
        LookupAttribute::AccessKeyId(id) => ("access_key_id = ?", Value::Text(id.clone())),
        LookupAttribute::ResourceType(resource_type) => (
            "EXISTS (SELECT 1 FROM audit_resources r WHERE r.sequence = e.sequence AND r.resource_type = ?)",
            Value::Text(resource_type.clone()),
        ),
        LookupAttribute::ResourceName(name) => (
            "EXISTS (SELECT 1 FROM audit_resources r WHERE r.sequence = e.sequence AND r.resource_name = ?)",
            Value::Text(name.clone()),
        ),
    }
}

/// The resources of the record at `sequence`, in their original order.
fn resources(connection: &Connection, sequence: u64) -> Outcome<Vec<AuditResource>> {
    let sequence = i64::try_from(sequence).unwrap_or(i64::MAX);
    let resources = connection
        .prepare_cached(
            "SELECT resource_type, resource_name FROM audit_resources WHERE sequence = ?1 ORDER BY ordinal",
        )?
        .query_map([sequence], |row| {
            Ok(AuditResource {
                resource_type: row.get(0)?,
                resource_name: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(resources)
}

/// A record from a row of [`COLUMNS`] (resources are read separately).
fn record_from_row(row: &Row<'_>) -> Outcome<StoredAuditRecord> {
    let sequence: i64 = row.get(0)?;
    Ok(StoredAuditRecord {
        sequence: u64::try_from(sequence).map_err(|_| corrupt("negative audit sequence"))?,
        prev_hash: hash_from(&row.get::<_, Vec<u8>>(1)?)?,
        hash: hash_from(&row.get::<_, Vec<u8>>(2)?)?,
        record: NewAuditRecord {
            account_id: row.get(3)?,
            event_time: row.get(4)?,
            event_id: row.get(5)?,
            event_name: row.get(6)?,
            event_source: row.get(7)?,
            read_only: row.get(8)?,
            username: row.get(9)?,
            access_key_id: row.get(10)?,
            resources: Vec::new(),
            body: row.get(11)?,
        },
    })
}

fn anchor_from(sequence: i64, hash: &[u8]) -> Outcome<Anchor> {
    Ok(Anchor {
        sequence: u64::try_from(sequence).map_err(|_| corrupt("negative audit sequence"))?,
        hash: hash_from(hash)?,
    })
}

fn hash_from(bytes: &[u8]) -> Outcome<ChainHash> {
    Ok(ChainHash(
        bytes
            .try_into()
            .map_err(|_| corrupt("audit hash is not 32 bytes"))?,
    ))
}
