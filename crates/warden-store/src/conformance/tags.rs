//! Checks of renaming users and of user tags.

use super::fixtures::{ACCOUNT, account_with_user, key, policy, user, user_at};
use super::{Failure, ensure_error};
use crate::{EntityKind, Store, StoreError, StoreExt, TAGS_PER_RESOURCE, Tx, UserUpdate};

pub(super) fn update_renames_and_moves(store: &dyn Store) -> Result<(), Failure> {
    let mut alice = account_with_user(store, "alice")?;
    store.write(|tx| tx.users().tag(ACCOUNT, "alice", &[tag("team", "core")]))?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "inline", "{}"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIARENAME0000000001"))
    })?;
    let before = store.generation()?;

    let update = UserUpdate {
        user_name: "Alicia".to_owned(),
        path: "/moved/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/moved/Alicia"),
    };
    let updated = store.write(|tx| tx.users().update(ACCOUNT, "ALICE", &update))?;
    alice.user_name = update.user_name;
    alice.path = update.path;
    alice.arn = update.arn;
    alice.tags = vec![tag("team", "core")];
    ensure_eq!(updated, alice);
    ensure!(
        store.generation()? > before,
        "update_user did not bump the generation"
    );
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "alice"))?, None);
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "alicia"))?,
        Some(alice)
    );
    // Keys and policies follow the user.
    ensure_eq!(
        store
            .read(|tx| tx.access_keys().get("AKIARENAME0000000001"))?
            .and_then(|k| k.user_name),
        Some("Alicia".to_owned())
    );
    ensure_eq!(
        store.read(|tx| tx.user_policies().list(ACCOUNT, "alicia"))?,
        vec![policy(ACCOUNT, "Alicia", "inline", "{}")]
    );
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alicia")),
        &StoreError::user_has_access_keys(),
        "deleting the renamed user",
    )?;
    // Moving without renaming.
    let moved = UserUpdate {
        user_name: "Alicia".to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/Alicia"),
    };
    ensure_eq!(
        store
            .write(|tx| tx.users().update(ACCOUNT, "alicia", &moved))?
            .path,
        "/"
    );
    Ok(())
}

pub(super) fn update_rejects_taken_names(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.users().create(&user_at(ACCOUNT, "/", "Bob")))?;
    let rename = |name: &str| UserUpdate {
        user_name: name.to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
    };
    ensure_error(
        store.write(|tx| tx.users().update(ACCOUNT, "alice", &rename("BOB"))),
        &StoreError::already_exists(EntityKind::User, "BOB"),
        "renaming onto another user",
    )?;
    ensure_error(
        store.write(|tx| tx.users().update(ACCOUNT, "alice", &rename("ALICE"))),
        &StoreError::already_exists(EntityKind::User, "ALICE"),
        "renaming to a different case of the same name",
    )?;
    ensure_error(
        store.write(|tx| tx.users().update(ACCOUNT, "carol", &rename("carol2"))),
        &StoreError::not_found(EntityKind::User, "carol"),
        "renaming a missing user",
    )?;
    ensure_eq!(
        store
            .read(|tx| tx.users().get(ACCOUNT, "alice"))?
            .map(|u| u.user_name),
        Some("alice".to_owned())
    );
    ensure_eq!(
        store
            .read(|tx| tx.users().get(ACCOUNT, "bob"))?
            .map(|u| u.user_name),
        Some("Bob".to_owned())
    );
    Ok(())
}

pub(super) fn tags_merge_case_insensitively(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&super::fixtures::account(ACCOUNT)))?;
    let mut alice = user(ACCOUNT, "alice");
    alice.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.write(|tx| tx.users().create(&alice))?;
    store.write(|tx| {
        tx.users()
            .tag(ACCOUNT, "ALICE", &[tag("dept", "b"), tag("new", "n")])
    })?;
    ensure_eq!(
        tags_of(store, "alice")?,
        vec![tag("dept", "b"), tag("env", "x"), tag("new", "n")]
    );
    store.write(|tx| {
        tx.users()
            .untag(ACCOUNT, "alice", &["DEPT".to_owned(), "missing".to_owned()])
    })?;
    ensure_eq!(
        tags_of(store, "alice")?,
        vec![tag("env", "x"), tag("new", "n")]
    );
    store.write(|tx| tx.users().untag(ACCOUNT, "alice", &[]))?;
    store.write(|tx| tx.users().tag(ACCOUNT, "alice", &[]))?;
    ensure_eq!(tags_of(store, "alice")?.len(), 2);
    ensure_error(
        store.write(|tx| tx.users().tag(ACCOUNT, "bob", &[tag("k", "v")])),
        &StoreError::not_found(EntityKind::User, "bob"),
        "tagging a missing user",
    )?;
    ensure_error(
        store.write(|tx| tx.users().untag(ACCOUNT, "bob", &["k".to_owned()])),
        &StoreError::not_found(EntityKind::User, "bob"),
        "untagging a missing user",
    )?;
    Ok(())
}

