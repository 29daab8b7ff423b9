//! Checks of customer managed policies, their versions and tags, their attachments to users
//! and groups, and permissions boundaries (roles: `roles.rs`).

use super::fixtures::{
    ACCOUNT, OTHER_ACCOUNT, account, account_with_user, group, managed_policy, user,
};
use super::tags::tag;
use super::{Failure, ensure_error};
use crate::{
    ATTACHED_POLICIES_PER_ENTITY, Attachable, Attachment, EntityKind, GroupUpdate,
    ManagedPolicyRecord, PolicyVersionRecord, Store, StoreError, StoreExt, TAGS_PER_RESOURCE,
    UserUpdate, VERSIONS_PER_POLICY,
};

/// An AWS managed policy: attached like any other, never stored.
pub(super) const AWS_MANAGED: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// A policy document distinguishable by `n`.
fn document(n: u32) -> String {
    format!("{{\"Version\":\"2012-10-17\",\"Statement\":[],\"Sid\":\"{n}\"}}")
}

/// Creates `policy` with [`document`] 1 and returns it.
fn create(store: &dyn Store, policy: ManagedPolicyRecord) -> Result<ManagedPolicyRecord, Failure> {
    store.write(|tx| tx.managed_policies().create(&policy, &document(1)))?;
    Ok(policy)
}

/// The stored policy of this ARN.
fn stored(store: &dyn Store, arn: &str) -> Result<ManagedPolicyRecord, Failure> {
    store
        .read(|tx| tx.managed_policies().get(arn))?
        .ok_or_else(|| Failure(format!("managed policy {arn} vanished")))
}

/// The version numbers of the policy, as listed.
fn version_numbers(store: &dyn Store, arn: &str) -> Result<Vec<u32>, Failure> {
    Ok(store
        .read(|tx| tx.managed_policies().list_versions(arn))?
        .into_iter()
        .map(|version| version.version)
        .collect())
}

/// The ARNs attached to the user or group, in order.
fn attached(store: &dyn Store, kind: Attachable, name: &str) -> Result<Vec<String>, Failure> {
    Ok(store.read(|tx| tx.managed_policies().attached(kind, ACCOUNT, name))?)
}

/// Attaches `arn` to the entity of the main account.
pub(super) fn attach(
    store: &dyn Store,
    kind: Attachable,
    name: &str,
    arn: &str,
) -> Result<(), Failure> {
    Ok(store.write(|tx| tx.managed_policies().attach(kind, ACCOUNT, name, arn))?)
}

/// Detaches `arn` from the entity of the main account.
pub(super) fn detach(
    store: &dyn Store,
    kind: Attachable,
    name: &str,
    arn: &str,
) -> Result<(), Failure> {
    Ok(store.write(|tx| tx.managed_policies().detach(kind, ACCOUNT, name, arn))?)
}

