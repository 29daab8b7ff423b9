//! Checks of instance profiles, their tags and the roles in them.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account, instance_profile, policy, role};
use super::roles::{LISTED, Lister, check_listing};
use super::tags::{Taggable, check_tags_merge_and_are_limited, tag};
use super::{Failure, ensure_error};
use crate::{EntityKind, InstanceProfileRecord, PageRequest, Store, StoreError, StoreExt};

/// Creates the main account, the role `Deploy` and the instance profile `Web` at `/`.
fn account_with_profile_and_role(store: &dyn Store) -> Result<InstanceProfileRecord, Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.roles().create(&role(ACCOUNT, "/", "Deploy")))?;
    let web = instance_profile(ACCOUNT, "/", "Web");
    store.write(|tx| tx.instance_profiles().create(&web))?;
    Ok(web)
}

/// The stored instance profile of the main account.
fn stored(store: &dyn Store, name: &str) -> Result<InstanceProfileRecord, Failure> {
    store
        .read(|tx| tx.instance_profiles().get(ACCOUNT, name))?
        .ok_or_else(|| Failure(format!("instance profile {name} vanished")))
}

/// The names of the main account's instance profiles.
const PROFILE_NAMES: Lister = |tx, prefix, page| {
    let page = tx.instance_profiles().list(ACCOUNT, prefix, page)?;
    let names = page
        .items
        .into_iter()
        .map(|profile| profile.instance_profile_name)
        .collect();
    Ok((names, page.next_marker))
};

/// The names of the instance profiles the role of the main account is in.
fn profiles_of(store: &dyn Store, role_name: &str) -> Result<Vec<String>, Failure> {
    Ok(store
        .read(|tx| tx.instance_profiles().for_role(ACCOUNT, role_name))?
        .into_iter()
        .map(|profile| profile.instance_profile_name)
        .collect())
}

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut web = instance_profile(ACCOUNT, "/service/", "WebServer");
    web.tags = vec![tag("team", "web"), tag("Cost", "")];
    // Roles given to `create` are ignored.
    let mut given = web.clone();
    given.roles = vec!["ignored".to_owned()];
    for (path, name) in LISTED {
        store.write(|tx| {
            tx.instance_profiles()
                .create(&instance_profile(ACCOUNT, path, name))
        })?;
    }
    store.write(|tx| tx.instance_profiles().create(&given))?;
    let elsewhere = instance_profile(OTHER_ACCOUNT, "/", "aaron");
    store.write(|tx| tx.instance_profiles().create(&elsewhere))?;

    // Lookups are case-insensitive and return the profile as created, tags included.
    ensure_eq!(stored(store, "webserver")?, web);
    ensure_eq!(
        stored(store, "API")?,
        instance_profile(ACCOUNT, "/service/", "api")
    );
    ensure_eq!(
        store.read(|tx| tx.instance_profiles().get(ACCOUNT, "aaron"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.instance_profiles().get(OTHER_ACCOUNT, "AARON"))?,
        Some(elsewhere)
    );

    let all = store.read(|tx| {
        tx.instance_profiles()
            .list(ACCOUNT, None, &PageRequest::first(100))
    })?;
    ensure_eq!(all.next_marker, None);
    ensure_eq!(all.items.len(), 5);
    ensure_eq!(all.items.last(), Some(&web));
    check_listing(store, PROFILE_NAMES)?;

    ensure_error(
        store.write(|tx| {
            tx.instance_profiles()
                .create(&instance_profile("999988887777", "/", "p"))
        }),
        &StoreError::not_found(EntityKind::Account, "999988887777"),
        "an instance profile in a missing account",
    )?;
    Ok(())
}