pub(super) fn tags_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&super::fixtures::account(ACCOUNT)))?;
    let mut alice = user(ACCOUNT, "alice");
    alice.tags = (1..TAGS_PER_RESOURCE)
        .map(|n| tag(&format!("key{n}"), "v"))
        .collect();
    store.write(|tx| tx.users().create(&alice))?;
    ensure_error(
        store.write(|tx| {
            tx.users()
                .tag(ACCOUNT, "alice", &[tag("one", "1"), tag("two", "2")])
        }),
        &StoreError::tag_quota_exceeded(EntityKind::User),
        "exceeding the tag quota",
    )?;
    ensure_eq!(tags_of(store, "alice")?.len(), TAGS_PER_RESOURCE - 1);
    // Replacing an existing key does not count as a new tag.
    store.write(|tx| {
        tx.users()
            .tag(ACCOUNT, "alice", &[tag("KEY1", "w"), tag("one", "1")])
    })?;
    ensure_eq!(tags_of(store, "alice")?.len(), TAGS_PER_RESOURCE);
    ensure_error(
        store.write(|tx| tx.users().tag(ACCOUNT, "alice", &[tag("two", "2")])),
        &StoreError::tag_quota_exceeded(EntityKind::User),
        "a 51st tag",
    )?;
    Ok(())
}

/// A (key, value) tag.
pub(super) fn tag(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

/// The stored tags of the user.
fn tags_of(store: &dyn Store, user_name: &str) -> Result<Vec<(String, String)>, Failure> {
    store
        .read(|tx| tx.users().get(ACCOUNT, user_name))?
        .map(|u| u.tags)
        .ok_or_else(|| Failure(format!("user {user_name} vanished")))
}

/// A (key, value) tag.
type Tag = (String, String);

/// An entity's tags if it exists, or the store's error.
type TagsIfAny = Result<Option<Vec<Tag>>, StoreError>;

/// The tag operations of one kind of taggable entity of the main account, by name.
pub(super) struct Taggable {
    /// The kind its errors name.
    pub(super) kind: EntityKind,
    /// Adds tags to the entity.
    pub(super) tag: fn(&dyn Tx, &str, &[Tag]) -> Result<(), StoreError>,
    /// Removes the entity's tags with these keys.
    pub(super) untag: fn(&dyn Tx, &str, &[String]) -> Result<(), StoreError>,
    /// The entity's tags, if it exists.
    pub(super) tags: fn(&dyn Tx, &str) -> TagsIfAny,
}

/// Checks that tags of the entity `name` (lower case, created with the tags `Dept=a` and
/// `env=x`) merge and are removed case-insensitively, that their quota holds, and that a
/// missing entity `nobody` is reported.
pub(super) fn check_tags_merge_and_are_limited(
    store: &dyn Store,
    taggable: &Taggable,
    name: &str,
) -> Result<(), Failure> {
    let tags_of = || -> Result<Vec<Tag>, Failure> {
        store
            .read(|tx| (taggable.tags)(tx, name))?
            .ok_or_else(|| Failure(format!("{} {name} vanished", taggable.kind)))
    };
    let shouted = name.to_uppercase();
    store.write(|tx| (taggable.tag)(tx, &shouted, &[tag("dept", "b"), tag("new", "n")]))?;
    ensure_eq!(
        tags_of()?,
        vec![tag("dept", "b"), tag("env", "x"), tag("new", "n")]
    );
    store.write(|tx| (taggable.untag)(tx, name, &["DEPT".to_owned(), "missing".to_owned()]))?;
    ensure_eq!(tags_of()?, vec![tag("env", "x"), tag("new", "n")]);
    store.write(|tx| (taggable.tag)(tx, name, &[]))?;
    store.write(|tx| (taggable.untag)(tx, name, &[]))?;
    ensure_eq!(tags_of()?.len(), 2);

    // Up to the quota; over it nothing changes.
    let filler: Vec<(String, String)> = (2..TAGS_PER_RESOURCE)
        .map(|n| tag(&format!("key{n}"), "v"))
        .collect();
    store.write(|tx| (taggable.tag)(tx, name, &filler))?;
    let full = tags_of()?;
    ensure_eq!(full.len(), TAGS_PER_RESOURCE);
    ensure_error(
        store.write(|tx| (taggable.tag)(tx, name, &[tag("ENV", "y"), tag("one", "1")])),
        &StoreError::tag_quota_exceeded(taggable.kind),
        "exceeding the tag quota",
    )?;
    ensure_eq!(tags_of()?, full);
    // Replacing an existing key does not count as a new tag.
    store.write(|tx| (taggable.tag)(tx, name, &[tag("ENV", "y")]))?;
    let tags = tags_of()?;
    ensure_eq!(tags.len(), TAGS_PER_RESOURCE);
    ensure_eq!(tags.first(), Some(&tag("ENV", "y")));

    let not_found = StoreError::not_found(taggable.kind, "nobody");
    ensure_error(
        store.write(|tx| (taggable.tag)(tx, "nobody", &[tag("k", "v")])),
        &not_found,
        "tagging a missing entity",
    )?;
    ensure_error(
        store.write(|tx| (taggable.untag)(tx, "nobody", &["k".to_owned()])),
        &not_found,
        "untagging a missing entity",
    )?;
    Ok(())
}
