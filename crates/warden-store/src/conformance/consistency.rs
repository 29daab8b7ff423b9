//! Checks of wrapped keys, the generation counter, the snapshot source and concurrency.

use std::thread;

use super::fixtures::{
    ACCOUNT, OTHER_ACCOUNT, account, account_with_user, concurrently, group, key, managed_policy,
    policy, role, user,
};
use super::{Failure, ensure_error};
use crate::{
    AccessKeyStatus, Attachable, Attachment, EntityKind, Membership, PolicyVersionRecord,
    SnapshotSource, Store, StoreError, StoreExt, WrappedKeyRecord,
};

pub(super) fn wrapped_keys_first_writer_wins(store: &dyn Store) -> Result<(), Failure> {
    let first = WrappedKeyRecord {
        name: "secrets-at-rest".to_owned(),
        wrapped: vec![1, 0, 2, 255, 0],
        create_date: 5,
    };
    ensure_eq!(
        store.read(|tx| tx.wrapped_keys().get("secrets-at-rest"))?,
        None
    );
    store.write(|tx| tx.wrapped_keys().create(&first))?;
    let mut second = first.clone();
    second.wrapped = vec![9, 9, 9];
    ensure_error(
        store.write(|tx| tx.wrapped_keys().create(&second)),
        &StoreError::already_exists(EntityKind::WrappedKey, "secrets-at-rest"),
        "second create_wrapped_key",
    )?;
    ensure_eq!(
        store.read(|tx| tx.wrapped_keys().get("secrets-at-rest"))?,
        Some(first)
    );
    ensure_eq!(
        store.read(|tx| tx.wrapped_keys().get("SECRETS-AT-REST"))?,
        None
    );
    Ok(())
}

pub(super) fn generation_bumps_on_successful_writes_only(store: &dyn Store) -> Result<(), Failure> {
    let mut last = store.generation()?;
    let mut expect_bump = |store: &dyn Store, what: &str| -> Result<(), Failure> {
        let now = store.generation()?;
        ensure!(
            now > last,
            "{what}: generation {now} did not advance past {last}"
        );
        last = now;
        Ok(())
    };
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    expect_bump(store, "create_account")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "alice")))?;
    expect_bump(store, "create_user")?;
    store.write(|tx| tx.user_policies().put(&policy(ACCOUNT, "alice", "p", "{}")))?;
    expect_bump(store, "put_user_policy")?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "p", "{ }"))
    })?;
    expect_bump(store, "put_user_policy (replace)")?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIAGENERATION000001"))
    })?;
    expect_bump(store, "create_access_key")?;
    store.write(|tx| {
        tx.access_keys().update_status(
            ACCOUNT,
            Some("alice"),
            "AKIAGENERATION000001",
            AccessKeyStatus::Inactive,
        )
    })?;
    expect_bump(store, "update_access_key_status")?;
    store.write(|tx| {
        tx.access_keys()
            .delete(ACCOUNT, Some("alice"), "AKIAGENERATION000001")
    })?;
    expect_bump(store, "delete_access_key")?;
    store.write(|tx| tx.user_policies().delete(ACCOUNT, "alice", "p"))?;
    expect_bump(store, "delete_user_policy")?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alice"))?;
    expect_bump(store, "delete_user")?;

    let unchanged = store.generation()?;
    let failures = [
        store
            .write(|tx| tx.accounts().create(&account(ACCOUNT)))
            .err(),
        store
            .write(|tx| tx.users().create(&user(OTHER_ACCOUNT, "bob")))
            .err(),
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")).err(),
        store
            .write(|tx| tx.user_policies().delete(ACCOUNT, "alice", "p"))
            .err(),
        store
            .write(|tx| {
                tx.access_keys()
                    .create(&key(ACCOUNT, Some("alice"), "AKIAGENERATION000002"))
            })
            .err(),
        store
            .write(|tx| {
                tx.access_keys()
                    .delete(ACCOUNT, None, "AKIAGENERATION000002")
            })
            .err(),
    ];
    ensure!(
        failures.iter().all(Option::is_some),
        "a write expected to fail succeeded: {failures:?}"
    );
    ensure_eq!(store.generation()?, unchanged);
    // Reads do not bump it either.
    store.read(|tx| tx.accounts().list())?;
    store.read(|tx| tx.snapshot_source())?;
    ensure_eq!(store.generation()?, unchanged);
    Ok(())
}