/// An attachment of the main account.
pub(super) fn attachment(kind: Attachable, entity_name: &str, policy_arn: &str) -> Attachment {
    Attachment {
        account_id: ACCOUNT.to_owned(),
        kind,
        entity_name: entity_name.to_owned(),
        policy_arn: policy_arn.to_owned(),
    }
}

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut dev = managed_policy(ACCOUNT, "/eng/", "dev");
    dev.description = Some("for developers".to_owned());
    dev.tags = vec![tag("team", "core"), tag("Cost", "")];
    let dev = create(store, dev)?;
    let admin = create(store, managed_policy(ACCOUNT, "/", "Admin"))?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get(&admin.arn))?,
        Some(admin.clone())
    );
    ensure_eq!(stored(store, &dev.arn)?, dev);
    // ARNs match exactly.
    let shouting = admin.arn.replace("Admin", "ADMIN");
    ensure_eq!(store.read(|tx| tx.managed_policies().get(&shouting))?, None);
    ensure_eq!(
        store.read(|tx| tx.managed_policies().list(ACCOUNT))?,
        vec![admin.clone(), dev.clone()]
    );
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get_version(&dev.arn, 1))?,
        Some(PolicyVersionRecord {
            policy_arn: dev.arn.clone(),
            version: 1,
            document: document(1),
            create_date: dev.create_date,
        })
    );
    ensure_eq!(version_numbers(store, &dev.arn)?, vec![1]);

    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .create(&managed_policy(ACCOUNT, "/other/", "ADMIN"), "{}")
        }),
        &StoreError::already_exists(EntityKind::ManagedPolicy, "ADMIN"),
        "a policy name taken in another case and path",
    )?;
    let mut same_id = managed_policy(ACCOUNT, "/", "Other");
    same_id.policy_id.clone_from(&admin.policy_id);
    ensure_error(
        store.write(|tx| tx.managed_policies().create(&same_id, "{}")),
        &StoreError::already_exists(EntityKind::ManagedPolicy, &admin.policy_id),
        "a taken policy id",
    )?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    same_id.account_id = OTHER_ACCOUNT.to_owned();
    same_id.arn = format!("arn:aws:iam::{OTHER_ACCOUNT}:policy/Other");
    ensure_error(
        store.write(|tx| tx.managed_policies().create(&same_id, "{}")),
        &StoreError::already_exists(EntityKind::ManagedPolicy, &admin.policy_id),
        "a policy id taken in another account",
    )?;
    let mut same_arn = managed_policy(OTHER_ACCOUNT, "/", "Third");
    same_arn.arn.clone_from(&admin.arn);
    ensure_error(
        store.write(|tx| tx.managed_policies().create(&same_arn, "{}")),
        &StoreError::already_exists(EntityKind::ManagedPolicy, &admin.arn),
        "a taken ARN",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .create(&managed_policy("999988887777", "/", "p"), "{}")
        }),
        &StoreError::not_found(EntityKind::Account, "999988887777"),
        "a policy in a missing account",
    )?;
    // The same name in another account is another policy.
    let elsewhere = create(store, managed_policy(OTHER_ACCOUNT, "/", "Admin"))?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().list(OTHER_ACCOUNT))?,
        vec![elsewhere]
    );
    ensure_eq!(
        store.read(|tx| tx.managed_policies().list(ACCOUNT))?,
        vec![admin, dev]
    );
    Ok(())
}

pub(super) fn versions(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let policy = create(store, managed_policy(ACCOUNT, "/", "p"))?;
    let arn = policy.arn.as_str();
    let version = |n: u32, create_date: i64| PolicyVersionRecord {
        policy_arn: arn.to_owned(),
        version: n,
        document: document(n),
        create_date,
    };

    let v2 = store.write(|tx| {
        tx.managed_policies()
            .create_version(arn, &document(2), false, 2_000)
    })?;
    ensure_eq!(v2, version(2, 2_000));
    // Not made the default: the policy is unchanged.
    ensure_eq!(stored(store, arn)?, policy);
    let v3 = store.write(|tx| {
        tx.managed_policies()
            .create_version(arn, &document(3), true, 3_000)
    })?;
    ensure_eq!(v3, version(3, 3_000));
    let current = stored(store, arn)?;
    ensure_eq!((current.default_version, current.update_date), (3, 3_000));
    ensure_eq!(current.create_date, policy.create_date);
    ensure_eq!(version_numbers(store, arn)?, vec![3, 2, 1]);
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get_version(arn, 2))?,
        Some(version(2, 2_000))
    );

    ensure_error(
        store.write(|tx| tx.managed_policies().delete_version(arn, 3)),
        &StoreError::default_version_in_use(),
        "deleting the default version",
    )?;
    store.write(|tx| tx.managed_policies().delete_version(arn, 2))?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get_version(arn, 2))?,
        None
    );
    ensure_error(
        store.write(|tx| tx.managed_policies().delete_version(arn, 2)),
        &StoreError::not_found(EntityKind::PolicyVersion, "v2"),
        "deleting a deleted version",
    )?;
    // Numbers are never reused, not even the highest one's after it is deleted.
    let v4 = store.write(|tx| {
        tx.managed_policies()
            .create_version(arn, &document(4), false, 4_000)
    })?;
    ensure_eq!(v4.version, 4);
    store.write(|tx| tx.managed_policies().delete_version(arn, 4))?;
    for n in 5..=7 {
        let created = store.write(|tx| {
            tx.managed_policies()
                .create_version(arn, &document(n), false, i64::from(n) * 1_000)
        })?;
        ensure_eq!(created, version(n, i64::from(n) * 1_000));
    }
    ensure_eq!(version_numbers(store, arn)?, vec![7, 6, 5, 3, 1]);
    ensure_eq!(version_numbers(store, arn)?.len(), VERSIONS_PER_POLICY);
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .create_version(arn, &document(8), true, 8_000)
        }),
        &StoreError::policy_version_quota_exceeded(),
        "a sixth version",
    )?;
    ensure_eq!(version_numbers(store, arn)?, vec![7, 6, 5, 3, 1]);
    ensure_eq!(stored(store, arn)?.default_version, 3);

    store.write(|tx| tx.managed_policies().set_default_version(arn, 1, 9_000))?;
    let current = stored(store, arn)?;
    ensure_eq!((current.default_version, current.update_date), (1, 9_000));
    store.write(|tx| tx.managed_policies().delete_version(arn, 3))?;
    ensure_error(
        store.write(|tx| tx.managed_policies().set_default_version(arn, 3, 10_000)),
        &StoreError::not_found(EntityKind::PolicyVersion, "v3"),
        "making a deleted version the default",
    )?;
    ensure_eq!(stored(store, arn)?.update_date, 9_000);

    let missing = format!("arn:aws:iam::{ACCOUNT}:policy/missing");
    let not_found = StoreError::not_found(EntityKind::ManagedPolicy, &missing);
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .create_version(&missing, "{}", true, 1)
        }),
        &not_found,
        "a version of a missing policy",
    )?;
    ensure_error(
        store.read(|tx| tx.managed_policies().list_versions(&missing)),
        &not_found,
        "the versions of a missing policy",
    )?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete_version(&missing, 1)),
        &not_found,
        "deleting a version of a missing policy",
    )?;
    ensure_error(
        store.write(|tx| tx.managed_policies().set_default_version(&missing, 1, 1)),
        &not_found,
        "the default version of a missing policy",
    )?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get_version(&missing, 1))?,
        None
    );
    Ok(())
}

