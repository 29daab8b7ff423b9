//! Checks of access keys and of their last use.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account, account_with_user, key, user};
use super::{Failure, ensure_error};
use crate::{AccessKeyStatus, AccessKeyUse, EntityKind, Store, StoreError, StoreExt};

pub(super) fn create_and_look_up(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    // The owner may be named in any case; records carry the stored spelling.
    let mut first = key(ACCOUNT, Some("ALICE"), "AKIAEXAMPLEKEY000002");
    first.create_date = 20;
    let mut second = key(ACCOUNT, Some("alice"), "AKIAEXAMPLEKEY000001");
    second.create_date = 30;
    second.status = AccessKeyStatus::Inactive;
    let root = key(ACCOUNT, None, "AKIAEXAMPLEROOTKEY01");
    for record in [&first, &second, &root] {
        store.write(|tx| tx.access_keys().create(record))?;
    }
    first.user_name = Some("Alice".to_owned());
    second.user_name = Some("Alice".to_owned());

    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIAEXAMPLEKEY000002"))?,
        Some(first.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIAEXAMPLEROOTKEY01"))?,
        Some(root.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIAEXAMPLEKEY999999"))?,
        None
    );
    // Ids are matched exactly.
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("akiaexamplekey000002"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.access_keys().list(ACCOUNT, Some("alice")))?,
        vec![first, second]
    );
    ensure_eq!(
        store.read(|tx| tx.access_keys().list(ACCOUNT, None))?,
        vec![root]
    );
    ensure_eq!(
        store.read(|tx| tx.access_keys().list(ACCOUNT, Some("bob")))?,
        Vec::new()
    );
    Ok(())
}

pub(super) fn limit_per_user(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIAALICE00000000001"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIAALICE00000000002"))
    })?;
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .create(&key(ACCOUNT, Some("Alice"), "AKIAALICE00000000003"))
        }),
        &StoreError::access_key_quota_exceeded(),
        "third key for a user",
    )?;
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIAALICE00000000003"))?,
        None
    );
    // Inactive keys count too, and other owners are unaffected.
    store.write(|tx| {
        tx.access_keys().update_status(
            ACCOUNT,
            Some("alice"),
            "AKIAALICE00000000001",
            AccessKeyStatus::Inactive,
        )
    })?;
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .create(&key(ACCOUNT, Some("alice"), "AKIAALICE00000000003"))
        }),
        &StoreError::access_key_quota_exceeded(),
        "third key while one is inactive",
    )?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("bob"), "AKIABOB0000000000001"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, None, "AKIAROOT000000000001"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, None, "AKIAROOT000000000002"))
    })?;
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .create(&key(ACCOUNT, None, "AKIAROOT000000000003"))
        }),
        &StoreError::access_key_quota_exceeded(),
        "third key for the root user",
    )?;
    // Deleting a key frees a slot.
    store.write(|tx| {
        tx.access_keys()
            .delete(ACCOUNT, Some("alice"), "AKIAALICE00000000001")
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIAALICE00000000003"))
    })?;
    ensure_eq!(
        store
            .read(|tx| tx.access_keys().list(ACCOUNT, Some("alice")))?
            .len(),
        2
    );
    Ok(())
}

pub(super) fn ids_are_unique(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIADUPLICATE0000001"))
    })?;
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .create(&key(OTHER_ACCOUNT, None, "AKIADUPLICATE0000001"))
        }),
        &StoreError::already_exists(EntityKind::AccessKey, "AKIADUPLICATE0000001"),
        "reusing a key id in another account",
    )?;
    ensure_eq!(
        store.read(|tx| tx.access_keys().list(OTHER_ACCOUNT, None))?,
        Vec::new()
    );
    Ok(())
}

