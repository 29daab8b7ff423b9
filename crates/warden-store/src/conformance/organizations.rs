//! Organizations: one tree per organization, policies, attachments, types, tags, requests.

use crate::{
    CreateAccountStatusRecord, EntityKind, OrgNodeKind, OrgNodeRecord, OrgPolicyRecord,
    OrganizationRecord, Store, StoreError, StoreExt,
};

use super::Failure;
use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};

const ORG: &str = "o-abcdefghij";

fn organization() -> OrganizationRecord {
    OrganizationRecord {
        org_id: ORG.to_owned(),
        management_account_id: ACCOUNT.to_owned(),
        feature_set: "ALL".to_owned(),
        create_date: 1_700_000_000_000,
    }
}

fn node(id: &str, kind: OrgNodeKind, parent: Option<&str>, email: Option<&str>) -> OrgNodeRecord {
    OrgNodeRecord {
        org_id: ORG.to_owned(),
        node_id: id.to_owned(),
        kind,
        parent_id: parent.map(str::to_owned),
        name: format!("name of {id}"),
        email: email.map(str::to_owned),
        status: (kind == OrgNodeKind::Account).then(|| "ACTIVE".to_owned()),
        joined_method: (kind == OrgNodeKind::Account).then(|| "CREATED".to_owned()),
        create_date: 1_700_000_000_000,
    }
}

fn conflict(result: Result<(), StoreError>, expected: EntityKind) -> Result<(), Failure> {
    match result {
        Err(StoreError::AlreadyExists { kind, .. }) if kind == expected => Ok(()),
        other => Err(Failure(format!(
            "expected a {expected} conflict, got {other:?}"
        ))),
    }
}

/// Create an organization with a tree, policies, attachments, types, tags and requests;
/// read it back whole; delete pieces and then everything.
pub(super) fn tree_round_trips_and_deletes(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let root = node("r-ab12", OrgNodeKind::Root, None, None);
    store.write(|tx| tx.organizations().create(&organization(), &root))?;
    ensure_eq!(
        store.read(|tx| tx.organizations().of_account(ACCOUNT))?,
        Some(ORG.to_owned())
    );
    ensure_eq!(
        store.read(|tx| tx.organizations().of_account(OTHER_ACCOUNT))?,
        None
    );
    let ou = node(
        "ou-ab12-11111111",
        OrgNodeKind::OrganizationalUnit,
        Some("r-ab12"),
        None,
    );
    let member = node(
        OTHER_ACCOUNT,
        OrgNodeKind::Account,
        Some("ou-ab12-11111111"),
        Some("member@example.com"),
    );
    let policy = OrgPolicyRecord {
        org_id: ORG.to_owned(),
        policy_id: "p-12345678".to_owned(),
        policy_type: "SERVICE_CONTROL_POLICY".to_owned(),
        name: "deny-all".to_owned(),
        description: String::new(),
        content: r#"{"Version":"2012-10-17","Statement":[]}"#.to_owned(),
    };
    let status = CreateAccountStatusRecord {
        org_id: ORG.to_owned(),
        request_id: "car-12345678".to_owned(),
        account_name: "member".to_owned(),
        state: "SUCCEEDED".to_owned(),
        requested: 1_700_000_000_000,
        completed: Some(1_700_000_000_000),
        account_id: Some(OTHER_ACCOUNT.to_owned()),
        failure_reason: None,
    };
    store.write(|tx| {
        let orgs = tx.organizations();
        orgs.put_node(&ou)?;
        orgs.put_node(&member)?;
        orgs.put_policy(&policy)?;
        orgs.attach(ORG, "p-12345678", "ou-ab12-11111111")?;
        orgs.attach(ORG, "p-FullAWSAccess", OTHER_ACCOUNT)?;
        orgs.set_policy_type(ORG, "SERVICE_CONTROL_POLICY", true)?;
        orgs.set_tags(ORG, OTHER_ACCOUNT, &[("team".to_owned(), "red".to_owned())])?;
        orgs.put_create_account_status(&status)
    })?;
    ensure_eq!(
        store.read(|tx| tx.organizations().of_account(OTHER_ACCOUNT))?,
        Some(ORG.to_owned())
    );
    let state = store
        .read(|tx| tx.organizations().load(ORG))?
        .ok_or_else(|| Failure("the organization is missing".to_owned()))?;
    ensure_eq!(state.organization, organization());
    ensure_eq!(state.nodes, vec![member, ou.clone(), root.clone()]);
    ensure_eq!(state.policies, vec![policy]);
    ensure_eq!(
        state.attachments,
        vec![
            ("p-12345678".to_owned(), "ou-ab12-11111111".to_owned()),
            ("p-FullAWSAccess".to_owned(), OTHER_ACCOUNT.to_owned())
        ]
    );
    ensure_eq!(
        state.policy_types,
        vec!["SERVICE_CONTROL_POLICY".to_owned()]
    );
    ensure_eq!(
        state.tags,
        vec![(
            OTHER_ACCOUNT.to_owned(),
            "team".to_owned(),
            "red".to_owned()
        )]
    );
    ensure_eq!(
        store.read(|tx| tx.organizations().create_account_statuses(ORG))?,
        vec![status]
    );
    ensure_eq!(store.read(|tx| tx.organizations().load_all())?, vec![state]);

    // Deleting a node or a policy takes its attachments and tags along.
    store.write(|tx| {
        let orgs = tx.organizations();
        orgs.delete_node(ORG, OTHER_ACCOUNT)?;
        orgs.delete_policy(ORG, "p-12345678")?;
        orgs.set_policy_type(ORG, "SERVICE_CONTROL_POLICY", false)
    })?;
    let state = store
        .read(|tx| tx.organizations().load(ORG))?
        .ok_or_else(|| Failure("the organization is missing".to_owned()))?;
    ensure_eq!(state.nodes, vec![ou, root]);
    ensure!(state.attachments.is_empty(), "{:?}", state.attachments);
    ensure!(
        state.tags.is_empty() && state.policy_types.is_empty() && state.policies.is_empty(),
        "{state:?}"
    );

    store.write(|tx| tx.organizations().delete(ORG))?;
    ensure_eq!(store.read(|tx| tx.organizations().load(ORG))?, None);
    ensure_eq!(
        store.read(|tx| tx.organizations().of_account(ACCOUNT))?,
        None
    );
    ensure!(
        store
            .read(|tx| tx.organizations().create_account_statuses(ORG))?
            .is_empty(),
        "requests outlive their organization"
    );
    Ok(())
}

