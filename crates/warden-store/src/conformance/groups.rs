//! Checks of groups, their members and their inline policies.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account, account_with_user, group, policy, user};
use super::{Failure, ensure_error};
use crate::{EntityKind, GROUPS_PER_USER, GroupUpdate, PageRequest, Store, StoreError, StoreExt};

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let admins = group(ACCOUNT, "/", "Admins");
    let devs = group(ACCOUNT, "/eng/", "devs");
    store.write(|tx| tx.groups().create(&devs))?;
    store.write(|tx| tx.groups().create(&admins))?;
    ensure_eq!(
        store.read(|tx| tx.groups().get(ACCOUNT, "ADMINS"))?,
        Some(admins.clone())
    );
    ensure_eq!(store.read(|tx| tx.groups().get(ACCOUNT, "missing"))?, None);
    let first = store.read(|tx| tx.groups().list(ACCOUNT, None, &PageRequest::first(1)))?;
    ensure_eq!(first.items, vec![admins]);
    let marker = first
        .next_marker
        .ok_or_else(|| Failure("a truncated page carries a marker".to_owned()))?;
    let rest = store.read(|tx| {
        tx.groups().list(
            ACCOUNT,
            None,
            &PageRequest {
                marker: Some(marker.clone()),
                max_items: 10,
            },
        )
    })?;
    ensure_eq!((rest.items, rest.next_marker), (vec![devs.clone()], None));
    let eng = store.read(|tx| {
        tx.groups()
            .list(ACCOUNT, Some("/eng/"), &PageRequest::first(10))
    })?;
    ensure_eq!(eng.items, vec![devs]);
    ensure_error(
        store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "ADMINS"))),
        &StoreError::already_exists(EntityKind::Group, "ADMINS"),
        "a group name taken in another case",
    )?;
    ensure_error(
        store.write(|tx| tx.groups().create(&group(OTHER_ACCOUNT, "/", "Admins"))),
        &StoreError::not_found(EntityKind::Account, OTHER_ACCOUNT),
        "a group in a missing account",
    )?;
    Ok(())
}

pub(super) fn membership_and_its_quota(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    for n in 0..=GROUPS_PER_USER {
        store.write(|tx| {
            tx.groups()
                .create(&group(ACCOUNT, "/", &format!("g{n:02}")))
        })?;
    }
    store.write(|tx| tx.groups().add_member(ACCOUNT, "G00", "alice"))?;
    // Adding again changes nothing.
    store.write(|tx| tx.groups().add_member(ACCOUNT, "g00", "ALICE"))?;
    store.write(|tx| tx.groups().add_member(ACCOUNT, "g00", "bob"))?;
    let members: Vec<String> = store
        .read(|tx| tx.groups().members(ACCOUNT, "g00"))?
        .into_iter()
        .map(|user| user.user_name)
        .collect();
    ensure_eq!(members, vec!["Alice".to_owned(), "bob".to_owned()]);
    for n in 1..GROUPS_PER_USER {
        store.write(|tx| {
            tx.groups()
                .add_member(ACCOUNT, &format!("g{n:02}"), "alice")
        })?;
    }
    ensure_error(
        store.write(|tx| {
            tx.groups()
                .add_member(ACCOUNT, &format!("g{GROUPS_PER_USER:02}"), "alice")
        }),
        &StoreError::group_quota_exceeded(),
        "an eleventh group",
    )?;
    ensure_eq!(
        store
            .read(|tx| tx.groups().groups_of(ACCOUNT, "alice"))?
            .len(),
        GROUPS_PER_USER
    );
    ensure_error(
        store.write(|tx| tx.groups().add_member(ACCOUNT, "nope", "alice")),
        &StoreError::not_found(EntityKind::Group, "nope"),
        "joining a missing group",
    )?;
    ensure_error(
        store.write(|tx| tx.groups().add_member(ACCOUNT, "g00", "nobody")),
        &StoreError::not_found(EntityKind::User, "nobody"),
        "a missing user joining",
    )?;
    store.write(|tx| tx.groups().remove_member(ACCOUNT, "g00", "bob"))?;
    ensure_error(
        store.write(|tx| tx.groups().remove_member(ACCOUNT, "g00", "bob")),
        &StoreError::not_found(EntityKind::User, "bob"),
        "removing a user that is not a member",
    )?;
    ensure_eq!(
        store.read(|tx| tx.groups().groups_of(ACCOUNT, "bob"))?,
        Vec::new()
    );
    Ok(())
}