pub(super) fn require_owner(store: &dyn Store) -> Result<(), Failure> {
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .create(&key(ACCOUNT, None, "AKIANOACCOUNT0000001"))
        }),
        &StoreError::not_found(EntityKind::Account, ACCOUNT),
        "root key in a missing account",
    )?;
    ensure_error(
        store.read(|tx| tx.access_keys().list(ACCOUNT, None)),
        &StoreError::not_found(EntityKind::Account, ACCOUNT),
        "listing root keys of a missing account",
    )?;
    account_with_user(store, "alice")?;
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .create(&key(ACCOUNT, Some("bob"), "AKIANOUSER0000000001"))
        }),
        &StoreError::not_found(EntityKind::User, "bob"),
        "key for a missing user",
    )?;
    ensure_error(
        store.read(|tx| tx.access_keys().list(ACCOUNT, Some("bob"))),
        &StoreError::not_found(EntityKind::User, "bob"),
        "listing keys of a missing user",
    )?;
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIANOUSER0000000001"))?,
        None
    );
    Ok(())
}

pub(super) fn update_status(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIASTATUS0000000001"))
    })?;
    let status = |store: &dyn Store| -> Result<Option<AccessKeyStatus>, Failure> {
        Ok(store
            .read(|tx| tx.access_keys().get("AKIASTATUS0000000001"))?
            .map(|k| k.status))
    };
    store.write(|tx| {
        tx.access_keys().update_status(
            ACCOUNT,
            Some("ALICE"),
            "AKIASTATUS0000000001",
            AccessKeyStatus::Inactive,
        )
    })?;
    ensure_eq!(status(store)?, Some(AccessKeyStatus::Inactive));
    store.write(|tx| {
        tx.access_keys().update_status(
            ACCOUNT,
            Some("alice"),
            "AKIASTATUS0000000001",
            AccessKeyStatus::Active,
        )
    })?;
    ensure_eq!(status(store)?, Some(AccessKeyStatus::Active));
    // Setting the current status again is fine.
    store.write(|tx| {
        tx.access_keys().update_status(
            ACCOUNT,
            Some("alice"),
            "AKIASTATUS0000000001",
            AccessKeyStatus::Active,
        )
    })?;
    for (owner, context) in [(Some("bob"), "another user"), (None, "the root user")] {
        ensure_error(
            store.write(|tx| {
                tx.access_keys().update_status(
                    ACCOUNT,
                    owner,
                    "AKIASTATUS0000000001",
                    AccessKeyStatus::Inactive,
                )
            }),
            &StoreError::not_found(EntityKind::AccessKey, "AKIASTATUS0000000001"),
            context,
        )?;
    }
    ensure_error(
        store.write(|tx| {
            tx.access_keys().update_status(
                ACCOUNT,
                Some("carol"),
                "AKIASTATUS0000000001",
                AccessKeyStatus::Inactive,
            )
        }),
        &StoreError::not_found(EntityKind::User, "carol"),
        "a missing user",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.access_keys().update_status(
                ACCOUNT,
                Some("alice"),
                "AKIAMISSING000000001",
                AccessKeyStatus::Inactive,
            )
        }),
        &StoreError::not_found(EntityKind::AccessKey, "AKIAMISSING000000001"),
        "a missing key",
    )?;
    ensure_eq!(status(store)?, Some(AccessKeyStatus::Active));
    Ok(())
}

