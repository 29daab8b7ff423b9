//! Checks of renaming users and of user tags.

use super::fixtures::{ACCOUNT, account_with_user, key, policy, user, user_at};
use super::{Failure, ensure_error};
use crate::{EntityKind, Store, StoreError, TAGS_PER_RESOURCE, UserUpdate};

pub(super) fn update_renames_and_moves(store: &dyn Store) -> Result<(), Failure> {
    let mut alice = account_with_user(store, "alice")?;
    store.tag_user(ACCOUNT, "alice", &[tag("team", "core")])?;
    store.put_user_policy(&policy(ACCOUNT, "alice", "inline", "{}"))?;
    store.create_access_key(&key(ACCOUNT, Some("alice"), "AKIARENAME0000000001"))?;
    let before = store.generation()?;

    let update = UserUpdate {
        user_name: "Alicia".to_owned(),
        path: "/moved/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/moved/Alicia"),
    };
    let updated = store.update_user(ACCOUNT, "ALICE", &update)?;
    alice.user_name = update.user_name;
    alice.path = update.path;
    alice.arn = update.arn;
    alice.tags = vec![tag("team", "core")];
    ensure_eq!(updated, alice);
    ensure!(
        store.generation()? > before,
        "update_user did not bump the generation"
    );
    ensure_eq!(store.user(ACCOUNT, "alice")?, None);
    ensure_eq!(store.user(ACCOUNT, "alicia")?, Some(alice));
    // Keys and policies follow the user.
    ensure_eq!(
        store
            .access_key("AKIARENAME0000000001")?
            .and_then(|k| k.user_name),
        Some("Alicia".to_owned())
    );
    ensure_eq!(
        store.list_user_policies(ACCOUNT, "alicia")?,
        vec![policy(ACCOUNT, "Alicia", "inline", "{}")]
    );
    ensure_error(
        store.delete_user(ACCOUNT, "alicia"),
        &StoreError::user_has_access_keys(),
        "deleting the renamed user",
    )?;
    // Moving without renaming.
    let moved = UserUpdate {
        user_name: "Alicia".to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/Alicia"),
    };
    ensure_eq!(store.update_user(ACCOUNT, "alicia", &moved)?.path, "/");
    Ok(())
}

pub(super) fn update_rejects_taken_names(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.create_user(&user_at(ACCOUNT, "/", "Bob"))?;
    let rename = |name: &str| UserUpdate {
        user_name: name.to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
    };
    ensure_error(
        store.update_user(ACCOUNT, "alice", &rename("BOB")),
        &StoreError::already_exists(EntityKind::User, "BOB"),
        "renaming onto another user",
    )?;
    ensure_error(
        store.update_user(ACCOUNT, "alice", &rename("ALICE")),
        &StoreError::already_exists(EntityKind::User, "ALICE"),
        "renaming to a different case of the same name",
    )?;
    ensure_error(
        store.update_user(ACCOUNT, "carol", &rename("carol2")),
        &StoreError::not_found(EntityKind::User, "carol"),
        "renaming a missing user",
    )?;
    ensure_eq!(
        store.user(ACCOUNT, "alice")?.map(|u| u.user_name),
        Some("alice".to_owned())
    );
    ensure_eq!(
        store.user(ACCOUNT, "bob")?.map(|u| u.user_name),
        Some("Bob".to_owned())
    );
    Ok(())
}

pub(super) fn tags_merge_case_insensitively(store: &dyn Store) -> Result<(), Failure> {
    store.create_account(&super::fixtures::account(ACCOUNT))?;
    let mut alice = user(ACCOUNT, "alice");
    alice.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.create_user(&alice)?;
    store.tag_user(ACCOUNT, "ALICE", &[tag("dept", "b"), tag("new", "n")])?;
    ensure_eq!(
        tags_of(store, "alice")?,
        vec![tag("dept", "b"), tag("env", "x"), tag("new", "n")]
    );
    store.untag_user(ACCOUNT, "alice", &["DEPT".to_owned(), "missing".to_owned()])?;
    ensure_eq!(
        tags_of(store, "alice")?,
        vec![tag("env", "x"), tag("new", "n")]
    );
    store.untag_user(ACCOUNT, "alice", &[])?;
    store.tag_user(ACCOUNT, "alice", &[])?;
    ensure_eq!(tags_of(store, "alice")?.len(), 2);
    ensure_error(
        store.tag_user(ACCOUNT, "bob", &[tag("k", "v")]),
        &StoreError::not_found(EntityKind::User, "bob"),
        "tagging a missing user",
    )?;
    ensure_error(
        store.untag_user(ACCOUNT, "bob", &["k".to_owned()]),
        &StoreError::not_found(EntityKind::User, "bob"),
        "untagging a missing user",
    )?;
    Ok(())
}

pub(super) fn tags_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.create_account(&super::fixtures::account(ACCOUNT))?;
    let mut alice = user(ACCOUNT, "alice");
    alice.tags = (1..TAGS_PER_RESOURCE)
        .map(|n| tag(&format!("key{n}"), "v"))
        .collect();
    store.create_user(&alice)?;
    ensure_error(
        store.tag_user(ACCOUNT, "alice", &[tag("one", "1"), tag("two", "2")]),
        &StoreError::tag_quota_exceeded(EntityKind::User),
        "exceeding the tag quota",
    )?;
    ensure_eq!(tags_of(store, "alice")?.len(), TAGS_PER_RESOURCE - 1);
    // Replacing an existing key does not count as a new tag.
    store.tag_user(ACCOUNT, "alice", &[tag("KEY1", "w"), tag("one", "1")])?;
    ensure_eq!(tags_of(store, "alice")?.len(), TAGS_PER_RESOURCE);
    ensure_error(
        store.tag_user(ACCOUNT, "alice", &[tag("two", "2")]),
        &StoreError::tag_quota_exceeded(EntityKind::User),
        "a 51st tag",
    )?;
    Ok(())
}

/// A (key, value) tag.
fn tag(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

/// The stored tags of the user.
fn tags_of(store: &dyn Store, user_name: &str) -> Result<Vec<(String, String)>, Failure> {
    store
        .user(ACCOUNT, user_name)?
        .map(|u| u.tags)
        .ok_or_else(|| Failure(format!("user {user_name} vanished")))
}