pub(super) fn snapshot_source_reads_everything(store: &dyn Store) -> Result<(), Failure> {
    let empty = store.read(|tx| tx.snapshot_source())?;
    ensure_eq!(empty.generation, store.generation()?);
    ensure!(
        empty.accounts.is_empty()
            && empty.users.is_empty()
            && empty.groups.is_empty()
            && empty.roles.is_empty()
            && empty.role_policies.is_empty()
            && empty.managed_policies.is_empty()
            && empty.default_versions.is_empty()
            && empty.attachments.is_empty()
            && empty.access_keys.is_empty(),
        "a new store is not empty: {empty:?}"
    );

    let mut alice = account_with_user(store, "alice")?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut bob = user(OTHER_ACCOUNT, "Bob");
    bob.tags = vec![("team".to_owned(), "ops".to_owned())];
    store.write(|tx| tx.users().create(&bob))?;
    let zed = user(ACCOUNT, "zed");
    store.write(|tx| tx.users().create(&zed))?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "b", "{\"b\":1}"))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "alice", "A", "{\"a\":1}"))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(OTHER_ACCOUNT, "bob", "p", "{}"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(ACCOUNT, Some("alice"), "AKIASNAPSHOT00000002"))
    })?;
    store.write(|tx| {
        tx.access_keys()
            .create(&key(OTHER_ACCOUNT, None, "AKIASNAPSHOT00000001"))
    })?;
    let mut inactive = key(OTHER_ACCOUNT, Some("bob"), "AKIASNAPSHOT00000003");
    inactive.status = AccessKeyStatus::Inactive;
    store.write(|tx| tx.access_keys().create(&inactive))?;
    inactive.user_name = Some("Bob".to_owned());
    alice.tags.clear();

    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "Devs")))?;
    store.write(|tx| tx.groups().add_member(ACCOUNT, "devs", "ALICE"))?;
    store.write(|tx| {
        tx.group_policies()
            .put(&policy(ACCOUNT, "DEVS", "g", "{\"g\":1}"))
    })?;
    // Roles: by account then case-folded name, with tags and every field.
    let mut web = role(ACCOUNT, "/svc/", "web");
    web.tags = vec![
        ("z".to_owned(), "1".to_owned()),
        ("a".to_owned(), "2".to_owned()),
    ];
    web.description = Some("serves".to_owned());
    web.max_session_duration = 7_200;
    web.permissions_boundary = Some("arn:aws:iam::aws:policy/PowerUserAccess".to_owned());
    web.last_used = Some((1_700_000_500_000, "us-west-2".to_owned()));
    let batch = role(ACCOUNT, "/", "Batch");
    let other_role = role(OTHER_ACCOUNT, "/", "abc");
    for role in [&web, &other_role, &batch] {
        store.write(|tx| tx.roles().create(role))?;
    }
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "WEB", "r", "{\"r\":1}"))
    })?;
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "batch", "Q", "{\"q\":1}"))
    })?;
    // Managed policies: listed by ARN (upper case sorts first), not by name.
    let mut tagged = managed_policy(ACCOUNT, "/", "apolicy");
    tagged.tags = vec![
        ("b".to_owned(), "2".to_owned()),
        ("a".to_owned(), "1".to_owned()),
    ];
    let mut moved_on = managed_policy(ACCOUNT, "/", "Zpolicy");
    let elsewhere = managed_policy(OTHER_ACCOUNT, "/", "p");
    for policy in [&tagged, &moved_on, &elsewhere] {
        store.write(|tx| tx.managed_policies().create(policy, "{\"v\":1}"))?;
    }
    let v2 = store.write(|tx| {
        tx.managed_policies()
            .create_version(&moved_on.arn, "{\"v\":2}", true, 2_000)
    })?;
    store.write(|tx| {
        tx.managed_policies()
            .create_version(&tagged.arn, "{\"v\":2}", false, 2_000)
    })?;
    moved_on.default_version = 2;
    moved_on.update_date = 2_000;
    let first_version = |arn: &str, create_date: i64| PolicyVersionRecord {
        policy_arn: arn.to_owned(),
        version: 1,
        document: "{\"v\":1}".to_owned(),
        create_date,
    };
    // Attachments: by account, users, groups then roles, entity, then order of attachment.
    const AWS_MANAGED: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let attach = |account_id: &str, kind: Attachable, name: &str, arn: &str| {
        store.write(|tx| tx.managed_policies().attach(kind, account_id, name, arn))
    };
    attach(ACCOUNT, Attachable::Role, "web", &tagged.arn)?;
    attach(ACCOUNT, Attachable::Group, "devs", &tagged.arn)?;
    attach(ACCOUNT, Attachable::User, "zed", &tagged.arn)?;
    attach(ACCOUNT, Attachable::User, "alice", AWS_MANAGED)?;
    attach(ACCOUNT, Attachable::User, "alice", &tagged.arn)?;
    attach(OTHER_ACCOUNT, Attachable::User, "bob", AWS_MANAGED)?;
    let attachment = |account_id: &str, kind: Attachable, name: &str, arn: &str| Attachment {
        account_id: account_id.to_owned(),
        kind,
        entity_name: name.to_owned(),
        policy_arn: arn.to_owned(),
    };

    let snapshot = store.read(|tx| tx.snapshot_source())?;
    let expected = SnapshotSource {
        generation: store.generation()?,
        accounts: vec![account(ACCOUNT), account(OTHER_ACCOUNT)],
        users: vec![alice, zed, bob],
        user_policies: vec![
            policy(ACCOUNT, "alice", "A", "{\"a\":1}"),
            policy(ACCOUNT, "alice", "b", "{\"b\":1}"),
            policy(OTHER_ACCOUNT, "Bob", "p", "{}"),
        ],
        groups: vec![group(ACCOUNT, "/", "Devs")],
        group_policies: vec![policy(ACCOUNT, "Devs", "g", "{\"g\":1}")],
        memberships: vec![Membership {
            account_id: ACCOUNT.to_owned(),
            group_name: "Devs".to_owned(),
            user_name: "alice".to_owned(),
        }],
        roles: vec![batch, web, other_role],
        role_policies: vec![
            policy(ACCOUNT, "Batch", "Q", "{\"q\":1}"),
            policy(ACCOUNT, "web", "r", "{\"r\":1}"),
        ],
        managed_policies: vec![moved_on, tagged.clone(), elsewhere.clone()],
        default_versions: vec![
            v2,
            first_version(&tagged.arn, tagged.create_date),
            first_version(&elsewhere.arn, elsewhere.create_date),
        ],
        attachments: vec![
            attachment(ACCOUNT, Attachable::User, "alice", AWS_MANAGED),
            attachment(ACCOUNT, Attachable::User, "alice", &tagged.arn),
            attachment(ACCOUNT, Attachable::User, "zed", &tagged.arn),
            attachment(ACCOUNT, Attachable::Group, "Devs", &tagged.arn),
            attachment(ACCOUNT, Attachable::Role, "web", &tagged.arn),
            attachment(OTHER_ACCOUNT, Attachable::User, "Bob", AWS_MANAGED),
        ],
        access_keys: vec![
            key(OTHER_ACCOUNT, None, "AKIASNAPSHOT00000001"),
            key(ACCOUNT, Some("alice"), "AKIASNAPSHOT00000002"),
            inactive,
        ],
    };
    ensure_eq!(snapshot, expected);
    Ok(())
}