pub(super) fn delete_conflicts(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    store.write(|tx| tx.groups().add_member(ACCOUNT, "devs", "alice"))?;
    store.write(|tx| tx.group_policies().put(&policy(ACCOUNT, "devs", "p", "{}")))?;
    ensure_error(
        store.write(|tx| tx.groups().delete(ACCOUNT, "devs")),
        &StoreError::group_has_members(),
        "deleting a group with members",
    )?;
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")),
        &StoreError::user_in_groups(),
        "deleting a user that is a member",
    )?;
    store.write(|tx| tx.groups().remove_member(ACCOUNT, "devs", "alice"))?;
    ensure_error(
        store.write(|tx| tx.groups().delete(ACCOUNT, "devs")),
        &StoreError::has_inline_policies(),
        "deleting a group with inline policies",
    )?;
    store.write(|tx| tx.group_policies().delete(ACCOUNT, "DEVS", "P"))?;
    store.write(|tx| tx.groups().delete(ACCOUNT, "Devs"))?;
    ensure_eq!(store.read(|tx| tx.groups().get(ACCOUNT, "devs"))?, None);
    ensure_error(
        store.write(|tx| tx.groups().delete(ACCOUNT, "devs")),
        &StoreError::not_found(EntityKind::Group, "devs"),
        "deleting a deleted group",
    )?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alice"))?;
    Ok(())
}

pub(super) fn rename_keeps_members_and_policies(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "ops")))?;
    store.write(|tx| tx.groups().add_member(ACCOUNT, "devs", "alice"))?;
    store.write(|tx| tx.group_policies().put(&policy(ACCOUNT, "devs", "p", "{}")))?;
    let update = GroupUpdate {
        group_name: "builders".to_owned(),
        path: "/eng/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:group/eng/builders"),
    };
    let renamed = store.write(|tx| tx.groups().update(ACCOUNT, "DEVS", &update))?;
    ensure_eq!(
        (
            renamed.group_name.as_str(),
            renamed.path.as_str(),
            renamed.arn.as_str()
        ),
        ("builders", "/eng/", update.arn.as_str())
    );
    ensure_eq!(renamed.group_id, group(ACCOUNT, "/", "devs").group_id);
    ensure_eq!(store.read(|tx| tx.groups().get(ACCOUNT, "devs"))?, None);
    ensure_eq!(
        store
            .read(|tx| tx.groups().members(ACCOUNT, "builders"))?
            .len(),
        1
    );
    ensure_eq!(
        store.read(|tx| tx.group_policies().list(ACCOUNT, "builders"))?,
        vec![policy(ACCOUNT, "builders", "p", "{}")]
    );
    ensure_error(
        store.write(|tx| {
            tx.groups().update(
                ACCOUNT,
                "builders",
                &GroupUpdate {
                    group_name: "OPS".to_owned(),
                    path: "/".to_owned(),
                    arn: format!("arn:aws:iam::{ACCOUNT}:group/OPS"),
                },
            )
        }),
        &StoreError::already_exists(EntityKind::Group, "OPS"),
        "renaming onto a taken name",
    )?;
    // A renamed member is still a member.
    store.write(|tx| {
        tx.users().update(
            ACCOUNT,
            "alice",
            &crate::UserUpdate {
                user_name: "alicia".to_owned(),
                path: "/".to_owned(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/alicia"),
            },
        )
    })?;
    let groups: Vec<String> = store
        .read(|tx| tx.groups().groups_of(ACCOUNT, "alicia"))?
        .into_iter()
        .map(|group| group.group_name)
        .collect();
    ensure_eq!(groups, vec!["builders".to_owned()]);
    Ok(())
}

pub(super) fn group_policies_are_per_group(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "devs")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    store.write(|tx| {
        tx.group_policies()
            .put(&policy(ACCOUNT, "devs", "Shared", "{\"g\":1}"))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "devs", "Shared", "{\"u\":1}"))
    })?;
    ensure_eq!(
        store.read(|tx| tx.group_policies().get(ACCOUNT, "DEVS", "shared"))?,
        Some(policy(ACCOUNT, "devs", "Shared", "{\"g\":1}"))
    );
    ensure_eq!(
        store.read(|tx| tx.user_policies().get(ACCOUNT, "devs", "shared"))?,
        Some(policy(ACCOUNT, "devs", "Shared", "{\"u\":1}"))
    );
    ensure_error(
        store.write(|tx| tx.group_policies().put(&policy(ACCOUNT, "nope", "p", "{}"))),
        &StoreError::not_found(EntityKind::Group, "nope"),
        "a policy of a missing group",
    )?;
    ensure_error(
        store.write(|tx| tx.group_policies().delete(ACCOUNT, "devs", "other")),
        &StoreError::not_found(EntityKind::GroupPolicy, "other"),
        "deleting a missing group policy",
    )?;
    Ok(())
}
