//! Checks of roles, their tags and inline policies, and of managed policies attached to
//! roles or bounding them.

use super::fixtures::{
    ACCOUNT, OTHER_ACCOUNT, account, account_with_user, group, managed_policy, policy, role, user,
};
use super::managed_policies::{AWS_MANAGED, attach, attachment, check_attachments, detach};
use super::tags::{Taggable, check_tags_merge_and_are_limited, tag};
use super::{Failure, ensure_error};
use crate::{
    Attachable, EntityKind, PageRequest, RoleRecord, RoleUpdate, Store, StoreError, StoreExt, Tx,
};

/// A trust policy letting Lambda assume a role.
const TRUST_LAMBDA: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Creates the main account and a role in it at `/`.
fn account_with_role(store: &dyn Store, role_name: &str) -> Result<RoleRecord, Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let record = role(ACCOUNT, "/", role_name);
    store.write(|tx| tx.roles().create(&record))?;
    Ok(record)
}

/// The stored role of the main account.
fn stored(store: &dyn Store, role_name: &str) -> Result<RoleRecord, Failure> {
    store
        .read(|tx| tx.roles().get(ACCOUNT, role_name))?
        .ok_or_else(|| Failure(format!("role {role_name} vanished")))
}

/// One page of names (of the main account's roles or instance profiles) and its marker.
pub(super) type Names = (Vec<String>, Option<String>);

/// Lists one page of the names of one kind of entity of the main account under a path
/// prefix.
pub(super) type Lister = fn(&dyn Tx, Option<&str>, &PageRequest) -> Result<Names, StoreError>;

/// The (path, name) of the entities [`check_listing`] expects, besides `WebServer` at
/// `/service/`.
pub(super) const LISTED: [(&str, &str); 4] = [
    ("/", "batch"),
    ("/service/", "api"),
    ("/services/", "Cron"),
    ("/", "Deploy"),
];

/// The names of the main account's roles.
const ROLE_NAMES: Lister = |tx, prefix, page| {
    let page = tx.roles().list(ACCOUNT, prefix, page)?;
    let names = page.items.into_iter().map(|role| role.role_name).collect();
    Ok((names, page.next_marker))
};