pub(super) fn concurrent_key_creation_respects_the_limit(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    let results = concurrently(8, |i| {
        store.write(|tx| {
            tx.access_keys().create(&key(
                ACCOUNT,
                Some("alice"),
                &format!("AKIACONCURRENT0000{i:02}"),
            ))
        })
    });
    let created = results.iter().filter(|r| r.is_ok()).count();
    ensure_eq!(created, 2);
    for result in &results {
        ensure!(
            matches!(result, Ok(()) | Err(StoreError::LimitExceeded(_))),
            "unexpected outcome {result:?}"
        );
    }
    ensure_eq!(
        store
            .read(|tx| tx.access_keys().list(ACCOUNT, Some("alice")))?
            .len(),
        2
    );
    Ok(())
}

pub(super) fn concurrent_user_creation_keeps_names_unique(
    store: &dyn Store,
) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let spellings = ["carol", "Carol", "CAROL", "cArOl", "caRol", "CARol"];
    let results = concurrently(spellings.len(), |i| {
        let name = spellings.get(i).copied().unwrap_or_default();
        store.write(|tx| tx.users().create(&user(ACCOUNT, name)))
    });
    ensure_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    for result in &results {
        ensure!(
            matches!(
                result,
                Ok(())
                    | Err(StoreError::AlreadyExists {
                        kind: EntityKind::User,
                        ..
                    })
            ),
            "unexpected outcome {result:?}"
        );
    }
    ensure!(
        store.read(|tx| tx.users().get(ACCOUNT, "CAROL"))?.is_some(),
        "no carol was stored"
    );
    Ok(())
}

pub(super) fn snapshot_generation_matches_its_data_under_writes(
    store: &dyn Store,
) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let base = store.generation()?;
    const WRITES: u64 = 40;
    let observations: Vec<Result<SnapshotSource, StoreError>> = thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), StoreError> {
            for n in 0..WRITES {
                store.write(|tx| tx.users().create(&user(ACCOUNT, &format!("writer{n:03}"))))?;
            }
            Ok(())
        });
        let mut seen = Vec::new();
        while !writer.is_finished() {
            seen.push(store.read(|tx| tx.snapshot_source()));
            thread::yield_now();
        }
        seen.push(
            writer
                .join()
                .unwrap_or_else(|_| Err(StoreError::Backend("writer thread panicked".to_owned())))
                .and_then(|()| store.read(|tx| tx.snapshot_source())),
        );
        seen
    });
    for observation in observations {
        let snapshot = observation?;
        let users = u64::try_from(snapshot.users.len()).unwrap_or(u64::MAX);
        ensure_eq!(snapshot.generation.saturating_sub(base), users);
    }
    ensure_eq!(store.generation()?.saturating_sub(base), WRITES);
    Ok(())
}
