//! Checks of password policies.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};
use super::{Failure, ensure_error};
use crate::{EntityKind, PasswordPolicyRecord, Store, StoreError, StoreExt};

/// A password policy of the account with every check on.
fn strict(account_id: &str) -> PasswordPolicyRecord {
    PasswordPolicyRecord {
        account_id: account_id.to_owned(),
        minimum_password_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        hard_expiry: true,
    }
}

pub(super) fn put_get_delete(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    ensure_eq!(store.read(|tx| tx.password_policies().get(ACCOUNT))?, None);

    let policy = strict(ACCOUNT);
    let before = store.generation()?;
    store.write(|tx| tx.password_policies().put(&policy))?;
    ensure!(
        store.generation()? > before,
        "putting a password policy did not bump the generation"
    );
    ensure_eq!(
        store.read(|tx| tx.password_policies().get(ACCOUNT))?,
        Some(policy)
    );
    ensure_eq!(
        store.read(|tx| tx.password_policies().get(OTHER_ACCOUNT))?,
        None
    );

    // Replaced whole: unset fields do not survive.
    let lax = PasswordPolicyRecord {
        account_id: ACCOUNT.to_owned(),
        minimum_password_length: 6,
        require_symbols: false,
        require_numbers: false,
        require_uppercase_characters: false,
        require_lowercase_characters: true,
        allow_users_to_change_password: false,
        max_password_age: None,
        password_reuse_prevention: None,
        hard_expiry: false,
    };
    store.write(|tx| tx.password_policies().put(&lax))?;
    ensure_eq!(
        store.read(|tx| tx.password_policies().get(ACCOUNT))?,
        Some(lax)
    );
    let other = strict(OTHER_ACCOUNT);
    store.write(|tx| tx.password_policies().put(&other))?;

    ensure_error(
        store.write(|tx| tx.password_policies().put(&strict("999999999999"))),
        &StoreError::not_found(EntityKind::Account, "999999999999"),
        "a password policy of a missing account",
    )?;

    store.write(|tx| tx.password_policies().delete(ACCOUNT))?;
    ensure_eq!(store.read(|tx| tx.password_policies().get(ACCOUNT))?, None);
    ensure_eq!(
        store.read(|tx| tx.password_policies().get(OTHER_ACCOUNT))?,
        Some(other)
    );
    ensure_error(
        store.write(|tx| tx.password_policies().delete(ACCOUNT)),
        &StoreError::not_found(EntityKind::PasswordPolicy, ACCOUNT),
        "deleting a missing password policy",
    )?;
    ensure_error(
        store.write(|tx| tx.password_policies().delete("999999999999")),
        &StoreError::not_found(EntityKind::PasswordPolicy, "999999999999"),
        "deleting the password policy of a missing account",
    )?;
    Ok(())
}