/// An account is in one organization; emails and policy names are unique; attachments are
/// not doubled; missing things are reported.
pub(super) fn report_conflicts_and_absence(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let root = node("r-ab12", OrgNodeKind::Root, None, None);
    store.write(|tx| tx.organizations().create(&organization(), &root))?;
    let again = OrganizationRecord {
        org_id: "o-zzzzzzzzzz".to_owned(),
        ..organization()
    };
    conflict(
        store.write(|tx| tx.organizations().create(&again, &root)),
        EntityKind::Organization,
    )?;
    store.write(|tx| {
        tx.organizations().put_node(&node(
            ACCOUNT,
            OrgNodeKind::Account,
            Some("r-ab12"),
            Some("a@example.com"),
        ))
    })?;
    conflict(
        store.write(|tx| {
            tx.organizations().put_node(&node(
                OTHER_ACCOUNT,
                OrgNodeKind::Account,
                Some("r-ab12"),
                Some("a@example.com"),
            ))
        }),
        EntityKind::OrgEmail,
    )?;
    let missing_account = store.write(|tx| {
        tx.organizations().put_node(&node(
            "999999999999",
            OrgNodeKind::Account,
            Some("r-ab12"),
            None,
        ))
    });
    ensure!(
        matches!(
            missing_account,
            Err(StoreError::NotFound {
                kind: EntityKind::Account,
                ..
            })
        ),
        "{missing_account:?}"
    );
    let policy = |id: &str| OrgPolicyRecord {
        org_id: ORG.to_owned(),
        policy_id: id.to_owned(),
        policy_type: "SERVICE_CONTROL_POLICY".to_owned(),
        name: "same".to_owned(),
        description: String::new(),
        content: "{}".to_owned(),
    };
    store.write(|tx| tx.organizations().put_policy(&policy("p-11111111")))?;
    conflict(
        store.write(|tx| tx.organizations().put_policy(&policy("p-22222222"))),
        EntityKind::OrgPolicy,
    )?;
    store.write(|tx| tx.organizations().attach(ORG, "p-11111111", "r-ab12"))?;
    conflict(
        store.write(|tx| tx.organizations().attach(ORG, "p-11111111", "r-ab12")),
        EntityKind::OrgAttachment,
    )?;
    let gone = store.write(|tx| tx.organizations().detach(ORG, "p-11111111", ACCOUNT));
    ensure!(
        matches!(
            gone,
            Err(StoreError::NotFound {
                kind: EntityKind::OrgAttachment,
                ..
            })
        ),
        "{gone:?}"
    );
    let gone = store.write(|tx| tx.organizations().delete_node(ORG, "ou-none-12345678"));
    ensure!(
        matches!(
            gone,
            Err(StoreError::NotFound {
                kind: EntityKind::OrgNode,
                ..
            })
        ),
        "{gone:?}"
    );
    let gone = store.write(|tx| tx.organizations().delete("o-zzzzzzzzzz"));
    ensure!(
        matches!(
            gone,
            Err(StoreError::NotFound {
                kind: EntityKind::Organization,
                ..
            })
        ),
        "{gone:?}"
    );
    Ok(())
}
