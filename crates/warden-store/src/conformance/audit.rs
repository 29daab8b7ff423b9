//! Checks of the [`AuditLog`] contract.

use std::collections::BTreeSet;
use std::thread;

use warden_audit::chain::Anchor;

use super::Failure;
use super::fixtures::{ACCOUNT, OTHER_ACCOUNT};
use crate::{
    AuditLog, AuditQuery, AuditResource, EntityKind, LookupAttribute, NewAuditRecord, StoreError,
    StoredAuditRecord, verify_audit_log,
};

/// A record of `account` at `event_time` (ms) named `name`, with distinctive attributes
/// (also for backends' and their users' own tests).
#[must_use]
pub fn record(account: &str, event_time: i64, name: &str) -> NewAuditRecord {
    NewAuditRecord {
        account_id: account.to_owned(),
        event_time,
        event_id: format!("event-{account}-{event_time}-{name}"),
        event_name: name.to_owned(),
        event_source: "iam.amazonaws.com".to_owned(),
        read_only: name.starts_with("Get") || name.starts_with("List"),
        username: Some(format!("user-of-{name}")),
        access_key_id: Some(format!("AKIA{name}")),
        resources: vec![AuditResource {
            resource_type: "AWS::IAM::User".to_owned(),
            resource_name: format!("target-of-{name}"),
        }],
        body: format!("{{\"eventName\":\"{name}\",\"eventTime\":{event_time}}}").into_bytes(),
    }
}

/// The `index`th record, or a failure.
fn nth(records: &[StoredAuditRecord], index: usize) -> Result<&StoredAuditRecord, Failure> {
    records.get(index).ok_or_else(|| {
        Failure(format!(
            "expected at least {} records, got {}",
            index + 1,
            records.len()
        ))
    })
}

fn query(account: &str) -> AuditQuery {
    AuditQuery {
        account_id: account.to_owned(),
        start_time: None,
        end_time: None,
        attribute: None,
        max_results: 50,
        next_token: None,
    }
}

/// Every page of `query`, concatenated, as (event name, sequence).
fn all_pages(log: &dyn AuditLog, mut query: AuditQuery) -> Result<Vec<(String, u64)>, Failure> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        let page = log.lookup(&query)?;
        ensure!(
            page.records.len() <= usize::try_from(query.max_results.clamp(1, 50)).unwrap_or(50),
            "a page exceeds max_results"
        );
        seen.extend(
            page.records
                .iter()
                .map(|r| (r.record.event_name.clone(), r.sequence)),
        );
        match page.next_token {
            Some(token) => query.next_token = Some(token),
            None => return Ok(seen),
        }
    }
    Err(Failure("lookup pagination does not terminate".to_owned()))
}

