//! Trails: CRUD, per-account names, tags and the delivery record.

use crate::{EntityKind, Store, StoreError, TrailDelivery, TrailRecord};

use super::Failure;
use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};

fn trail(account_id: &str, name: &str) -> TrailRecord {
    TrailRecord {
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        home_region: "us-east-1".to_owned(),
        arn: format!("arn:aws:cloudtrail:us-east-1:{account_id}:trail/{name}"),
        s3_bucket_name: "audit-bucket".to_owned(),
        s3_key_prefix: Some("prefix".to_owned()),
        sns_topic_name: None,
        include_global_service_events: true,
        is_multi_region_trail: false,
        log_file_validation_enabled: true,
        is_organization_trail: false,
        cloud_watch_logs_log_group_arn: None,
        cloud_watch_logs_role_arn: None,
        kms_key_id: None,
        logging: false,
        start_logging_time: None,
        stop_logging_time: None,
        create_date: 1_700_000_000_000,
        tags: vec![("team".to_owned(), "security".to_owned())],
    }
}

/// Create, read, list (per account and across accounts), update, delete.
pub(super) fn create_get_list_update_delete(store: &dyn Store) -> Result<(), Failure> {
    store.create_account(&account(ACCOUNT))?;
    store.create_account(&account(OTHER_ACCOUNT))?;
    let main = trail(ACCOUNT, "main");
    store.create_trail(&main)?;
    store.create_trail(&trail(ACCOUNT, "second"))?;
    store.create_trail(&trail(OTHER_ACCOUNT, "main"))?;
    ensure_eq!(store.trail(ACCOUNT, "main")?, Some(main.clone()));
    ensure_eq!(store.trail(ACCOUNT, "MAIN")?, None);
    let names = |trails: Vec<TrailRecord>| {
        trails
            .into_iter()
            .map(|t| format!("{}/{}", t.account_id, t.name))
            .collect::<Vec<_>>()
    };
    ensure_eq!(
        names(store.list_trails(Some(ACCOUNT))?),
        vec![format!("{ACCOUNT}/main"), format!("{ACCOUNT}/second")]
    );
    ensure_eq!(store.list_trails(None)?.len(), 3);
    let updated = TrailRecord {
        logging: true,
        start_logging_time: Some(1_700_000_100_000),
        s3_key_prefix: None,
        tags: Vec::new(),
        ..main
    };
    store.update_trail(&updated)?;
    ensure_eq!(store.trail(ACCOUNT, "main")?, Some(updated));
    store.delete_trail(ACCOUNT, "main")?;
    ensure_eq!(store.trail(ACCOUNT, "main")?, None);
    ensure!(
        store.trail(OTHER_ACCOUNT, "main")?.is_some(),
        "deleting one account's trail kept the other's"
    );
    Ok(())
}

/// Duplicate names, missing accounts and missing trails are reported.
pub(super) fn report_conflicts_and_absence(store: &dyn Store) -> Result<(), Failure> {
    ensure!(
        matches!(
            store.create_trail(&trail(ACCOUNT, "main")),
            Err(StoreError::NotFound {
                kind: EntityKind::Account,
                ..
            })
        ),
        "a trail needs its account"
    );
    store.create_account(&account(ACCOUNT))?;
    store.create_trail(&trail(ACCOUNT, "main"))?;
    ensure!(
        matches!(
            store.create_trail(&trail(ACCOUNT, "main")),
            Err(StoreError::AlreadyExists {
                kind: EntityKind::Trail,
                ..
            })
        ),
        "trail names are unique per account"
    );
    let missing = |result: Result<(), StoreError>| {
        matches!(
            result,
            Err(StoreError::NotFound {
                kind: EntityKind::Trail,
                ..
            })
        )
    };
    ensure!(
        missing(store.update_trail(&trail(ACCOUNT, "absent"))),
        "update"
    );
    ensure!(missing(store.delete_trail(ACCOUNT, "absent")), "delete");
    ensure!(
        missing(store.set_trail_delivery(ACCOUNT, "absent", &TrailDelivery::default())),
        "set delivery"
    );
    ensure!(
        missing(store.trail_delivery(ACCOUNT, "absent").map(drop)),
        "delivery"
    );
    Ok(())
}

/// The delivery record starts empty, is replaced whole, and survives settings updates.
pub(super) fn delivery_record_round_trips(store: &dyn Store) -> Result<(), Failure> {
    store.create_account(&account(ACCOUNT))?;
    let main = trail(ACCOUNT, "main");
    store.create_trail(&main)?;
    ensure_eq!(
        store.trail_delivery(ACCOUNT, "main")?,
        TrailDelivery::default()
    );
    let delivery = TrailDelivery {
        latest_delivery_time: Some(1_700_000_200_000),
        latest_digest_delivery_time: Some(1_700_000_300_000),
        latest_delivery_error: None,
        state: b"{\"delivered_through\":42}".to_vec(),
    };
    store.set_trail_delivery(ACCOUNT, "main", &delivery)?;
    store.update_trail(&TrailRecord {
        logging: true,
        ..main
    })?;
    ensure_eq!(store.trail_delivery(ACCOUNT, "main")?, delivery);
    Ok(())
}