pub(super) fn delete_conflicts(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    let mut tagged = managed_policy(ACCOUNT, "/", "p");
    tagged.tags = vec![tag("k", "v")];
    let policy = create(store, tagged)?;
    let arn = policy.arn.as_str();

    attach(store, Attachable::User, "alice", arn)?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::policy_in_use(),
        "deleting a policy attached to a user",
    )?;
    detach(store, Attachable::User, "alice", arn)?;
    attach(store, Attachable::Group, "devs", arn)?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::policy_in_use(),
        "deleting a policy attached to a group",
    )?;
    detach(store, Attachable::Group, "devs", arn)?;
    store.write(|tx| {
        tx.users()
            .set_permissions_boundary(ACCOUNT, "alice", Some(arn))
    })?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::policy_in_use(),
        "deleting a policy used as a permissions boundary",
    )?;
    store.write(|tx| tx.users().set_permissions_boundary(ACCOUNT, "alice", None))?;
    store.write(|tx| {
        tx.managed_policies()
            .create_version(arn, &document(2), true, 2_000)
    })?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::policy_has_versions(),
        "deleting a policy with versions besides the default",
    )?;
    ensure_eq!(version_numbers(store, arn)?, vec![2, 1]);
    store.write(|tx| tx.managed_policies().delete_version(arn, 1))?;
    store.write(|tx| tx.managed_policies().delete(arn))?;
    ensure_eq!(store.read(|tx| tx.managed_policies().get(arn))?, None);
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get_version(arn, 2))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.managed_policies().list(ACCOUNT))?,
        vec![]
    );
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::not_found(EntityKind::ManagedPolicy, arn),
        "deleting a deleted policy",
    )?;
    // Its versions and tags went with it: a new policy of the same name starts afresh.
    let again = create(store, managed_policy(ACCOUNT, "/", "p"))?;
    ensure_eq!(stored(store, arn)?, again);
    ensure_eq!(version_numbers(store, arn)?, vec![1]);
    Ok(())
}

