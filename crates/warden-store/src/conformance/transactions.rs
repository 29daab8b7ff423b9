//! Checks of write transactions: atomic discards, shared commits, commit callbacks.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use super::Failure;
use super::fixtures::{ACCOUNT, account, concurrently, key, user};
use crate::{Store, StoreError, StoreExt};

/// The writes the concurrent checks run at once.
const WRITERS: usize = 8;

pub(super) fn discarded_write_changes_nothing(store: &dyn Store) -> Result<(), Failure> {
    let before = store.generation()?;
    let outcome: Result<(), StoreError> = store.write(|tx| {
        tx.accounts().create(&account(ACCOUNT))?;
        tx.users().create(&user(ACCOUNT, "alice"))?;
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIADISCARDED0000001"))?;
        Err(StoreError::Conflict(
            "the caller changed its mind".to_owned(),
        ))
    });
    ensure_eq!(
        outcome,
        Err(StoreError::Conflict(
            "the caller changed its mind".to_owned()
        ))
    );
    ensure_eq!(store.generation()?, before);
    ensure_eq!(store.read(|tx| tx.accounts().get(ACCOUNT))?, None);
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIADISCARDED0000001"))?,
        None
    );
    // A write transaction sees its own writes, and what it keeps is read back after.
    store.write(|tx| {
        tx.accounts().create(&account(ACCOUNT))?;
        tx.users().create(&user(ACCOUNT, "alice"))?;
        let seen = tx.users().get(ACCOUNT, "ALICE")?;
        if seen.is_none() {
            return Err(StoreError::Backend("own write not visible".to_owned()));
        }
        Ok(())
    })?;
    ensure!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?.is_some(),
        "the kept user was not stored"
    );
    Ok(())
}

pub(super) fn concurrent_writes_keep_their_own_outcomes(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let before = store.generation()?;
    let results = concurrently(WRITERS, |i| {
        store.write(|tx| {
            tx.users().create(&user(ACCOUNT, &format!("user{i}")))?;
            if i % 2 == 1 {
                return Err(StoreError::Conflict(format!("discard {i}")));
            }
            Ok(())
        })
    });
    for (i, result) in results.iter().enumerate() {
        let stored = store.read(|tx| tx.users().get(ACCOUNT, &format!("user{i}")))?;
        if i % 2 == 1 {
            ensure_eq!(*result, Err(StoreError::Conflict(format!("discard {i}"))));
            ensure!(stored.is_none(), "discarded user{i} was stored");
        } else {
            ensure_eq!(*result, Ok(()));
            ensure!(stored.is_some(), "kept user{i} was not stored");
        }
    }
    ensure_eq!(store.generation()? - before, (WRITERS / 2) as u64);
    Ok(())
}

pub(super) fn commit_callbacks_follow_the_order_of_kept_writes(
    store: &dyn Store,
) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let ran = Arc::new(Mutex::new(Vec::new()));
    let told = Arc::new(Mutex::new(Vec::new()));
    thread::scope(|scope| {
        for i in 0..WRITERS {
            let (ran, told) = (Arc::clone(&ran), Arc::clone(&told));
            scope.spawn(move || {
                let result: Result<(), StoreError> = store.write_then(
                    |tx| {
                        tx.users().create(&user(ACCOUNT, &format!("user{i}")))?;
                        if i == 3 {
                            return Err(StoreError::Conflict("discarded".to_owned()));
                        }
                        ran.lock().unwrap_or_else(PoisonError::into_inner).push(i);
                        Ok(())
                    },
                    Box::new(move |committed| {
                        told.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push((i, committed));
                    }),
                );
                drop(result);
            });
        }
    });
    let ran = ran.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let told = told.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let expected: Vec<(usize, bool)> = ran.iter().map(|&i| (i, true)).collect();
    ensure_eq!(told, expected);
    ensure_eq!(ran.len(), WRITERS - 1);
    Ok(())
}
