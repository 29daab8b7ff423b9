//! Checks of the record of principals' last attempts to call each action.

use super::Failure;
use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};
use crate::{ServiceAccess, Store, StoreExt};

fn access(
    principal_id: &str,
    service: &str,
    action: &str,
    when: i64,
    region: &str,
) -> ServiceAccess {
    ServiceAccess {
        account_id: ACCOUNT.to_owned(),
        principal_id: principal_id.to_owned(),
        service: service.to_owned(),
        action: action.to_owned(),
        when,
        region: region.to_owned(),
    }
}

fn sorted(mut accesses: Vec<ServiceAccess>) -> Vec<ServiceAccess> {
    accesses.sort_by(|a, b| {
        (&a.principal_id, &a.service, &a.action).cmp(&(&b.principal_id, &b.service, &b.action))
    });
    accesses
}

pub(super) fn record_keeps_the_latest_per_action(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let alice = "AIDAALICE00000000001";
    let bob = "AIDABOB0000000000001";
    let role = "AROAROLE000000000001";
    let of = |ids: &[&str]| {
        let ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
        store
            .read(|tx| tx.service_accesses().of_principals(ACCOUNT, &ids))
            .map(sorted)
    };
    ensure_eq!(of(&[alice])?, Vec::new());

    // Within one call the latest attempt per action wins.
    store.write(|tx| {
        tx.service_accesses().record(&[
            access(alice, "iam", "ListUsers", 200, "us-east-1"),
            access(alice, "iam", "ListUsers", 300, "eu-west-1"),
            access(alice, "iam", "ListUsers", 250, "us-west-2"),
            access(alice, "kms", "Encrypt", 100, "us-east-1"),
            access(bob, "iam", "ListUsers", 400, "us-east-1"),
            access(role, "sts", "GetCallerIdentity", 500, "us-east-1"),
        ])
    })?;
    ensure_eq!(
        of(&[alice])?,
        vec![
            access(alice, "iam", "ListUsers", 300, "eu-west-1"),
            access(alice, "kms", "Encrypt", 100, "us-east-1"),
        ]
    );
    ensure_eq!(
        of(&[alice, role, "AIDAMISSING000000001"])?,
        vec![
            access(alice, "iam", "ListUsers", 300, "eu-west-1"),
            access(alice, "kms", "Encrypt", 100, "us-east-1"),
            access(role, "sts", "GetCallerIdentity", 500, "us-east-1"),
        ]
    );

    // An earlier (or equally old) attempt leaves the stored one; a later one replaces it.
    store.write(|tx| {
        tx.service_accesses().record(&[
            access(alice, "iam", "ListUsers", 299, "ap-south-1"),
            access(alice, "iam", "ListUsers", 300, "ap-south-1"),
            access(alice, "kms", "Encrypt", 101, "eu-north-1"),
        ])
    })?;
    ensure_eq!(
        of(&[alice])?,
        vec![
            access(alice, "iam", "ListUsers", 300, "eu-west-1"),
            access(alice, "kms", "Encrypt", 101, "eu-north-1"),
        ]
    );

    // Each account sees only its own principals' attempts.
    let ids = vec![alice.to_owned(), bob.to_owned()];
    ensure_eq!(
        store.read(|tx| tx.service_accesses().of_principals(OTHER_ACCOUNT, &ids))?,
        Vec::new()
    );
    // No principals, no attempts.
    ensure_eq!(
        store.read(|tx| tx.service_accesses().of_principals(ACCOUNT, &[]))?,
        Vec::new()
    );
    Ok(())
}