pub(super) fn append_chains_consecutively(log: &dyn AuditLog) -> Result<(), Failure> {
    ensure_eq!(log.append(&[])?, Vec::<u64>::new());
    ensure_eq!(log.anchor()?, Anchor::GENESIS);
    ensure_eq!(
        log.append(&[record(ACCOUNT, 1_000, "CreateUser")])?,
        vec![1]
    );
    let batch = [
        record(ACCOUNT, 2_000, "GetUser"),
        record(ACCOUNT, 3_000, "DeleteUser"),
    ];
    ensure_eq!(log.append(&batch)?, vec![2, 3]);
    let stored = log.records_after(0, 10)?;
    ensure_eq!(stored.len(), 3);
    ensure_eq!(
        stored.iter().map(|r| r.sequence).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    ensure_eq!(nth(&stored, 1)?.record, record(ACCOUNT, 2_000, "GetUser"));
    ensure_eq!(
        nth(&stored, 2)?.record,
        record(ACCOUNT, 3_000, "DeleteUser")
    );
    ensure_eq!(nth(&stored, 1)?.prev_hash, nth(&stored, 0)?.hash);
    let head =
        verify_audit_log(log, 2).map_err(|e| Failure(format!("chain does not verify: {e}")))?;
    ensure_eq!(head.sequence, 3);
    ensure_eq!(head.hash, nth(&stored, 2)?.hash);
    ensure_eq!(log.records_after(2, 10)?.len(), 1);
    ensure_eq!(log.records_after(0, 1)?.len(), 1);
    Ok(())
}

pub(super) fn lookup_is_newest_first_and_paginates(log: &dyn AuditLog) -> Result<(), Failure> {
    // Appended out of time order; two records share a timestamp.
    let times = [5_000, 1_000, 3_000, 3_000, 9_000, 7_000, 2_000];
    for (index, time) in times.iter().enumerate() {
        log.append(&[record(ACCOUNT, *time, &format!("Op{index}"))])?;
    }
    let mut paged = query(ACCOUNT);
    paged.max_results = 3;
    let seen = all_pages(log, paged)?;
    let names: Vec<&str> = seen.iter().map(|(name, _)| name.as_str()).collect();
    // Newest first; equal times by sequence, newest first.
    ensure_eq!(names, vec!["Op4", "Op5", "Op0", "Op3", "Op2", "Op6", "Op1"]);
    let page = log.lookup(&query(ACCOUNT))?;
    ensure_eq!(page.records.len(), 7);
    ensure!(
        page.next_token.is_none(),
        "a complete page has no next token"
    );
    // max_results is clamped into 1..=50.
    let mut zero = query(ACCOUNT);
    zero.max_results = 0;
    ensure_eq!(log.lookup(&zero)?.records.len(), 1);
    Ok(())
}

pub(super) fn lookup_filters_by_account_and_time(log: &dyn AuditLog) -> Result<(), Failure> {
    for (time, name) in [(1_000, "A"), (2_000, "B"), (3_000, "C"), (4_000, "D")] {
        log.append(&[record(ACCOUNT, time, name)])?;
    }
    log.append(&[record(OTHER_ACCOUNT, 2_500, "Other")])?;
    let mut range = query(ACCOUNT);
    range.start_time = Some(2_000);
    range.end_time = Some(3_000);
    let names: Vec<String> = all_pages(log, range)?
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    ensure_eq!(names, vec!["C".to_owned(), "B".to_owned()]);
    let other: Vec<String> = all_pages(log, query(OTHER_ACCOUNT))?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    ensure_eq!(other, vec!["Other".to_owned()]);
    ensure!(
        log.lookup(&query("999999999999"))?.records.is_empty(),
        "unknown account has records"
    );
    Ok(())
}

pub(super) fn lookup_filters_by_each_attribute(log: &dyn AuditLog) -> Result<(), Failure> {
    for (time, name) in [
        (1_000, "GetUser"),
        (2_000, "CreateUser"),
        (3_000, "ListUsers"),
    ] {
        log.append(&[record(ACCOUNT, time, name)])?;
    }
    let mut other_source = record(ACCOUNT, 4_000, "AssumeRole");
    other_source.event_source = "sts.amazonaws.com".to_owned();
    other_source.username = None;
    other_source.access_key_id = None;
    other_source.resources.push(AuditResource {
        resource_type: "AWS::IAM::Role".to_owned(),
        resource_name: "App".to_owned(),
    });
    log.append(&[other_source])?;
    let event_id = log
        .records_after(1, 1)?
        .first()
        .map(|r| r.record.event_id.clone())
        .unwrap_or_default();
    let cases: Vec<(LookupAttribute, Vec<&str>)> = vec![
        (LookupAttribute::EventId(event_id), vec!["CreateUser"]),
        (
            LookupAttribute::EventName("ListUsers".to_owned()),
            vec!["ListUsers"],
        ),
        (
            LookupAttribute::ReadOnly(true),
            vec!["ListUsers", "GetUser"],
        ),
        (
            LookupAttribute::ReadOnly(false),
            vec!["AssumeRole", "CreateUser"],
        ),
        (
            LookupAttribute::Username("user-of-GetUser".to_owned()),
            vec!["GetUser"],
        ),
        (
            LookupAttribute::ResourceType("AWS::IAM::Role".to_owned()),
            vec!["AssumeRole"],
        ),
        (
            LookupAttribute::ResourceType("AWS::IAM::User".to_owned()),
            vec!["AssumeRole", "ListUsers", "CreateUser", "GetUser"],
        ),
        (
            LookupAttribute::ResourceName("target-of-CreateUser".to_owned()),
            vec!["CreateUser"],
        ),
        (
            LookupAttribute::ResourceName("App".to_owned()),
            vec!["AssumeRole"],
        ),
        (
            LookupAttribute::EventSource("sts.amazonaws.com".to_owned()),
            vec!["AssumeRole"],
        ),
        (
            LookupAttribute::AccessKeyId("AKIAListUsers".to_owned()),
            vec!["ListUsers"],
        ),
        (LookupAttribute::EventName("Nothing".to_owned()), vec![]),
    ];
    for (attribute, expected) in cases {
        let mut filtered = query(ACCOUNT);
        filtered.attribute = Some(attribute.clone());
        filtered.max_results = 1;
        let names: Vec<String> = all_pages(log, filtered)?
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        ensure!(
            names == expected,
            "{attribute:?}: expected {expected:?}, got {names:?}"
        );
    }
    let with_resources = log.lookup(&query(ACCOUNT))?;
    ensure_eq!(
        with_resources
            .records
            .first()
            .map(|r| r.record.resources.len()),
        Some(2)
    );
    Ok(())
}

pub(super) fn lookup_rejects_malformed_tokens(log: &dyn AuditLog) -> Result<(), Failure> {
    log.append(&[record(ACCOUNT, 1_000, "GetUser")])?;
    for token in ["", "garbage", "12.", ".5", "1.-1"] {
        let mut bad = query(ACCOUNT);
        bad.next_token = Some(token.to_owned());
        super::ensure_error(
            log.lookup(&bad),
            &StoreError::not_found(EntityKind::AuditPageToken, token),
            token,
        )?;
    }
    Ok(())
}

pub(super) fn concurrent_appends_form_one_chain(log: &dyn AuditLog) -> Result<(), Failure> {
    const THREADS: usize = 16;
    const APPENDS: usize = 40;
    let results: Vec<Result<Vec<u64>, StoreError>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|thread| {
                scope.spawn(move || {
                    let mut sequences = Vec::new();
                    for append in 0..APPENDS {
                        let time = i64::try_from(thread * 1_000 + append).unwrap_or(0);
                        let records = [record(ACCOUNT, time, &format!("T{thread}A{append}"))];
                        sequences.extend(log.append(&records)?);
                    }
                    Ok(sequences)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(StoreError::Backend("thread panicked".to_owned())))
            })
            .collect()
    });
    let mut all = BTreeSet::new();
    for result in results {
        let sequences = result?;
        ensure!(
            sequences.is_sorted_by(|a, b| a < b),
            "one caller's sequences go backwards"
        );
        all.extend(sequences);
    }
    let total = u64::try_from(THREADS * APPENDS).unwrap_or(0);
    ensure_eq!(all, (1..=total).collect::<BTreeSet<u64>>());
    let head =
        verify_audit_log(log, 100).map_err(|e| Failure(format!("chain does not verify: {e}")))?;
    ensure_eq!(head.sequence, total);
    Ok(())
}