pub(super) fn tags_merge_case_insensitively(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut policy = managed_policy(ACCOUNT, "/", "p");
    policy.tags = vec![tag("Dept", "a"), tag("env", "x")];
    let policy = create(store, policy)?;
    let arn = policy.arn.as_str();
    store.write(|tx| {
        tx.managed_policies()
            .tag(arn, &[tag("dept", "b"), tag("new", "n")])
    })?;
    ensure_eq!(
        stored(store, arn)?.tags,
        vec![tag("dept", "b"), tag("env", "x"), tag("new", "n")]
    );
    store.write(|tx| {
        tx.managed_policies()
            .untag(arn, &["DEPT".to_owned(), "missing".to_owned()])
    })?;
    ensure_eq!(
        stored(store, arn)?.tags,
        vec![tag("env", "x"), tag("new", "n")]
    );
    store.write(|tx| tx.managed_policies().tag(arn, &[]))?;
    store.write(|tx| tx.managed_policies().untag(arn, &[]))?;
    ensure_eq!(stored(store, arn)?.tags.len(), 2);
    let missing = format!("arn:aws:iam::{ACCOUNT}:policy/missing");
    ensure_error(
        store.write(|tx| tx.managed_policies().tag(&missing, &[tag("k", "v")])),
        &StoreError::not_found(EntityKind::ManagedPolicy, &missing),
        "tagging a missing policy",
    )?;
    ensure_error(
        store.write(|tx| tx.managed_policies().untag(&missing, &["k".to_owned()])),
        &StoreError::not_found(EntityKind::ManagedPolicy, &missing),
        "untagging a missing policy",
    )?;
    Ok(())
}

pub(super) fn tags_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut policy = managed_policy(ACCOUNT, "/", "p");
    policy.tags = (1..TAGS_PER_RESOURCE)
        .map(|n| tag(&format!("key{n}"), "v"))
        .collect();
    let policy = create(store, policy)?;
    let arn = policy.arn.as_str();
    let quota = StoreError::tag_quota_exceeded(EntityKind::ManagedPolicy);
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .tag(arn, &[tag("one", "1"), tag("two", "2")])
        }),
        &quota,
        "exceeding the tag quota",
    )?;
    ensure_eq!(stored(store, arn)?.tags, policy.tags);
    // Replacing an existing key does not count as a new tag.
    store.write(|tx| {
        tx.managed_policies()
            .tag(arn, &[tag("KEY1", "w"), tag("one", "1")])
    })?;
    let tags = stored(store, arn)?.tags;
    ensure_eq!(tags.len(), TAGS_PER_RESOURCE);
    ensure_eq!(tags.first(), Some(&tag("KEY1", "w")));
    ensure_error(
        store.write(|tx| tx.managed_policies().tag(arn, &[tag("two", "2")])),
        &quota,
        "a 51st tag",
    )?;
    Ok(())
}

/// The quota and order of one entity's attachments; `name` exists, `missing` does not.
pub(super) fn check_attachments(
    store: &dyn Store,
    kind: Attachable,
    name: &str,
    missing_kind: EntityKind,
) -> Result<(), Failure> {
    let arn = |n: usize| format!("arn:aws:iam::{ACCOUNT}:policy/p{n:02}");
    // The AWS managed policy first, then customer ones (whose ARNs sort before it).
    attach(store, kind, name, AWS_MANAGED)?;
    attach(store, kind, &name.to_ascii_uppercase(), AWS_MANAGED)?;
    ensure_eq!(attached(store, kind, name)?, vec![AWS_MANAGED.to_owned()]);
    for n in 1..ATTACHED_POLICIES_PER_ENTITY {
        attach(store, kind, name, &arn(n))?;
    }
    let mut expected: Vec<String> = std::iter::once(AWS_MANAGED.to_owned())
        .chain((1..ATTACHED_POLICIES_PER_ENTITY).map(arn))
        .collect();
    ensure_eq!(attached(store, kind, name)?, expected);
    // Attaching again at the quota is not a new attachment.
    attach(store, kind, name, &arn(3))?;
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .attach(kind, ACCOUNT, name, &arn(ATTACHED_POLICIES_PER_ENTITY))
        }),
        &StoreError::attached_policy_quota_exceeded(kind),
        "one attached policy too many",
    )?;
    ensure_eq!(attached(store, kind, name)?, expected);
    detach(store, kind, name, &arn(3))?;
    attach(store, kind, name, &arn(3))?;
    expected.retain(|existing| *existing != arn(3));
    expected.push(arn(3));
    ensure_eq!(attached(store, kind, name)?, expected);
    detach(store, kind, name, AWS_MANAGED)?;
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .detach(kind, ACCOUNT, name, AWS_MANAGED)
        }),
        &StoreError::not_found(EntityKind::ManagedPolicy, AWS_MANAGED),
        "detaching a policy that is not attached",
    )?;
    attach(store, kind, name, &arn(ATTACHED_POLICIES_PER_ENTITY))?;
    expected.retain(|existing| existing != AWS_MANAGED);
    expected.push(arn(ATTACHED_POLICIES_PER_ENTITY));
    ensure_eq!(attached(store, kind, name)?, expected);

    let not_found = StoreError::not_found(missing_kind, "nobody");
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .attach(kind, ACCOUNT, "nobody", AWS_MANAGED)
        }),
        &not_found,
        "attaching to a missing entity",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.managed_policies()
                .detach(kind, ACCOUNT, "nobody", AWS_MANAGED)
        }),
        &not_found,
        "detaching from a missing entity",
    )?;
    ensure_error(
        store.read(|tx| tx.managed_policies().attached(kind, ACCOUNT, "nobody")),
        &not_found,
        "the policies of a missing entity",
    )?;
    Ok(())
}