/// Checks paging in case-folded name order, and byte-wise path prefixes, over the main
/// account's entities: [`LISTED`] and `WebServer` at `/service/`.
pub(super) fn check_listing(store: &dyn Store, list: Lister) -> Result<(), Failure> {
    let listed = |prefix: Option<&str>, page: &PageRequest| -> Result<Names, Failure> {
        Ok(store.read(|tx| list(tx, prefix, page))?)
    };
    // Pages of two, in case-folded name order.
    let mut seen = Vec::new();
    let mut request = PageRequest::first(2);
    let mut pages = 0;
    loop {
        let (names, marker) = listed(None, &request)?;
        pages += 1;
        ensure!(names.len() <= 2, "page {pages} has {} items", names.len());
        seen.extend(names);
        match marker {
            Some(marker) => request.marker = Some(marker),
            None => break,
        }
        ensure!(pages < 10, "pagination does not terminate");
    }
    ensure_eq!(pages, 3);
    ensure_eq!(seen, ["api", "batch", "Cron", "Deploy", "WebServer"]);
    // An exactly full page is not truncated; zero is treated as one.
    ensure_eq!(listed(None, &PageRequest::first(5))?.1, None);
    ensure_eq!(listed(None, &PageRequest::first(0))?.0, ["api"]);

    // Path prefixes match byte-wise and case-sensitively.
    ensure_eq!(
        listed(Some("/service/"), &PageRequest::first(10))?,
        (vec!["api".to_owned(), "WebServer".to_owned()], None)
    );
    ensure_eq!(
        listed(Some("/service"), &PageRequest::first(10))?.0,
        ["api", "Cron", "WebServer"]
    );
    ensure_eq!(
        listed(Some("/SERVICE/"), &PageRequest::first(10))?.0,
        Vec::<String>::new()
    );
    let first = listed(Some("/service"), &PageRequest::first(2))?;
    ensure_eq!(first.0, ["api", "Cron"]);
    let rest = listed(
        Some("/service"),
        &PageRequest {
            marker: first.1,
            max_items: 2,
        },
    )?;
    ensure_eq!(rest, (vec!["WebServer".to_owned()], None));
    Ok(())
}

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut web = role(ACCOUNT, "/service/", "WebServer");
    web.description = Some("serves the web".to_owned());
    web.max_session_duration = 7_200;
    web.permissions_boundary = Some(AWS_MANAGED.to_owned());
    web.tags = vec![tag("team", "web"), tag("Cost", "")];
    web.assume_role_policy_document = TRUST_LAMBDA.to_owned();
    web.last_used = Some((1_700_000_100_000, "eu-west-1".to_owned()));
    for (path, name) in LISTED {
        store.write(|tx| tx.roles().create(&role(ACCOUNT, path, name)))?;
    }
    store.write(|tx| tx.roles().create(&web))?;
    store.write(|tx| tx.roles().create(&role(OTHER_ACCOUNT, "/", "aaron")))?;

    // Lookups are case-insensitive and return the role as created, tags included.
    ensure_eq!(
        store.read(|tx| tx.roles().get(ACCOUNT, "webserver"))?,
        Some(web.clone())
    );
    ensure_eq!(stored(store, "WEBSERVER")?, web);
    ensure_eq!(stored(store, "api")?, role(ACCOUNT, "/service/", "api"));
    ensure_eq!(store.read(|tx| tx.roles().get(ACCOUNT, "aaron"))?, None);
    ensure_eq!(store.read(|tx| tx.roles().get(OTHER_ACCOUNT, "api"))?, None);

    let all = store.read(|tx| tx.roles().list(ACCOUNT, None, &PageRequest::first(100)))?;
    let names: Vec<&str> = all.items.iter().map(|r| r.role_name.as_str()).collect();
    ensure_eq!(names, ["api", "batch", "Cron", "Deploy", "WebServer"]);
    ensure_eq!(all.next_marker, None);
    ensure_eq!(all.items.last(), Some(&web));

    check_listing(store, ROLE_NAMES)?;
    ensure_eq!(
        store
            .read(|tx| tx
                .roles()
                .list("999988887777", None, &PageRequest::first(10)))?
            .items,
        Vec::new()
    );

    ensure_error(
        store.write(|tx| tx.roles().create(&role("999988887777", "/", "r"))),
        &StoreError::not_found(EntityKind::Account, "999988887777"),
        "a role in a missing account",
    )?;
    Ok(())
}

pub(super) fn unique_case_insensitively_and_by_id(store: &dyn Store) -> Result<(), Failure> {
    let deploy = account_with_role(store, "Deploy")?;
    let mut shouting = role(ACCOUNT, "/other/", "DEPLOY");
    shouting.role_id = "AROAOTHERROLEID000001".to_owned();
    ensure_error(
        store.write(|tx| tx.roles().create(&shouting)),
        &StoreError::already_exists(EntityKind::Role, "DEPLOY"),
        "a role name taken in another case and path",
    )?;
    let mut same_id = role(ACCOUNT, "/", "other");
    same_id.role_id.clone_from(&deploy.role_id);
    ensure_error(
        store.write(|tx| tx.roles().create(&same_id)),
        &StoreError::already_exists(EntityKind::Role, &deploy.role_id),
        "a taken role id",
    )?;
    // Role ids are unique across accounts; names only within one.
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut elsewhere = role(OTHER_ACCOUNT, "/", "deploy");
    let fresh_id = elsewhere.role_id.clone();
    elsewhere.role_id.clone_from(&deploy.role_id);
    ensure_error(
        store.write(|tx| tx.roles().create(&elsewhere)),
        &StoreError::already_exists(EntityKind::Role, &deploy.role_id),
        "a role id taken in another account",
    )?;
    elsewhere.role_id = fresh_id;
    store.write(|tx| tx.roles().create(&elsewhere))?;
    ensure_eq!(stored(store, "deploy")?, deploy);
    ensure_eq!(
        store.read(|tx| tx.roles().get(OTHER_ACCOUNT, "DEPLOY"))?,
        Some(elsewhere)
    );
    // A user, a group and a role may share a name.
    store.write(|tx| tx.users().create(&user(ACCOUNT, "deploy")))?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "deploy")))?;
    ensure_eq!(stored(store, "deploy")?, deploy);
    Ok(())
}

