//! Checks of login profiles.

use super::fixtures::{
    ACCOUNT, OTHER_ACCOUNT, account, account_with_user, login_profile, sealed_bytes, user,
};
use super::{Failure, ensure_error};
use crate::{EntityKind, LoginProfileRecord, Store, StoreError, StoreExt, UserUpdate};

/// The stored login profile of the user of the main account.
fn stored(store: &dyn Store, user_name: &str) -> Result<LoginProfileRecord, Failure> {
    store
        .read(|tx| tx.login_profiles().get(ACCOUNT, user_name))?
        .ok_or_else(|| Failure(format!("the login profile of {user_name} vanished")))
}

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "carol")))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    store.write(|tx| tx.users().create(&user(OTHER_ACCOUNT, "aaron")))?;
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "alice"))?,
        None
    );

    // The user may be named in any case; records carry the stored spelling.
    let mut alice = login_profile(ACCOUNT, "ALICE");
    alice.previous_hashes_sealed = vec![sealed_bytes("newer"), Vec::new(), sealed_bytes("older")];
    alice.password_last_used = Some(1_700_000_009_000);
    let before = store.generation()?;
    store.write(|tx| tx.login_profiles().create(&alice))?;
    ensure!(
        store.generation()? > before,
        "creating a login profile did not bump the generation"
    );
    alice.user_name = "Alice".to_owned();
    ensure_eq!(stored(store, "alice")?, alice);
    ensure_eq!(stored(store, "ALICE")?, alice);
    let mut bob = login_profile(ACCOUNT, "bob");
    bob.previous_hashes_sealed = Vec::new();
    bob.password_reset_required = false;
    store.write(|tx| tx.login_profiles().create(&bob))?;
    store.write(|tx| {
        tx.login_profiles()
            .create(&login_profile(OTHER_ACCOUNT, "aaron"))
    })?;
    ensure_eq!(stored(store, "bob")?, bob);
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "carol"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "nobody"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "aaron"))?,
        None
    );

    // By case-folded user name, this account's only.
    ensure_eq!(
        store.read(|tx| tx.login_profiles().list(ACCOUNT))?,
        vec![alice.clone(), bob]
    );
    ensure_eq!(
        store.read(|tx| tx.login_profiles().list("999999999999"))?,
        Vec::new()
    );

    ensure_error(
        store.write(|tx| tx.login_profiles().create(&login_profile(ACCOUNT, "alice"))),
        &StoreError::already_exists(EntityKind::LoginProfile, "alice"),
        "a second login profile",
    )?;
    ensure_eq!(stored(store, "alice")?, alice);
    ensure_error(
        store.write(|tx| tx.login_profiles().create(&login_profile(ACCOUNT, "dave"))),
        &StoreError::not_found(EntityKind::User, "dave"),
        "a login profile of a missing user",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.login_profiles()
                .create(&login_profile("999999999999", "alice"))
        }),
        &StoreError::not_found(EntityKind::User, "alice"),
        "a login profile in a missing account",
    )?;
    Ok(())
}

pub(super) fn update_and_delete(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    let alice = login_profile(ACCOUNT, "Alice");
    store.write(|tx| tx.login_profiles().create(&alice))?;

    // Everything but the creation date and the user's name is replaced.
    let changed = LoginProfileRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: "ALICE".to_owned(),
        password_hash_sealed: sealed_bytes("changed"),
        previous_hashes_sealed: vec![
            alice.password_hash_sealed.clone(),
            sealed_bytes("Alice-previous"),
        ],
        password_reset_required: false,
        create_date: 5,
        password_last_changed: 1_700_000_005_000,
        password_last_used: Some(1_700_000_006_000),
    };
    let before = store.generation()?;
    store.write(|tx| tx.login_profiles().update(&changed))?;
    ensure!(
        store.generation()? > before,
        "updating a login profile did not bump the generation"
    );
    let mut expected = changed.clone();
    expected.user_name = "Alice".to_owned();
    expected.create_date = alice.create_date;
    ensure_eq!(stored(store, "alice")?, expected);
    // Fewer previous hashes replace more.
    let mut fewer = changed;
    fewer.previous_hashes_sealed = Vec::new();
    fewer.password_last_used = None;
    store.write(|tx| tx.login_profiles().update(&fewer))?;
    expected.previous_hashes_sealed = Vec::new();
    expected.password_last_used = None;
    ensure_eq!(stored(store, "Alice")?, expected);

    let no_profile = StoreError::not_found(EntityKind::LoginProfile, "bob");
    let no_user = StoreError::not_found(EntityKind::User, "carol");
    ensure_error(
        store.write(|tx| tx.login_profiles().update(&login_profile(ACCOUNT, "bob"))),
        &no_profile,
        "updating a missing login profile",
    )?;
    ensure_error(
        store.write(|tx| tx.login_profiles().update(&login_profile(ACCOUNT, "carol"))),
        &no_user,
        "updating the login profile of a missing user",
    )?;
    ensure_error(
        store.write(|tx| tx.login_profiles().delete(ACCOUNT, "bob")),
        &no_profile,
        "deleting a missing login profile",
    )?;
    ensure_error(
        store.write(|tx| tx.login_profiles().delete(ACCOUNT, "carol")),
        &no_user,
        "deleting the login profile of a missing user",
    )?;
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "bob"))?,
        None
    );

    store.write(|tx| tx.login_profiles().delete(ACCOUNT, "ALICE"))?;
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "alice"))?,
        None
    );
    ensure_error(
        store.write(|tx| tx.login_profiles().delete(ACCOUNT, "alice")),
        &StoreError::not_found(EntityKind::LoginProfile, "alice"),
        "deleting a deleted login profile",
    )?;
    // A new one starts afresh: no previous hashes resurface.
    let mut again = login_profile(ACCOUNT, "alice");
    again.previous_hashes_sealed = Vec::new();
    store.write(|tx| tx.login_profiles().create(&again))?;
    again.user_name = "Alice".to_owned();
    ensure_eq!(stored(store, "alice")?, again);
    Ok(())
}

pub(super) fn follow_user_renames(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    let mut profile = login_profile(ACCOUNT, "alice");
    store.write(|tx| tx.login_profiles().create(&profile))?;
    let update = UserUpdate {
        user_name: "Alicia".to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/Alicia"),
    };
    store.write(|tx| tx.users().update(ACCOUNT, "alice", &update))?;
    ensure_eq!(
        store.read(|tx| tx.login_profiles().get(ACCOUNT, "alice"))?,
        None
    );
    profile.user_name = "Alicia".to_owned();
    ensure_eq!(stored(store, "alicia")?, profile);
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alicia")),
        &StoreError::login_profile_conflict(),
        "deleting the renamed user with a login profile",
    )?;
    store.write(|tx| tx.login_profiles().delete(ACCOUNT, "ALICIA"))?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alicia"))?;
    Ok(())
}