pub(super) fn delete(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIADELETE0000000001"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, None, "AKIADELETEROOT000001"))
    })?;
    for (owner, context) in [(Some("bob"), "another user"), (None, "the root user")] {
        ensure_error(
            store.write(|tx| {
                tx.access_keys()
                    .delete(ACCOUNT, owner, "AKIADELETE0000000001")
            }),
            &StoreError::not_found(EntityKind::AccessKey, "AKIADELETE0000000001"),
            context,
        )?;
    }
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .delete(OTHER_ACCOUNT, None, "AKIADELETEROOT000001")
        }),
        &StoreError::not_found(EntityKind::Account, OTHER_ACCOUNT),
        "root key of a missing account",
    )?;
    ensure!(
        store
            .read(|tx| tx.access_keys().get("AKIADELETE0000000001"))?
            .is_some(),
        "a refused delete removed the key"
    );
    store.write(|tx| {
        tx.access_keys()
            .delete(ACCOUNT, Some("Alice"), "AKIADELETE0000000001")
    })?;
    store.write(|tx| {
        tx.access_keys()
            .delete(ACCOUNT, None, "AKIADELETEROOT000001")
    })?;
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIADELETE0000000001"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.access_keys().get("AKIADELETEROOT000001"))?,
        None
    );
    ensure_error(
        store.write(|tx| {
            tx.access_keys()
                .delete(ACCOUNT, Some("alice"), "AKIADELETE0000000001")
        }),
        &StoreError::not_found(EntityKind::AccessKey, "AKIADELETE0000000001"),
        "deleting a deleted key",
    )?;
    Ok(())
}

/// A use of the key at `when` through `service` in `region`.
fn used(access_key_id: &str, when: i64, service: &str, region: &str) -> AccessKeyUse {
    AccessKeyUse {
        access_key_id: access_key_id.to_owned(),
        when,
        service: service.to_owned(),
        region: region.to_owned(),
    }
}

pub(super) fn record_and_report_last_use(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    let alices = "AKIALASTUSE000000001";
    let roots = "AKIALASTUSEROOT00001";
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), alices))
    })?;
    store.write(|tx| tx.access_keys().create(&key(ACCOUNT, None, roots)))?;
    let last_used = |id: &str| store.read(|tx| tx.access_keys().last_used(id));
    ensure_eq!(last_used(alices)?, None);
    ensure_eq!(last_used("AKIAMISSING000000001")?, None);

    // Within one call the latest use wins; unknown keys are skipped.
    let before = store.generation()?;
    store.write(|tx| {
        tx.access_keys().record_uses(&[
            used(alices, 200, "iam", "us-east-1"),
            used("AKIAMISSING000000001", 500, "sts", "eu-west-1"),
            used(alices, 300, "sts", "eu-west-1"),
            used(alices, 250, "iam", "us-west-2"),
            used(roots, 100, "iam", "us-east-1"),
        ])
    })?;
    ensure!(
        store.generation()? > before,
        "recording uses did not bump the generation"
    );
    ensure_eq!(
        last_used(alices)?,
        Some(used(alices, 300, "sts", "eu-west-1"))
    );
    ensure_eq!(
        last_used(roots)?,
        Some(used(roots, 100, "iam", "us-east-1"))
    );
    ensure_eq!(last_used("AKIAMISSING000000001")?, None);
    // Ids are matched exactly.
    ensure_eq!(last_used(&alices.to_lowercase())?, None);

    // An earlier (or equally old) use leaves the stored one; a later one replaces it.
    store.write(|tx| {
        tx.access_keys().record_uses(&[
            used(alices, 299, "iam", "us-east-1"),
            used(alices, 300, "iam", "ap-south-1"),
        ])
    })?;
    ensure_eq!(
        last_used(alices)?,
        Some(used(alices, 300, "sts", "eu-west-1"))
    );
    store.write(|tx| {
        tx.access_keys()
            .record_uses(&[used(alices, 301, "iam", "us-east-1")])
    })?;
    ensure_eq!(
        last_used(alices)?,
        Some(used(alices, 301, "iam", "us-east-1"))
    );
    store.write(|tx| tx.access_keys().record_uses(&[]))?;

    // The record goes with the key: a key re-created under the same id was never used.
    store.write(|tx| tx.access_keys().delete(ACCOUNT, Some("alice"), alices))?;
    ensure_eq!(last_used(alices)?, None);
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), alices))
    })?;
    ensure_eq!(last_used(alices)?, None);
    ensure_eq!(
        last_used(roots)?,
        Some(used(roots, 100, "iam", "us-east-1"))
    );
    Ok(())
}
