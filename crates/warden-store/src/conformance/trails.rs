//! Trails: CRUD, per-account names, tags and the delivery record.

use crate::{EntityKind, Store, StoreError, StoreExt, TrailDelivery, TrailRecord};

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
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let main = trail(ACCOUNT, "main");
    store.write(|tx| tx.trails().create(&main))?;
    store.write(|tx| tx.trails().create(&trail(ACCOUNT, "second")))?;
    store.write(|tx| tx.trails().create(&trail(OTHER_ACCOUNT, "main")))?;
    ensure_eq!(
        store.read(|tx| tx.trails().get(ACCOUNT, "main"))?,
        Some(main.clone())
    );
    ensure_eq!(store.read(|tx| tx.trails().get(ACCOUNT, "MAIN"))?, None);
    let names = |trails: Vec<TrailRecord>| {
        trails
            .into_iter()
            .map(|t| format!("{}/{}", t.account_id, t.name))
            .collect::<Vec<_>>()
    };
    ensure_eq!(
        names(store.read(|tx| tx.trails().list(Some(ACCOUNT)))?),
        vec![format!("{ACCOUNT}/main"), format!("{ACCOUNT}/second")]
    );
    ensure_eq!(store.read(|tx| tx.trails().list(None))?.len(), 3);
    let updated = TrailRecord {
        logging: true,
        start_logging_time: Some(1_700_000_100_000),
        s3_key_prefix: None,
        tags: Vec::new(),
        ..main
    };
    store.write(|tx| tx.trails().update(&updated))?;
    ensure_eq!(
        store.read(|tx| tx.trails().get(ACCOUNT, "main"))?,
        Some(updated)
    );
    store.write(|tx| tx.trails().delete(ACCOUNT, "main"))?;
    ensure_eq!(store.read(|tx| tx.trails().get(ACCOUNT, "main"))?, None);
    ensure!(
        store
            .read(|tx| tx.trails().get(OTHER_ACCOUNT, "main"))?
            .is_some(),
        "deleting one account's trail kept the other's"
    );
    Ok(())
}

/// Duplicate names, missing accounts and missing trails are reported.
pub(super) fn report_conflicts_and_absence(store: &dyn Store) -> Result<(), Failure> {
    ensure!(
        matches!(
            store.write(|tx| tx.trails().create(&trail(ACCOUNT, "main"))),
            Err(StoreError::NotFound {
                kind: EntityKind::Account,
                ..
            })
        ),
        "a trail needs its account"
    );
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.trails().create(&trail(ACCOUNT, "main")))?;
    ensure!(
        matches!(
            store.write(|tx| tx.trails().create(&trail(ACCOUNT, "main"))),
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
        missing(store.write(|tx| tx.trails().update(&trail(ACCOUNT, "absent")))),
        "update"
    );
    ensure!(
        missing(store.write(|tx| tx.trails().delete(ACCOUNT, "absent"))),
        "delete"
    );
    ensure!(
        missing(store.write(|tx| tx.trails().set_delivery(
            ACCOUNT,
            "absent",
            &TrailDelivery::default()
        ))),
        "set delivery"
    );
    ensure!(
        missing(
            store
                .read(|tx| tx.trails().delivery(ACCOUNT, "absent"))
                .map(drop)
        ),
        "delivery"
    );
    Ok(())
}

/// The delivery record starts empty, is replaced whole, and survives settings updates.
pub(super) fn delivery_record_round_trips(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let main = trail(ACCOUNT, "main");
    store.write(|tx| tx.trails().create(&main))?;
    ensure_eq!(
        store.read(|tx| tx.trails().delivery(ACCOUNT, "main"))?,
        TrailDelivery::default()
    );
    let delivery = TrailDelivery {
        latest_delivery_time: Some(1_700_000_200_000),
        latest_digest_delivery_time: Some(1_700_000_300_000),
        latest_delivery_error: None,
        state: b"{\"delivered_through\":42}".to_vec(),
    };
    store.write(|tx| tx.trails().set_delivery(ACCOUNT, "main", &delivery))?;
    store.write(|tx| {
        tx.trails().update(&TrailRecord {
            logging: true,
            ..main
        })
    })?;
    ensure_eq!(
        store.read(|tx| tx.trails().delivery(ACCOUNT, "main"))?,
        delivery
    );
    Ok(())
}