pub(super) fn unique_case_insensitively_and_by_id(store: &dyn Store) -> Result<(), Failure> {
    let web = account_with_profile_and_role(store)?;
    let mut shouting = instance_profile(ACCOUNT, "/other/", "WEB");
    shouting.instance_profile_id = "AIPAOTHERPROFILEID0001".to_owned();
    ensure_error(
        store.write(|tx| tx.instance_profiles().create(&shouting)),
        &StoreError::already_exists(EntityKind::InstanceProfile, "WEB"),
        "an instance profile name taken in another case and path",
    )?;
    // Ids are unique across accounts; names only within one.
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut elsewhere = instance_profile(OTHER_ACCOUNT, "/", "web");
    let fresh_id = elsewhere.instance_profile_id.clone();
    elsewhere
        .instance_profile_id
        .clone_from(&web.instance_profile_id);
    ensure_error(
        store.write(|tx| tx.instance_profiles().create(&elsewhere)),
        &StoreError::already_exists(EntityKind::InstanceProfile, &web.instance_profile_id),
        "an instance profile id taken in another account",
    )?;
    elsewhere.instance_profile_id = fresh_id;
    store.write(|tx| tx.instance_profiles().create(&elsewhere))?;
    ensure_eq!(stored(store, "web")?, web);
    // A role may share a profile's name.
    store.write(|tx| tx.roles().create(&role(ACCOUNT, "/", "web")))?;
    ensure_eq!(stored(store, "web")?, web);
    Ok(())
}

pub(super) fn roles_add_remove_and_quota(store: &dyn Store) -> Result<(), Failure> {
    let mut web = account_with_profile_and_role(store)?;
    let mut batch = instance_profile(ACCOUNT, "/", "batch");
    store.write(|tx| tx.instance_profiles().create(&batch))?;
    store.write(|tx| tx.roles().create(&role(ACCOUNT, "/", "other")))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    store.write(|tx| tx.roles().create(&role(OTHER_ACCOUNT, "/", "foreign")))?;
    ensure_eq!(profiles_of(store, "deploy")?, Vec::<String>::new());

    // Named in any case; records carry the role's stored name.
    let before = store.generation()?;
    store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "WEB", "DEPLOY"))?;
    ensure!(
        store.generation()? > before,
        "add_role did not bump the generation"
    );
    web.roles = vec!["Deploy".to_owned()];
    ensure_eq!(stored(store, "web")?, web);
    // A role may be in several profiles.
    store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "batch", "deploy"))?;
    batch.roles = vec!["Deploy".to_owned()];
    ensure_eq!(
        store.read(|tx| tx.instance_profiles().for_role(ACCOUNT, "deploy"))?,
        vec![batch.clone(), web.clone()]
    );
    ensure_eq!(
        store
            .read(|tx| tx
                .instance_profiles()
                .list(ACCOUNT, None, &PageRequest::first(10)))?
            .items,
        vec![batch, web.clone()]
    );
    ensure_eq!(profiles_of(store, "other")?, Vec::<String>::new());

    // A full profile refuses another role, and the one it has.
    let quota = StoreError::instance_profile_role_quota_exceeded();
    ensure_error(
        store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "web", "other")),
        &quota,
        "a second role in an instance profile",
    )?;
    ensure_error(
        store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "web", "Deploy")),
        &quota,
        "the role already in the instance profile",
    )?;
    ensure_eq!(stored(store, "web")?, web);

    let no_profile = StoreError::not_found(EntityKind::InstanceProfile, "nope");
    let no_role = StoreError::not_found(EntityKind::Role, "nobody");
    ensure_error(
        store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "nope", "nobody")),
        &no_profile,
        "adding a missing role to a missing instance profile",
    )?;
    ensure_error(
        store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "web", "nobody")),
        &no_role,
        "adding a missing role",
    )?;
    ensure_error(
        store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "web", "foreign")),
        &StoreError::not_found(EntityKind::Role, "foreign"),
        "adding another account's role",
    )?;
    ensure_error(
        store.read(|tx| tx.instance_profiles().for_role(ACCOUNT, "nobody")),
        &no_role,
        "the instance profiles of a missing role",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.instance_profiles()
                .remove_role(ACCOUNT, "nope", "nobody")
        }),
        &no_profile,
        "removing a missing role from a missing instance profile",
    )?;
    ensure_error(
        store.write(|tx| tx.instance_profiles().remove_role(ACCOUNT, "web", "nobody")),
        &no_role,
        "removing a missing role",
    )?;
    ensure_error(
        store.write(|tx| tx.instance_profiles().remove_role(ACCOUNT, "web", "other")),
        &StoreError::not_found(EntityKind::Role, "other"),
        "removing a role that is not in the instance profile",
    )?;

    store.write(|tx| tx.instance_profiles().remove_role(ACCOUNT, "Web", "deploy"))?;
    web.roles = Vec::new();
    ensure_eq!(stored(store, "web")?, web);
    ensure_eq!(profiles_of(store, "DEPLOY")?, ["batch"]);
    // Emptied, the profile takes another role.
    store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "web", "other"))?;
    ensure_eq!(stored(store, "web")?.roles, ["other"]);
    ensure_eq!(profiles_of(store, "other")?, ["Web"]);
    Ok(())
}

