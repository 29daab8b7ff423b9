//! Checks of users.

use super::fixtures::{
    ACCOUNT, OTHER_ACCOUNT, account, account_with_user, key, login_profile, mfa_device, policy,
    user, user_at,
};
use super::{Failure, ensure_error};
use crate::{EntityKind, MfaAssignment, PageRequest, Store, StoreError, StoreExt, UserRecord};

pub(super) fn create_and_get(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut alice = user_at(ACCOUNT, "/engineering/", "Alice");
    alice.tags = vec![
        ("team".to_owned(), "core".to_owned()),
        ("Cost-Center".to_owned(), String::new()),
        ("a".to_owned(), "z".to_owned()),
    ];
    alice.permissions_boundary = Some("arn:aws:iam::111122223333:policy/Boundary".to_owned());
    store.write(|tx| tx.users().create(&alice))?;
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "Alice"))?,
        Some(alice.clone())
    );
    // Lookups are case-insensitive and return the name as created.
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?,
        Some(alice.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "ALICE"))?,
        Some(alice)
    );
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "bob"))?, None);
    ensure_eq!(
        store.read(|tx| tx.users().get(OTHER_ACCOUNT, "Alice"))?,
        None
    );
    Ok(())
}

pub(super) fn unique_case_insensitively(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    let mut shouting = user(ACCOUNT, "ALICE");
    shouting.user_id = "AIDAOTHERUSERID000001".to_owned();
    ensure_error(
        store.write(|tx| tx.users().create(&shouting)),
        &StoreError::already_exists(EntityKind::User, "ALICE"),
        "create_user differing only in case",
    )?;
    // The same name in another account is a different user.
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    store.write(|tx| tx.users().create(&user(OTHER_ACCOUNT, "alice")))?;
    ensure_eq!(
        store
            .read(|tx| tx.users().get(ACCOUNT, "alice"))?
            .map(|u| u.user_name),
        Some("Alice".to_owned())
    );
    Ok(())
}

pub(super) fn user_id_is_unique(store: &dyn Store) -> Result<(), Failure> {
    let alice = account_with_user(store, "alice")?;
    let mut bob = user(ACCOUNT, "bob");
    bob.user_id.clone_from(&alice.user_id);
    ensure_error(
        store.write(|tx| tx.users().create(&bob)),
        &StoreError::already_exists(EntityKind::User, &alice.user_id),
        "create_user with a taken user_id",
    )?;
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "bob"))?, None);
    Ok(())
}

pub(super) fn require_account(store: &dyn Store) -> Result<(), Failure> {
    ensure_error(
        store.write(|tx| tx.users().create(&user(ACCOUNT, "alice"))),
        &StoreError::not_found(EntityKind::Account, ACCOUNT),
        "create_user in a missing account",
    )?;
    Ok(())
}

pub(super) fn list_paginates_in_name_order(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    for name in ["eve", "Bob", "carol", "alice", "Dave"] {
        store.write(|tx| tx.users().create(&user(ACCOUNT, name)))?;
    }
    store.write(|tx| tx.users().create(&user(OTHER_ACCOUNT, "aaron")))?;

    let all = store.read(|tx| tx.users().list(ACCOUNT, None, &PageRequest::first(100)))?;
    ensure_eq!(names(&all.items), ["alice", "Bob", "carol", "Dave", "eve"]);
    ensure_eq!(all.next_marker, None);

    let mut seen = Vec::new();
    let mut request = PageRequest::first(2);
    let mut pages = 0;
    loop {
        let page = store.read(|tx| tx.users().list(ACCOUNT, None, &request))?;
        pages += 1;
        ensure!(
            page.items.len() <= 2,
            "page {pages} has {} items",
            page.items.len()
        );
        seen.extend(names(&page.items));
        match page.next_marker {
            Some(marker) => request.marker = Some(marker),
            None => break,
        }
        ensure!(pages < 10, "pagination does not terminate");
    }
    ensure_eq!(pages, 3);
    ensure_eq!(seen, ["alice", "Bob", "carol", "Dave", "eve"]);

    // An exactly full page is not truncated.
    let exact = store.read(|tx| tx.users().list(ACCOUNT, None, &PageRequest::first(5)))?;
    ensure_eq!(exact.items.len(), 5);
    ensure_eq!(exact.next_marker, None);
    // Zero is treated as one.
    ensure_eq!(
        store
            .read(|tx| tx.users().list(ACCOUNT, None, &PageRequest::first(0)))?
            .items
            .len(),
        1
    );
    ensure_eq!(
        store
            .read(|tx| tx
                .users()
                .list("999999999999", None, &PageRequest::first(10)))?
            .items,
        Vec::new()
    );
    Ok(())
}