pub(super) fn attach_detach_and_quota(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    // A user and a group of the same name have their own attachments.
    store.write(|tx| tx.users().create(&user(ACCOUNT, "devs")))?;
    check_attachments(store, Attachable::User, "alice", EntityKind::User)?;
    ensure_eq!(
        attached(store, Attachable::Group, "devs")?,
        Vec::<String>::new()
    );
    ensure_eq!(
        attached(store, Attachable::User, "devs")?,
        Vec::<String>::new()
    );
    check_attachments(store, Attachable::Group, "devs", EntityKind::Group)?;
    ensure_eq!(
        attached(store, Attachable::User, "devs")?,
        Vec::<String>::new()
    );
    // Attached without being stored.
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get(AWS_MANAGED))?,
        None
    );
    Ok(())
}

pub(super) fn attachments_follow_renames(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    let policy = create(store, managed_policy(ACCOUNT, "/", "p"))?;
    for arn in [policy.arn.as_str(), AWS_MANAGED] {
        attach(store, Attachable::User, "alice", arn)?;
        attach(store, Attachable::Group, "devs", arn)?;
    }
    store.write(|tx| {
        tx.users().update(
            ACCOUNT,
            "alice",
            &UserUpdate {
                user_name: "Alicia".to_owned(),
                path: "/".to_owned(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/Alicia"),
            },
        )
    })?;
    store.write(|tx| {
        tx.groups().update(
            ACCOUNT,
            "devs",
            &GroupUpdate {
                group_name: "Builders".to_owned(),
                path: "/eng/".to_owned(),
                arn: format!("arn:aws:iam::{ACCOUNT}:group/eng/Builders"),
            },
        )
    })?;
    let both = vec![policy.arn.clone(), AWS_MANAGED.to_owned()];
    ensure_eq!(attached(store, Attachable::User, "alicia")?, both);
    ensure_eq!(attached(store, Attachable::Group, "builders")?, both);
    ensure_eq!(
        store.read(|tx| tx.managed_policies().entities(ACCOUNT, &policy.arn))?,
        vec![
            attachment(Attachable::User, "Alicia", &policy.arn),
            attachment(Attachable::Group, "Builders", &policy.arn),
        ]
    );
    // A new entity under an old name has nothing attached.
    let mut newcomer = user(ACCOUNT, "alice");
    newcomer.user_id = "AIDANEWCOMER00000001".to_owned();
    store.write(|tx| tx.users().create(&newcomer))?;
    ensure_eq!(
        attached(store, Attachable::User, "alice")?,
        Vec::<String>::new()
    );
    Ok(())
}

pub(super) fn attachments_block_entity_deletion(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    attach(store, Attachable::User, "alice", AWS_MANAGED)?;
    attach(store, Attachable::Group, "devs", AWS_MANAGED)?;
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")),
        &StoreError::has_attached_policies(),
        "deleting a user with attached policies",
    )?;
    ensure_error(
        store.write(|tx| tx.groups().delete(ACCOUNT, "devs")),
        &StoreError::has_attached_policies(),
        "deleting a group with attached policies",
    )?;
    detach(store, Attachable::User, "ALICE", AWS_MANAGED)?;
    detach(store, Attachable::Group, "DEVS", AWS_MANAGED)?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alice"))?;
    store.write(|tx| tx.groups().delete(ACCOUNT, "devs"))?;
    ensure_eq!(store.read(|tx| tx.users().get(ACCOUNT, "alice"))?, None);
    ensure_eq!(store.read(|tx| tx.groups().get(ACCOUNT, "devs"))?, None);
    Ok(())
}