/// The tag operations of instance profiles.
const PROFILE_TAGS: Taggable = Taggable {
    kind: EntityKind::InstanceProfile,
    tag: |tx, name, tags| tx.instance_profiles().tag(ACCOUNT, name, tags),
    untag: |tx, name, keys| tx.instance_profiles().untag(ACCOUNT, name, keys),
    tags: |tx, name| {
        Ok(tx
            .instance_profiles()
            .get(ACCOUNT, name)?
            .map(|profile| profile.tags))
    },
};

pub(super) fn tags_merge_and_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut web = instance_profile(ACCOUNT, "/", "web");
    web.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.write(|tx| tx.instance_profiles().create(&web))?;
    check_tags_merge_and_are_limited(store, &PROFILE_TAGS, "web")
}

pub(super) fn delete_conflicts(store: &dyn Store) -> Result<(), Failure> {
    let mut web = account_with_profile_and_role(store)?;
    web.tags = vec![tag("k", "v")];
    store.write(|tx| tx.instance_profiles().tag(ACCOUNT, "web", &web.tags))?;
    store.write(|tx| tx.instance_profiles().add_role(ACCOUNT, "web", "deploy"))?;
    web.roles = vec!["Deploy".to_owned()];
    let in_use = StoreError::instance_profile_in_use();
    ensure_error(
        store.write(|tx| tx.instance_profiles().delete(ACCOUNT, "WEB")),
        &in_use,
        "deleting an instance profile with a role",
    )?;
    // The role's inline policies are reported first, then its instance profile.
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "deploy", "p", "{}"))
    })?;
    ensure_error(
        store.write(|tx| tx.roles().delete(ACCOUNT, "deploy")),
        &StoreError::has_inline_policies(),
        "deleting a role with inline policies in an instance profile",
    )?;
    store.write(|tx| tx.role_policies().delete(ACCOUNT, "deploy", "p"))?;
    ensure_error(
        store.write(|tx| tx.roles().delete(ACCOUNT, "DEPLOY")),
        &in_use,
        "deleting a role in an instance profile",
    )?;
    ensure_eq!(stored(store, "web")?, web);
    ensure!(
        store
            .read(|tx| tx.roles().get(ACCOUNT, "deploy"))?
            .is_some(),
        "a refused delete removed the role"
    );

    store.write(|tx| tx.instance_profiles().remove_role(ACCOUNT, "web", "deploy"))?;
    store.write(|tx| tx.instance_profiles().delete(ACCOUNT, "Web"))?;
    ensure_eq!(
        store.read(|tx| tx.instance_profiles().get(ACCOUNT, "web"))?,
        None
    );
    store.write(|tx| tx.roles().delete(ACCOUNT, "deploy"))?;
    ensure_error(
        store.write(|tx| tx.instance_profiles().delete(ACCOUNT, "web")),
        &StoreError::not_found(EntityKind::InstanceProfile, "web"),
        "deleting a deleted instance profile",
    )?;
    // The name (and even the id) can be used again, and no old tags or roles resurface.
    let again = instance_profile(ACCOUNT, "/", "Web");
    store.write(|tx| tx.instance_profiles().create(&again))?;
    ensure_eq!(stored(store, "web")?, again);
    Ok(())
}
