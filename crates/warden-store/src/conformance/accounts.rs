//! Checks of accounts.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};
use super::{Failure, ensure_error};
use crate::{EntityKind, Store, StoreError, StoreExt};

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