pub(super) fn update_description_and_session_duration(store: &dyn Store) -> Result<(), Failure> {
    let mut deploy = account_with_role(store, "Deploy")?;
    let update = |description: Option<&str>, duration: Option<i32>| RoleUpdate {
        description: description.map(str::to_owned),
        max_session_duration: duration,
    };
    let before = store.generation()?;
    let updated = store.write(|tx| {
        tx.roles()
            .update(ACCOUNT, "DEPLOY", &update(Some("ships it"), None))
    })?;
    deploy.description = Some("ships it".to_owned());
    ensure_eq!(updated, deploy);
    ensure!(
        store.generation()? > before,
        "update_role did not bump the generation"
    );
    let updated = store.write(|tx| {
        tx.roles()
            .update(ACCOUNT, "deploy", &update(None, Some(43_200)))
    })?;
    deploy.max_session_duration = 43_200;
    ensure_eq!(updated, deploy);
    // Neither: nothing changes.
    let updated = store.write(|tx| tx.roles().update(ACCOUNT, "deploy", &update(None, None)))?;
    ensure_eq!(updated, deploy);
    // Both at once; then an empty description clears it.
    let updated = store.write(|tx| {
        tx.roles()
            .update(ACCOUNT, "deploy", &update(Some("new"), Some(3_600)))
    })?;
    deploy.description = Some("new".to_owned());
    deploy.max_session_duration = 3_600;
    ensure_eq!(updated, deploy);
    let updated = store.write(|tx| {
        tx.roles()
            .update(ACCOUNT, "deploy", &update(Some(""), None))
    })?;
    deploy.description = None;
    ensure_eq!(updated, deploy);
    ensure_eq!(stored(store, "deploy")?, deploy);
    ensure_error(
        store.write(|tx| {
            tx.roles()
                .update(ACCOUNT, "nobody", &update(Some("x"), None))
        }),
        &StoreError::not_found(EntityKind::Role, "nobody"),
        "updating a missing role",
    )?;
    Ok(())
}