pub(super) fn pruning_keeps_the_rest_verifiable(log: &dyn AuditLog) -> Result<(), Failure> {
    ensure_eq!(log.prune_before(10_000)?, 0);
    // The 4th record is older than the 3rd: pruning stops at the first young record.
    for (time, name) in [
        (1_000, "A"),
        (2_000, "B"),
        (5_000, "C"),
        (1_500, "D"),
        (6_000, "E"),
    ] {
        log.append(&[record(ACCOUNT, time, name)])?;
    }
    let before = log.records_after(0, 10)?;
    ensure_eq!(log.prune_before(3_000)?, 2);
    let anchor = log.anchor()?;
    ensure_eq!(anchor.sequence, 2);
    ensure_eq!(anchor.hash, nth(&before, 1)?.hash);
    ensure_eq!(
        log.records_after(0, 10)?.first().map(|r| r.sequence),
        Some(3)
    );
    let names: Vec<String> = all_pages(log, query(ACCOUNT))?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    ensure_eq!(names, vec!["E".to_owned(), "C".to_owned(), "D".to_owned()]);
    let mut by_name = query(ACCOUNT);
    by_name.attribute = Some(LookupAttribute::ResourceName("target-of-A".to_owned()));
    ensure!(
        log.lookup(&by_name)?.records.is_empty(),
        "a pruned record's resource is still found"
    );
    // Appends continue the chain; everything still verifies from the anchor.
    ensure_eq!(log.append(&[record(ACCOUNT, 7_000, "F")])?, vec![6]);
    verify_audit_log(log, 2)
        .map_err(|e| Failure(format!("chain does not verify after pruning: {e}")))?;
    // Pruning everything keeps the anchor at the last record; new appends chain after it.
    ensure_eq!(log.prune_before(i64::MAX)?, 4);
    ensure_eq!(log.anchor()?.sequence, 6);
    ensure_eq!(log.append(&[record(ACCOUNT, 8_000, "G")])?, vec![7]);
    let head =
        verify_audit_log(log, 2).map_err(|e| Failure(format!("chain does not verify: {e}")))?;
    ensure_eq!(head.sequence, 7);
    Ok(())
}
