//! Checks of accounts, their aliases and their outbound identity federation.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};
use super::{Failure, ensure_error};
use crate::{EntityKind, OutboundFederationRecord, Store, StoreError, StoreExt};

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    ensure_eq!(store.read(|tx| tx.accounts().list())?, Vec::new());
    ensure_eq!(store.read(|tx| tx.accounts().get(ACCOUNT))?, None);
    let mut second = account(OTHER_ACCOUNT);
    second.create_date = 42;
    store.write(|tx| tx.accounts().create(&second))?;
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    ensure_eq!(
        store.read(|tx| tx.accounts().get(ACCOUNT))?,
        Some(account(ACCOUNT))
    );
    ensure_eq!(
        store.read(|tx| tx.accounts().get(OTHER_ACCOUNT))?,
        Some(second.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.accounts().list())?,
        vec![account(ACCOUNT), second]
    );
    Ok(())
}

pub(super) fn reject_duplicates(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut again = account(ACCOUNT);
    again.create_date = 7;
    ensure_error(
        store.write(|tx| tx.accounts().create(&again)),
        &StoreError::already_exists(EntityKind::Account, ACCOUNT),
        "second create_account",
    )?;
    ensure_eq!(
        store.read(|tx| tx.accounts().get(ACCOUNT))?,
        Some(account(ACCOUNT))
    );
    Ok(())
}

pub(super) fn aliases_set_replace_remove_and_are_unique(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let alias_of = |account_id: &str| store.read(|tx| tx.accounts().alias(account_id));
    ensure_eq!(alias_of(ACCOUNT)?, None);

    let before = store.generation()?;
    store.write(|tx| tx.accounts().set_alias(ACCOUNT, Some("example-corp")))?;
    ensure!(
        store.generation()? > before,
        "setting an alias did not bump the generation"
    );
    ensure_eq!(alias_of(ACCOUNT)?, Some("example-corp".to_owned()));
    ensure_eq!(alias_of(OTHER_ACCOUNT)?, None);
    // Setting it again is fine; another replaces it and frees the first.
    store.write(|tx| tx.accounts().set_alias(ACCOUNT, Some("example-corp")))?;
    store.write(|tx| tx.accounts().set_alias(ACCOUNT, Some("example-prod")))?;
    ensure_eq!(alias_of(ACCOUNT)?, Some("example-prod".to_owned()));
    store.write(|tx| tx.accounts().set_alias(OTHER_ACCOUNT, Some("example-corp")))?;
    ensure_eq!(alias_of(OTHER_ACCOUNT)?, Some("example-corp".to_owned()));

    // Unique across accounts (exact match).
    ensure_error(
        store.write(|tx| tx.accounts().set_alias(ACCOUNT, Some("example-corp"))),
        &StoreError::already_exists(EntityKind::AccountAlias, "example-corp"),
        "an alias another account has",
    )?;
    ensure_eq!(alias_of(ACCOUNT)?, Some("example-prod".to_owned()));
    ensure_error(
        store.write(|tx| tx.accounts().set_alias("999999999999", Some("fresh"))),
        &StoreError::not_found(EntityKind::Account, "999999999999"),
        "an alias of a missing account",
    )?;
    ensure_error(
        store.write(|tx| tx.accounts().set_alias("999999999999", None)),
        &StoreError::not_found(EntityKind::Account, "999999999999"),
        "removing the alias of a missing account",
    )?;
    ensure_eq!(alias_of("999999999999")?, None);

    // Removing it frees it for others; removing none is fine.
    store.write(|tx| tx.accounts().set_alias(OTHER_ACCOUNT, None))?;
    ensure_eq!(alias_of(OTHER_ACCOUNT)?, None);
    store.write(|tx| tx.accounts().set_alias(OTHER_ACCOUNT, None))?;
    store.write(|tx| tx.accounts().set_alias(ACCOUNT, Some("example-corp")))?;
    ensure_eq!(alias_of(ACCOUNT)?, Some("example-corp".to_owned()));
    Ok(())
}

pub(super) fn outbound_federation_set_and_replace(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let of = |account_id: &str| store.read(|tx| tx.accounts().outbound_federation(account_id));
    ensure_eq!(of(ACCOUNT)?, None);
    let enabled = OutboundFederationRecord {
        issuer_id: "issuer-1".to_owned(),
        enabled: true,
    };
    store.write(|tx| tx.accounts().set_outbound_federation(ACCOUNT, &enabled))?;
    ensure_eq!(of(ACCOUNT)?, Some(enabled.clone()));
    let disabled = OutboundFederationRecord {
        enabled: false,
        ..enabled
    };
    store.write(|tx| tx.accounts().set_outbound_federation(ACCOUNT, &disabled))?;
    ensure_eq!(of(ACCOUNT)?, Some(disabled.clone()));
    ensure_eq!(of(OTHER_ACCOUNT)?, None);
    ensure_error(
        store.write(|tx| {
            tx.accounts()
                .set_outbound_federation("999999999999", &disabled)
        }),
        &StoreError::not_found(EntityKind::Account, "999999999999"),
        "outbound federation of a missing account",
    )?;
    Ok(())
}