pub(super) fn trust_policy_boundary_and_last_use(store: &dyn Store) -> Result<(), Failure> {
    let mut deploy = account_with_role(store, "Deploy")?;
    deploy.tags = vec![tag("k", "v")];
    store.write(|tx| tx.roles().tag(ACCOUNT, "deploy", &deploy.tags))?;

    store.write(|tx| tx.roles().set_trust_policy(ACCOUNT, "DEPLOY", TRUST_LAMBDA))?;
    deploy.assume_role_policy_document = TRUST_LAMBDA.to_owned();
    ensure_eq!(stored(store, "deploy")?, deploy);

    // The store does not check that the policy exists.
    let boundary = format!("arn:aws:iam::{ACCOUNT}:policy/not-stored");
    store.write(|tx| {
        tx.roles()
            .set_permissions_boundary(ACCOUNT, "deploy", Some(&boundary))
    })?;
    deploy.permissions_boundary = Some(boundary);
    ensure_eq!(stored(store, "deploy")?, deploy);
    store.write(|tx| {
        tx.roles()
            .set_permissions_boundary(ACCOUNT, "Deploy", Some(AWS_MANAGED))
    })?;
    deploy.permissions_boundary = Some(AWS_MANAGED.to_owned());
    ensure_eq!(stored(store, "deploy")?, deploy);
    store.write(|tx| tx.roles().set_permissions_boundary(ACCOUNT, "deploy", None))?;
    deploy.permissions_boundary = None;
    ensure_eq!(stored(store, "deploy")?, deploy);

    store.write(|tx| {
        tx.roles()
            .record_use(ACCOUNT, "deploy", 1_700_000_200_000, "us-east-1")
    })?;
    deploy.last_used = Some((1_700_000_200_000, "us-east-1".to_owned()));
    ensure_eq!(stored(store, "deploy")?, deploy);
    store.write(|tx| {
        tx.roles()
            .record_use(ACCOUNT, "DEPLOY", 1_700_000_300_000, "eu-central-1")
    })?;
    deploy.last_used = Some((1_700_000_300_000, "eu-central-1".to_owned()));
    ensure_eq!(stored(store, "deploy")?, deploy);

    let not_found = StoreError::not_found(EntityKind::Role, "nobody");
    ensure_error(
        store.write(|tx| tx.roles().set_trust_policy(ACCOUNT, "nobody", TRUST_LAMBDA)),
        &not_found,
        "the trust policy of a missing role",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.roles()
                .set_permissions_boundary(ACCOUNT, "nobody", Some(AWS_MANAGED))
        }),
        &not_found,
        "the boundary of a missing role",
    )?;
    ensure_error(
        store.write(|tx| tx.roles().record_use(ACCOUNT, "nobody", 1, "us-east-1")),
        &not_found,
        "the use of a missing role",
    )?;
    Ok(())
}

/// The tag operations of roles.
const ROLE_TAGS: Taggable = Taggable {
    kind: EntityKind::Role,
    tag: |tx, name, tags| tx.roles().tag(ACCOUNT, name, tags),
    untag: |tx, name, keys| tx.roles().untag(ACCOUNT, name, keys),
    tags: |tx, name| Ok(tx.roles().get(ACCOUNT, name)?.map(|role| role.tags)),
};

pub(super) fn tags_merge_and_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut deploy = role(ACCOUNT, "/", "deploy");
    deploy.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.write(|tx| tx.roles().create(&deploy))?;
    check_tags_merge_and_are_limited(store, &ROLE_TAGS, "deploy")
}

pub(super) fn delete_conflicts(store: &dyn Store) -> Result<(), Failure> {
    let mut deploy = account_with_role(store, "Deploy")?;
    deploy.tags = vec![tag("k", "v")];
    store.write(|tx| tx.roles().tag(ACCOUNT, "deploy", &deploy.tags))?;
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "deploy", "p", "{}"))
    })?;
    attach(store, Attachable::Role, "deploy", AWS_MANAGED)?;
    // Inline policies are reported first.
    ensure_error(
        store.write(|tx| tx.roles().delete(ACCOUNT, "deploy")),
        &StoreError::has_inline_policies(),
        "deleting a role with inline and attached policies",
    )?;
    store.write(|tx| tx.role_policies().delete(ACCOUNT, "DEPLOY", "P"))?;
    ensure_error(
        store.write(|tx| tx.roles().delete(ACCOUNT, "deploy")),
        &StoreError::has_attached_policies(),
        "deleting a role with attached policies",
    )?;
    ensure_eq!(stored(store, "deploy")?, deploy);
    detach(store, Attachable::Role, "DEPLOY", AWS_MANAGED)?;
    store.write(|tx| tx.roles().delete(ACCOUNT, "DEPLOY"))?;
    ensure_eq!(store.read(|tx| tx.roles().get(ACCOUNT, "deploy"))?, None);
    ensure_error(
        store.write(|tx| tx.roles().delete(ACCOUNT, "deploy")),
        &StoreError::not_found(EntityKind::Role, "deploy"),
        "deleting a deleted role",
    )?;
    // The name (and even the id) can be used again, and no old tags resurface.
    let again = role(ACCOUNT, "/", "deploy");
    store.write(|tx| tx.roles().create(&again))?;
    ensure_eq!(stored(store, "deploy")?, again);
    ensure_eq!(
        store.read(|tx| tx.role_policies().list(ACCOUNT, "deploy"))?,
        Vec::new()
    );
    Ok(())
}

