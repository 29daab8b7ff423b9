//! KMS: keys with their materials and tags, aliases, grants.

use crate::{KmsAliasRecord, KmsGrantRecord, KmsKeyMaterialRecord, KmsKeyRecord, Store, StoreExt};

use super::Failure;
use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};

fn key(account_id: &str, key_id: &str) -> KmsKeyRecord {
    KmsKeyRecord {
        key_id: key_id.to_owned(),
        account_id: account_id.to_owned(),
        region: "us-east-1".to_owned(),
        arn: format!("arn:aws:kms:us-east-1:{account_id}:key/{key_id}"),
        description: "test".to_owned(),
        key_spec: "SYMMETRIC_DEFAULT".to_owned(),
        key_usage: "ENCRYPT_DECRYPT".to_owned(),
        origin: "AWS_KMS".to_owned(),
        state: "Enabled".to_owned(),
        created: 1_700_000_000_000,
        deletion_date: None,
        pending_window_days: None,
        policy: "{}".to_owned(),
        rotation_period_days: Some(365),
        next_rotation: Some(1_731_536_000_000),
        tags: vec![
            ("team".to_owned(), "a".to_owned()),
            ("env".to_owned(), "b".to_owned()),
        ],
        materials: vec![
            KmsKeyMaterialRecord {
                material_id: "01".repeat(32),
                sealed: vec![1, 2, 3],
                created: 1_700_000_000_000,
                rotation_type: None,
            },
            KmsKeyMaterialRecord {
                material_id: "02".repeat(32),
                sealed: vec![4, 5],
                created: 1_700_000_100_000,
                rotation_type: Some("ON_DEMAND".to_owned()),
            },
        ],
    }
}

/// Keys round-trip with their materials and tags in order; replacing rewrites every field;
/// listing is per account and Region in id order; deleting takes aliases and grants along.
pub(super) fn keys_aliases_and_grants_round_trip(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let first = key(ACCOUNT, "b-key");
    store.write(|tx| tx.kms().put_key(&first))?;
    store.write(|tx| tx.kms().put_key(&key(ACCOUNT, "a-key")))?;
    store.write(|tx| tx.kms().put_key(&key(OTHER_ACCOUNT, "c-key")))?;
    ensure_eq!(store.read(|tx| tx.kms().key("b-key"))?, Some(first.clone()));
    ensure_eq!(
        store.read(|tx| tx.kms().key_ids(ACCOUNT, "us-east-1"))?,
        vec!["a-key".to_owned(), "b-key".to_owned()]
    );
    ensure_eq!(
        store.read(|tx| tx.kms().key_ids(ACCOUNT, "eu-west-1"))?,
        Vec::<String>::new()
    );
    let mut changed = first;
    changed.state = "Disabled".to_owned();
    changed.tags.truncate(1);
    changed.materials.truncate(1);
    changed.rotation_period_days = None;
    store.write(|tx| tx.kms().put_key(&changed))?;
    ensure_eq!(store.read(|tx| tx.kms().key("b-key"))?, Some(changed));

    let alias = KmsAliasRecord {
        account_id: ACCOUNT.to_owned(),
        region: "us-east-1".to_owned(),
        name: "alias/test".to_owned(),
        target_key_id: "b-key".to_owned(),
        created: 1,
        updated: 2,
    };
    store.write(|tx| tx.kms().put_alias(&alias))?;
    ensure_eq!(
        store.read(|tx| tx.kms().alias(ACCOUNT, "us-east-1", "alias/test"))?,
        Some(alias)
    );
    ensure_eq!(
        store.read(|tx| tx.kms().alias(ACCOUNT, "us-east-1", "alias/TEST"))?,
        None
    );
    let grant = KmsGrantRecord {
        key_id: "b-key".to_owned(),
        grant_id: "g1".to_owned(),
        name: "n".to_owned(),
        grantee_principal: "arn:aws:iam::111122223333:role/r".to_owned(),
        retiring_principal: Some("arn:aws:iam::111122223333:user/u".to_owned()),
        issuing_account: ACCOUNT.to_owned(),
        operations: vec!["Decrypt".to_owned(), "Encrypt".to_owned()],
        context_equals: None,
        context_subset: Some(vec![("purpose".to_owned(), "test".to_owned())]),
        created: 3,
    };
    let empty_equals = KmsGrantRecord {
        grant_id: "g2".to_owned(),
        context_equals: Some(Vec::new()),
        context_subset: None,
        retiring_principal: None,
        ..grant.clone()
    };
    store.write(|tx| tx.kms().put_grant(&grant))?;
    store.write(|tx| tx.kms().put_grant(&empty_equals))?;
    ensure_eq!(
        store.read(|tx| tx.kms().grants("b-key"))?,
        vec![grant.clone(), empty_equals]
    );
    ensure_eq!(
        store.read(|tx| tx
            .kms()
            .retirable_grants("arn:aws:iam::111122223333:user/u"))?,
        vec![grant]
    );
    ensure_eq!(
        store.write(|tx| tx.kms().delete_grant("b-key", "g2"))?,
        true
    );
    ensure_eq!(
        store.write(|tx| tx.kms().delete_grant("b-key", "g2"))?,
        false
    );

    ensure_eq!(store.write(|tx| tx.kms().delete_key("b-key"))?, true);
    ensure_eq!(store.read(|tx| tx.kms().key("b-key"))?, None);
    ensure_eq!(
        store.read(|tx| tx.kms().alias(ACCOUNT, "us-east-1", "alias/test"))?,
        None
    );
    ensure_eq!(store.read(|tx| tx.kms().grants("b-key"))?, Vec::new());
    ensure_eq!(store.write(|tx| tx.kms().delete_key("b-key"))?, false);
    ensure_eq!(
        store.write(|tx| tx.kms().delete_alias(ACCOUNT, "us-east-1", "alias/test"))?,
        false
    );
    Ok(())
}
