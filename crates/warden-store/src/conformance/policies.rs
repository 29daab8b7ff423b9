//! Checks of inline user policies.

use super::fixtures::{ACCOUNT, account_with_user, policy, user};
use super::{Failure, ensure_error};
use crate::{EntityKind, Store, StoreError, StoreExt};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const DENY_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;

pub(super) fn put_get_list_delete(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    ensure_eq!(
        store.read(|tx| tx.user_policies().list(ACCOUNT, "alice"))?,
        Vec::new()
    );
    // The user may be named in any case; records carry the stored spelling.
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "ALICE", "Zeta", ALLOW_ALL))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "alpha", DENY_ALL))
    })?;
    let zeta = policy(ACCOUNT, "Alice", "Zeta", ALLOW_ALL);
    let alpha = policy(ACCOUNT, "Alice", "alpha", DENY_ALL);
    ensure_eq!(
        store.read(|tx| tx.user_policies().get(ACCOUNT, "alice", "zeta"))?,
        Some(zeta.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.user_policies().get(ACCOUNT, "Alice", "ALPHA"))?,
        Some(alpha.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.user_policies().get(ACCOUNT, "Alice", "missing"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.user_policies().list(ACCOUNT, "alice"))?,
        vec![alpha, zeta.clone()]
    );
    store.write(|tx| tx.user_policies().delete(ACCOUNT, "alice", "ALPHA"))?;
    ensure_eq!(
        store.read(|tx| tx.user_policies().list(ACCOUNT, "alice"))?,
        vec![zeta]
    );
    ensure_error(
        store.write(|tx| tx.user_policies().delete(ACCOUNT, "alice", "alpha")),
        &StoreError::not_found(EntityKind::UserPolicy, "alpha"),
        "deleting a deleted policy",
    )?;
    Ok(())
}

pub(super) fn upsert_case_insensitively(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "Policy", ALLOW_ALL))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "POLICY", DENY_ALL))
    })?;
    ensure_eq!(
        store.read(|tx| tx.user_policies().list(ACCOUNT, "alice"))?,
        vec![policy(ACCOUNT, "alice", "POLICY", DENY_ALL)]
    );
    // A large document round-trips unchanged.
    let large = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        "x".repeat(10_000)
    );
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "policy", &large))
    })?;
    ensure_eq!(
        store
            .read(|tx| tx.user_policies().get(ACCOUNT, "alice", "Policy"))?
            .map(|p| p.document),
        Some(large)
    );
    Ok(())
}

pub(super) fn require_user(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    ensure_error(
        store.write(|tx| {
            tx.user_policies()
                .put(&policy(ACCOUNT, "bob", "p", ALLOW_ALL))
        }),
        &StoreError::not_found(EntityKind::User, "bob"),
        "put_user_policy for a missing user",
    )?;
    ensure_error(
        store.read(|tx| tx.user_policies().list(ACCOUNT, "bob")),
        &StoreError::not_found(EntityKind::User, "bob"),
        "list_user_policies for a missing user",
    )?;
    ensure_error(
        store.write(|tx| tx.user_policies().delete(ACCOUNT, "bob", "p")),
        &StoreError::not_found(EntityKind::User, "bob"),
        "delete_user_policy for a missing user",
    )?;
    ensure_eq!(
        store.read(|tx| tx.user_policies().get(ACCOUNT, "bob", "p"))?,
        None
    );
    Ok(())
}

pub(super) fn are_per_user(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "shared-name", ALLOW_ALL))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "bob", "shared-name", DENY_ALL))
    })?;
    ensure_eq!(
        store
            .read(|tx| tx.user_policies().get(ACCOUNT, "alice", "shared-name"))?
            .map(|p| p.document),
        Some(ALLOW_ALL.to_owned())
    );
    store.write(|tx| tx.user_policies().delete(ACCOUNT, "bob", "shared-name"))?;
    ensure_eq!(
        store
            .read(|tx| tx.user_policies().list(ACCOUNT, "alice"))?
            .len(),
        1
    );
    ensure_eq!(
        store
            .read(|tx| tx.user_policies().list(ACCOUNT, "bob"))?
            .len(),
        0
    );
    Ok(())
}