pub(super) fn role_policies_are_per_role(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "ops")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "ops")))?;
    store.write(|tx| tx.roles().create(&role(ACCOUNT, "/", "Ops")))?;
    ensure_eq!(
        store.read(|tx| tx.role_policies().list(ACCOUNT, "ops"))?,
        Vec::new()
    );
    // The role may be named in any case; records carry the stored spelling.
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "OPS", "Shared", "{\"r\":1}"))
    })?;
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "ops", "alpha", "{\"a\":1}"))
    })?;
    store.write(|tx| {
        tx.user_policies()
            .put(&policy(ACCOUNT, "ops", "Shared", "{\"u\":1}"))
    })?;
    store.write(|tx| {
        tx.group_policies()
            .put(&policy(ACCOUNT, "ops", "Shared", "{\"g\":1}"))
    })?;
    // Replacing a policy takes the new spelling of its name, as for users.
    store.write(|tx| {
        tx.role_policies()
            .put(&policy(ACCOUNT, "ops", "SHARED", "{\"r\":2}"))
    })?;
    let shared = policy(ACCOUNT, "Ops", "SHARED", "{\"r\":2}");
    let alpha = policy(ACCOUNT, "Ops", "alpha", "{\"a\":1}");
    ensure_eq!(
        store.read(|tx| tx.role_policies().get(ACCOUNT, "ops", "shared"))?,
        Some(shared.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.role_policies().list(ACCOUNT, "OPS"))?,
        vec![alpha, shared.clone()]
    );
    ensure_eq!(
        store.read(|tx| tx.user_policies().get(ACCOUNT, "ops", "shared"))?,
        Some(policy(ACCOUNT, "ops", "Shared", "{\"u\":1}"))
    );
    ensure_eq!(
        store.read(|tx| tx.group_policies().get(ACCOUNT, "ops", "shared"))?,
        Some(policy(ACCOUNT, "ops", "Shared", "{\"g\":1}"))
    );
    store.write(|tx| tx.role_policies().delete(ACCOUNT, "ops", "ALPHA"))?;
    ensure_eq!(
        store.read(|tx| tx.role_policies().list(ACCOUNT, "ops"))?,
        vec![shared]
    );
    ensure_eq!(
        store.read(|tx| tx.role_policies().get(ACCOUNT, "ops", "alpha"))?,
        None
    );
    ensure_error(
        store.write(|tx| tx.role_policies().delete(ACCOUNT, "ops", "alpha")),
        &StoreError::not_found(EntityKind::RolePolicy, "alpha"),
        "deleting a missing role policy",
    )?;
    let not_found = StoreError::not_found(EntityKind::Role, "nope");
    ensure_error(
        store.write(|tx| tx.role_policies().put(&policy(ACCOUNT, "nope", "p", "{}"))),
        &not_found,
        "a policy of a missing role",
    )?;
    ensure_error(
        store.read(|tx| tx.role_policies().list(ACCOUNT, "nope")),
        &not_found,
        "the policies of a missing role",
    )?;
    ensure_error(
        store.write(|tx| tx.role_policies().delete(ACCOUNT, "nope", "p")),
        &not_found,
        "deleting a policy of a missing role",
    )?;
    Ok(())
}

pub(super) fn managed_policy_attach_detach_and_quota(store: &dyn Store) -> Result<(), Failure> {
    account_with_role(store, "deploy")?;
    // A user of the same name has its own attachments.
    store.write(|tx| tx.users().create(&user(ACCOUNT, "deploy")))?;
    check_attachments(store, Attachable::Role, "deploy", EntityKind::Role)?;
    ensure_eq!(
        store.read(|tx| {
            tx.managed_policies()
                .attached(Attachable::User, ACCOUNT, "deploy")
        })?,
        Vec::<String>::new()
    );
    Ok(())
}