pub(super) fn list_filters_by_path_prefix(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    for (path, name) in [
        ("/", "root-level"),
        ("/eng/", "dev1"),
        ("/eng/backend/", "dev2"),
        ("/engineering/", "dev3"),
        ("/ops/", "oncall"),
        ("/eng/", "dev0"),
    ] {
        store.write(|tx| tx.users().create(&user_at(ACCOUNT, path, name)))?;
    }
    let list = |prefix| -> Result<Vec<String>, Failure> {
        Ok(names(
            &store
                .read(|tx| tx.users().list(ACCOUNT, prefix, &PageRequest::first(100)))?
                .items,
        ))
    };
    ensure_eq!(list(Some("/eng/"))?, ["dev0", "dev1", "dev2"]);
    ensure_eq!(list(Some("/eng"))?, ["dev0", "dev1", "dev2", "dev3"]);
    ensure_eq!(list(Some("/"))?.len(), 6);
    ensure_eq!(list(None)?.len(), 6);
    ensure_eq!(list(Some("/ENG/"))?, Vec::<String>::new());
    ensure_eq!(list(Some("/nope/"))?, Vec::<String>::new());
    // Pagination within a filtered listing.
    let first = store.read(|tx| {
        tx.users()
            .list(ACCOUNT, Some("/eng/"), &PageRequest::first(2))
    })?;
    ensure_eq!(names(&first.items), ["dev0", "dev1"]);
    let rest = store.read(|tx| {
        tx.users().list(
            ACCOUNT,
            Some("/eng/"),
            &PageRequest {
                marker: first.next_marker,
                max_items: 2,
            },
        )
    })?;
    ensure_eq!(names(&rest.items), ["dev2"]);
    ensure_eq!(rest.next_marker, None);
    Ok(())
}

pub(super) fn delete(store: &dyn Store) -> Result<(), Failure> {
    let mut alice = user(ACCOUNT, "Alice");
    alice.tags = vec![("k".to_owned(), "v".to_owned())];
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.users().create(&alice))?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    store.write(|tx| tx.users().delete(ACCOUNT, "ALICE"))?;
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "alice"))?, None);
    ensure!(
        store.read(|tx| tx.users().get(ACCOUNT, "bob"))?.is_some(),
        "deleting alice removed bob"
    );
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")),
        &StoreError::not_found(EntityKind::User, "alice"),
        "deleting a deleted user",
    )?;
    ensure_error(
        store.write(|tx| tx.users().delete(OTHER_ACCOUNT, "bob")),
        &StoreError::not_found(EntityKind::User, "bob"),
        "deleting in another account",
    )?;
    // The name (and even the id) can be used again, and no old tags resurface.
    let mut again = user(ACCOUNT, "alice");
    again.user_id = alice.user_id;
    store.write(|tx| tx.users().create(&again))?;
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "Alice"))?,
        Some(again)
    );
    Ok(())
}

pub(super) fn delete_conflicts_with_access_keys(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIAEXAMPLEKEY000001"))
    })?;
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")),
        &StoreError::user_has_access_keys(),
        "deleting a user with an access key",
    )?;
    ensure!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?.is_some(),
        "the conflicting delete removed the user"
    );
    ensure!(
        store
            .read(|tx| tx.access_keys().get("AKIAEXAMPLEKEY000001"))?
            .is_some(),
        "the conflicting delete removed the key"
    );
    store.write(|tx| {
        tx.access_keys()
            .delete(ACCOUNT, Some("alice"), "AKIAEXAMPLEKEY000001")
    })?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alice"))?;
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "alice"))?, None);
    Ok(())
}

pub(super) fn delete_conflicts_with_policies(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "inline", "{}"))
    })?;
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")),
        &StoreError::has_inline_policies(),
        "deleting a user with an inline policy",
    )?;
    ensure!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?.is_some(),
        "the conflicting delete removed the user"
    );
    ensure_eq!(
        store
            .read(|tx| tx.user_policies().list(ACCOUNT, "alice"))?
            .len(),
        1
    );
    store.write(|tx| tx.user_policies().delete(ACCOUNT, "alice", "inline"))?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alice"))?;
    Ok(())
}

/// The user names of `users`, in order.
fn names(users: &[UserRecord]) -> Vec<String> {
    users.iter().map(|u| u.user_name.clone()).collect()
}

pub(super) fn delete_conflicts_with_credentials(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.login_profiles().create(&login_profile(ACCOUNT, "alice")))?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIAEXAMPLEKEY000001"))
    })?;
    let device = mfa_device(ACCOUNT, "/", "alice-phone");
    let alice = MfaAssignment::User("alice".to_owned());
    store.write(|tx| tx.mfa_devices().create(&device))?;
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &device.serial_number, &alice, 100, 10)
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "inline", "{}"))
    })?;
    // AWS's order: the login profile, access keys, MFA devices, then inline policies.
    let delete = || store.write(|tx| tx.users().delete(ACCOUNT, "ALICE"));
    ensure_error(
        delete(),
        &StoreError::login_profile_conflict(),
        "deleting a user with a login profile",
    )?;
    store.write(|tx| tx.login_profiles().delete(ACCOUNT, "alice"))?;
    ensure_error(
        delete(),
        &StoreError::user_has_access_keys(),
        "deleting a user with an access key and an MFA device",
    )?;
    store.write(|tx| {
        tx.access_keys()
            .delete(ACCOUNT, Some("alice"), "AKIAEXAMPLEKEY000001")
    })?;
    ensure_error(
        delete(),
        &StoreError::mfa_device_conflict(),
        "deleting a user with an assigned MFA device",
    )?;
    ensure!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?.is_some(),
        "a conflicting delete removed the user"
    );
    store.write(|tx| {
        tx.mfa_devices()
            .deactivate(ACCOUNT, &device.serial_number, &alice)
    })?;
    ensure_error(
        delete(),
        &StoreError::has_inline_policies(),
        "deleting a user with an inline policy",
    )?;
    store.write(|tx| tx.user_policies().delete(ACCOUNT, "alice", "inline"))?;
    // An unassigned device does not hold the user back, and stays.
    delete()?;
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "alice"))?, None);
    let mut unassigned = device.clone();
    unassigned.last_step = Some(10);
    ensure_eq!(
        store.read(|tx| tx.mfa_devices().get(ACCOUNT, &device.serial_number))?,
        Some(unassigned)
    );
    Ok(())
}
