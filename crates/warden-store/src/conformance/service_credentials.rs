//! Checks of service-specific credentials.

use super::fixtures::{ACCOUNT, account_with_user, sealed_bytes, user};
use super::{Failure, ensure_error};
use crate::{AccessKeyStatus, EntityKind, ServiceCredentialRecord, Store, StoreError, StoreExt};

fn credential(user_name: &str, id: &str, service: &str, created: i64) -> ServiceCredentialRecord {
    ServiceCredentialRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: user_name.to_owned(),
        credential_id: id.to_owned(),
        service_name: service.to_owned(),
        service_user_name: format!("{user_name}-at-{ACCOUNT}"),
        secret_sealed: sealed_bytes(id),
        status: AccessKeyStatus::Active,
        create_date: created,
        expiration_date: None,
    }
}

/// Create, list (by user, by service, every user), get, update, reset, delete; the quota of
/// two per user and service; a user with credentials cannot be deleted.
pub(super) fn lifecycle_quota_and_conflicts(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    let first = credential("ALICE", "ACCA1", "codecommit.amazonaws.com", 1);
    let second = credential("alice", "ACCA2", "codecommit.amazonaws.com", 2);
    let keyspaces = credential("alice", "ACCA3", "cassandra.amazonaws.com", 3);
    let bobs = credential("bob", "ACCA4", "codecommit.amazonaws.com", 4);
    for record in [&first, &second, &keyspaces, &bobs] {
        store.write(|tx| tx.service_credentials().create(record))?;
    }
    let third = credential("alice", "ACCA5", "codecommit.amazonaws.com", 5);
    ensure_error(
        store.write(|tx| tx.service_credentials().create(&third)),
        &StoreError::service_credential_quota_exceeded(),
        "a third credential for one service",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.service_credentials().create(&credential(
                "bob",
                "ACCA1",
                "cassandra.amazonaws.com",
                6,
            ))
        }),
        &StoreError::already_exists(EntityKind::ServiceCredential, "ACCA1"),
        "a taken id",
    )?;
    let ids = |records: Vec<ServiceCredentialRecord>| {
        records
            .into_iter()
            .map(|r| r.credential_id)
            .collect::<Vec<_>>()
    };
    ensure_eq!(
        ids(store.read(|tx| tx.service_credentials().list(ACCOUNT, Some("alice"), None))?),
        ["ACCA1", "ACCA2", "ACCA3"]
    );
    ensure_eq!(
        ids(store.read(|tx| {
            tx.service_credentials()
                .list(ACCOUNT, Some("alice"), Some("cassandra.amazonaws.com"))
        })?),
        ["ACCA3"]
    );
    ensure_eq!(
        ids(store.read(|tx| tx.service_credentials().list(ACCOUNT, None, None))?),
        ["ACCA1", "ACCA2", "ACCA3", "ACCA4"]
    );
    ensure_error(
        store.read(|tx| tx.service_credentials().list(ACCOUNT, Some("nobody"), None)),
        &StoreError::not_found(EntityKind::User, "nobody"),
        "listing a missing user's credentials",
    )?;
    let stored = store.read(|tx| tx.service_credentials().get(ACCOUNT, "alice", "ACCA1"))?;
    let mut expected = first;
    expected.user_name = "Alice".to_owned();
    ensure_eq!(stored, Some(expected));
    ensure_eq!(
        store.read(|tx| tx.service_credentials().get(ACCOUNT, "bob", "ACCA1"))?,
        None
    );

    store.write(|tx| {
        tx.service_credentials()
            .update_status(ACCOUNT, "alice", "ACCA1", AccessKeyStatus::Inactive)
    })?;
    store.write(|tx| {
        tx.service_credentials()
            .reset_secret(ACCOUNT, "alice", "ACCA1", &sealed_bytes("new"))
    })?;
    let changed = store
        .read(|tx| tx.service_credentials().get(ACCOUNT, "alice", "ACCA1"))?
        .ok_or_else(|| Failure("ACCA1 vanished".to_owned()))?;
    ensure_eq!(changed.status, AccessKeyStatus::Inactive);
    ensure_eq!(changed.secret_sealed, sealed_bytes("new"));
    ensure_error(
        store.write(|tx| {
            tx.service_credentials()
                .update_status(ACCOUNT, "bob", "ACCA1", AccessKeyStatus::Active)
        }),
        &StoreError::not_found(EntityKind::ServiceCredential, "ACCA1"),
        "another user's credential",
    )?;

    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "bob")),
        &StoreError::service_credential_conflict(),
        "deleting a user with credentials",
    )?;
    store.write(|tx| tx.service_credentials().delete(ACCOUNT, "bob", "ACCA4"))?;
    store.write(|tx| tx.users().delete(ACCOUNT, "bob"))?;
    ensure_error(
        store.write(|tx| tx.service_credentials().delete(ACCOUNT, "alice", "ACCA4")),
        &StoreError::not_found(EntityKind::ServiceCredential, "ACCA4"),
        "deleting another user's credential",
    )?;
    // The freed quota slot can be used again.
    store.write(|tx| tx.service_credentials().delete(ACCOUNT, "alice", "ACCA2"))?;
    store.write(|tx| tx.service_credentials().create(&third))?;
    Ok(())
}
