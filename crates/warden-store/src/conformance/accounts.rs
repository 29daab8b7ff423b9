//! Checks of accounts.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};
use super::{Failure, ensure_error};
use crate::{EntityKind, Store, StoreError};

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    ensure_eq!(store.list_accounts()?, Vec::new());
    ensure_eq!(store.account(ACCOUNT)?, None);
    let mut second = account(OTHER_ACCOUNT);
    second.create_date = 42;
    store.create_account(&second)?;
    store.create_account(&account(ACCOUNT))?;
    ensure_eq!(store.account(ACCOUNT)?, Some(account(ACCOUNT)));
    ensure_eq!(store.account(OTHER_ACCOUNT)?, Some(second.clone()));
    ensure_eq!(store.list_accounts()?, vec![account(ACCOUNT), second]);
    Ok(())
}

pub(super) fn reject_duplicates(store: &dyn Store) -> Result<(), Failure> {
    store.create_account(&account(ACCOUNT))?;
    let mut again = account(ACCOUNT);
    again.create_date = 7;
    ensure_error(
        store.create_account(&again),
        &StoreError::already_exists(EntityKind::Account, ACCOUNT),
        "second create_account",
    )?;
    ensure_eq!(store.account(ACCOUNT)?, Some(account(ACCOUNT)));
    Ok(())
}