pub(super) fn entities_and_boundary_usage(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "bob")?;
    for name in ["carol", "Alice"] {
        store.write(|tx| tx.users().create(&user(ACCOUNT, name)))?;
    }
    for name in ["Zeta", "alpha"] {
        store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", name)))?;
    }
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    store.write(|tx| tx.users().create(&user(OTHER_ACCOUNT, "alice")))?;
    let p = create(store, managed_policy(ACCOUNT, "/", "p"))?.arn;
    let q = create(store, managed_policy(ACCOUNT, "/", "q"))?.arn;

    attach(store, Attachable::Group, "zeta", &p)?;
    attach(store, Attachable::User, "carol", &p)?;
    attach(store, Attachable::Group, "alpha", &p)?;
    attach(store, Attachable::User, "alice", &p)?;
    attach(store, Attachable::User, "bob", &q)?;
    store.write(|tx| {
        tx.managed_policies()
            .attach(Attachable::User, OTHER_ACCOUNT, "alice", &p)
    })?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().entities(ACCOUNT, &p))?,
        vec![
            attachment(Attachable::User, "Alice", &p),
            attachment(Attachable::User, "carol", &p),
            attachment(Attachable::Group, "alpha", &p),
            attachment(Attachable::Group, "Zeta", &p),
        ]
    );
    ensure_eq!(
        store.read(|tx| tx.managed_policies().entities(ACCOUNT, &q))?,
        vec![attachment(Attachable::User, "bob", &q)]
    );
    ensure_eq!(
        store.read(|tx| tx.managed_policies().entities(ACCOUNT, AWS_MANAGED))?,
        vec![]
    );

    let usage = |account_id: &str, arn: &str| -> Result<usize, Failure> {
        Ok(store.read(|tx| tx.managed_policies().boundary_usage(account_id, arn))?)
    };
    ensure_eq!(usage(ACCOUNT, &p)?, 0);
    for (account_id, name, boundary) in [
        (ACCOUNT, "alice", &p),
        (ACCOUNT, "BOB", &p),
        (ACCOUNT, "carol", &q),
        (OTHER_ACCOUNT, "alice", &p),
    ] {
        store.write(|tx| {
            tx.users()
                .set_permissions_boundary(account_id, name, Some(boundary))
        })?;
    }
    ensure_eq!(usage(ACCOUNT, &p)?, 2);
    ensure_eq!(usage(ACCOUNT, &q)?, 1);
    ensure_eq!(usage(OTHER_ACCOUNT, &p)?, 1);
    ensure_eq!(usage(ACCOUNT, AWS_MANAGED)?, 0);
    store.write(|tx| tx.users().set_permissions_boundary(ACCOUNT, "bob", None))?;
    ensure_eq!(usage(ACCOUNT, &p)?, 1);
    Ok(())
}

pub(super) fn set_permissions_boundary(store: &dyn Store) -> Result<(), Failure> {
    let mut alice = account_with_user(store, "Alice")?;
    alice.tags = vec![tag("k", "v")];
    store.write(|tx| tx.users().tag(ACCOUNT, "alice", &alice.tags))?;
    // The store does not check that the policy exists.
    let boundary = format!("arn:aws:iam::{ACCOUNT}:policy/not-stored");
    store.write(|tx| {
        tx.users()
            .set_permissions_boundary(ACCOUNT, "ALICE", Some(&boundary))
    })?;
    alice.permissions_boundary = Some(boundary);
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?,
        Some(alice.clone())
    );
    store.write(|tx| {
        tx.users()
            .set_permissions_boundary(ACCOUNT, "alice", Some(AWS_MANAGED))
    })?;
    alice.permissions_boundary = Some(AWS_MANAGED.to_owned());
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?,
        Some(alice.clone())
    );
    store.write(|tx| tx.users().set_permissions_boundary(ACCOUNT, "alice", None))?;
    alice.permissions_boundary = None;
    ensure_eq!(
        store.read(|tx| tx.users().get(ACCOUNT, "alice"))?,
        Some(alice)
    );
    ensure_error(
        store.write(|tx| {
            tx.users()
                .set_permissions_boundary(ACCOUNT, "nobody", Some(AWS_MANAGED))
        }),
        &StoreError::not_found(EntityKind::User, "nobody"),
        "the boundary of a missing user",
    )?;
    Ok(())
}