pub(super) fn managed_policy_entities_and_boundary_usage(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "bob")?;
    store.write(|tx| tx.groups().create(&group(ACCOUNT, "/", "devs")))?;
    for name in ["zeta", "Alpha"] {
        store.write(|tx| tx.roles().create(&role(ACCOUNT, "/", name)))?;
    }
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    store.write(|tx| tx.roles().create(&role(OTHER_ACCOUNT, "/", "alpha")))?;
    let p = managed_policy(ACCOUNT, "/", "p");
    store.write(|tx| tx.managed_policies().create(&p, "{}"))?;
    let p = p.arn;

    // Attached roles first, then a group, then a user: listed users, groups, then roles.
    attach(store, Attachable::Role, "ZETA", &p)?;
    attach(store, Attachable::Role, "alpha", &p)?;
    attach(store, Attachable::Group, "devs", &p)?;
    attach(store, Attachable::User, "bob", &p)?;
    store.write(|tx| {
        tx.managed_policies()
            .attach(Attachable::Role, OTHER_ACCOUNT, "alpha", &p)
    })?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().entities(ACCOUNT, &p))?,
        vec![
            attachment(Attachable::User, "bob", &p),
            attachment(Attachable::Group, "devs", &p),
            attachment(Attachable::Role, "Alpha", &p),
            attachment(Attachable::Role, "zeta", &p),
        ]
    );
    ensure_eq!(
        store
            .read(|tx| tx.managed_policies().entities(OTHER_ACCOUNT, &p))?
            .len(),
        1
    );

    let usage = |account_id: &str| -> Result<usize, Failure> {
        Ok(store.read(|tx| tx.managed_policies().boundary_usage(account_id, &p))?)
    };
    ensure_eq!(usage(ACCOUNT)?, 0);
    store.write(|tx| {
        tx.roles()
            .set_permissions_boundary(ACCOUNT, "zeta", Some(&p))
    })?;
    ensure_eq!(usage(ACCOUNT)?, 1);
    store.write(|tx| {
        tx.users()
            .set_permissions_boundary(ACCOUNT, "bob", Some(&p))
    })?;
    store.write(|tx| {
        tx.roles()
            .set_permissions_boundary(ACCOUNT, "alpha", Some(&p))
    })?;
    ensure_eq!(usage(ACCOUNT)?, 3);
    ensure_eq!(usage(OTHER_ACCOUNT)?, 0);
    store.write(|tx| tx.roles().set_permissions_boundary(ACCOUNT, "zeta", None))?;
    ensure_eq!(usage(ACCOUNT)?, 2);
    Ok(())
}

pub(super) fn managed_policy_delete_conflicts(store: &dyn Store) -> Result<(), Failure> {
    account_with_role(store, "deploy")?;
    let policy = managed_policy(ACCOUNT, "/", "p");
    store.write(|tx| tx.managed_policies().create(&policy, "{}"))?;
    let arn = policy.arn.as_str();

    attach(store, Attachable::Role, "deploy", arn)?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::policy_in_use(),
        "deleting a policy attached to a role",
    )?;
    detach(store, Attachable::Role, "deploy", arn)?;
    store.write(|tx| {
        tx.roles()
            .set_permissions_boundary(ACCOUNT, "deploy", Some(arn))
    })?;
    ensure_error(
        store.write(|tx| tx.managed_policies().delete(arn)),
        &StoreError::policy_in_use(),
        "deleting a policy used as a role's permissions boundary",
    )?;
    ensure_eq!(
        store.read(|tx| tx.managed_policies().get(arn))?,
        Some(policy.clone())
    );
    store.write(|tx| tx.roles().set_permissions_boundary(ACCOUNT, "deploy", None))?;
    store.write(|tx| tx.managed_policies().delete(arn))?;
    ensure_eq!(store.read(|tx| tx.managed_policies().get(arn))?, None);
    Ok(())
}
