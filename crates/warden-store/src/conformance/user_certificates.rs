//! Checks of users' SSH public keys and of signing certificates.

use super::fixtures::{ACCOUNT, account_with_user, user};
use super::{Failure, ensure_error};
use crate::{
    AccessKeyStatus, EntityKind, SIGNING_CERTIFICATES_PER_USER, SSH_PUBLIC_KEYS_PER_USER,
    SigningCertificateRecord, SshPublicKeyRecord, Store, StoreError, StoreExt, UserUpdate,
};

/// An SSH public key `n` of `user_name` in the main account.
fn ssh_key(user_name: &str, n: usize) -> SshPublicKeyRecord {
    SshPublicKeyRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: user_name.to_owned(),
        ssh_public_key_id: format!("APKA{user_name}{n}").to_ascii_uppercase(),
        fingerprint: format!("fp:{n}"),
        body_ssh: format!("ssh-rsa AAAA{n}"),
        body_pem: format!("-----BEGIN PUBLIC KEY-----\n{n}\n-----END PUBLIC KEY-----\n"),
        status: AccessKeyStatus::Active,
        upload_date: 1_700_000_000_000 + i64::try_from(n).unwrap_or(0),
    }
}

/// A signing certificate `n` of `user_name` (`None`: root) in the main account.
fn certificate(user_name: Option<&str>, n: usize) -> SigningCertificateRecord {
    SigningCertificateRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: user_name.map(str::to_owned),
        certificate_id: format!("CERT{}{n:020}", user_name.unwrap_or("ROOT")),
        certificate_body: format!("-----BEGIN CERTIFICATE-----\n{n}\n-----END CERTIFICATE-----\n"),
        digest: format!("{}-{n}", user_name.unwrap_or("root")),
        status: AccessKeyStatus::Active,
        upload_date: 1_700_000_000_000 + i64::try_from(n).unwrap_or(0),
    }
}

pub(super) fn ssh_public_keys_upload_list_update_delete(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    let mut first = ssh_key("alice", 1);
    store.write(|tx| tx.ssh_public_keys().upload(&first))?;
    first.user_name = "Alice".to_owned();
    ensure_eq!(
        store.read(|tx| tx
            .ssh_public_keys()
            .get(ACCOUNT, "ALICE", &first.ssh_public_key_id))?,
        Some(first.clone())
    );
    ensure_eq!(
        store.read(|tx| tx.ssh_public_keys().get(ACCOUNT, "alice", "APKANOPE"))?,
        None
    );
    ensure_error(
        store.write(|tx| tx.ssh_public_keys().upload(&ssh_key("alice", 1))),
        &StoreError::already_exists(EntityKind::SshPublicKey, "fp:1"),
        "a duplicate fingerprint",
    )?;
    ensure_error(
        store.write(|tx| tx.ssh_public_keys().upload(&ssh_key("bob", 1))),
        &StoreError::not_found(EntityKind::User, "bob"),
        "a key of a missing user",
    )?;
    for n in 2..=SSH_PUBLIC_KEYS_PER_USER {
        store.write(|tx| tx.ssh_public_keys().upload(&ssh_key("alice", n)))?;
    }
    ensure_error(
        store.write(|tx| tx.ssh_public_keys().upload(&ssh_key("alice", 9))),
        &StoreError::ssh_public_key_quota_exceeded(),
        "a key past the quota",
    )?;
    let listed = store.read(|tx| tx.ssh_public_keys().list(ACCOUNT, Some("alice")))?;
    ensure_eq!(listed.len(), SSH_PUBLIC_KEYS_PER_USER);
    ensure_eq!(listed.first(), Some(&first));
    ensure_eq!(
        store.read(|tx| tx.ssh_public_keys().list(ACCOUNT, None))?,
        listed
    );

    let id = first.ssh_public_key_id;
    store.write(|tx| {
        tx.ssh_public_keys()
            .set_status(ACCOUNT, "alice", &id, AccessKeyStatus::Inactive)
    })?;
    ensure_eq!(
        store
            .read(|tx| tx.ssh_public_keys().get(ACCOUNT, "alice", &id))?
            .map(|key| key.status),
        Some(AccessKeyStatus::Inactive)
    );
    ensure_error(
        store.write(|tx| {
            tx.ssh_public_keys()
                .set_status(ACCOUNT, "alice", "APKANOPE", AccessKeyStatus::Active)
        }),
        &StoreError::not_found(EntityKind::SshPublicKey, "APKANOPE"),
        "a status change of a missing key",
    )?;

    // Keys follow a rename; the user cannot be deleted while it has any.
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
    ensure_eq!(
        store
            .read(|tx| tx.ssh_public_keys().list(ACCOUNT, Some("alicia")))?
            .len(),
        SSH_PUBLIC_KEYS_PER_USER
    );
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alicia")),
        &StoreError::ssh_public_key_conflict(),
        "deleting a user with SSH public keys",
    )?;
    for key in store.read(|tx| tx.ssh_public_keys().list(ACCOUNT, Some("alicia")))? {
        store.write(|tx| {
            tx.ssh_public_keys()
                .delete(ACCOUNT, "alicia", &key.ssh_public_key_id)
        })?;
    }
    ensure_error(
        store.write(|tx| tx.ssh_public_keys().delete(ACCOUNT, "alicia", &id)),
        &StoreError::not_found(EntityKind::SshPublicKey, &id),
        "deleting a deleted key",
    )?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alicia"))?;
    Ok(())
}

pub(super) fn signing_certificates_upload_list_update_delete(
    store: &dyn Store,
) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    let mut first = certificate(Some("alice"), 1);
    store.write(|tx| tx.signing_certificates().upload(&first))?;
    first.user_name = Some("Alice".to_owned());
    ensure_eq!(
        store.read(|tx| tx.signing_certificates().list(ACCOUNT, Some("ALICE")))?,
        vec![first.clone()]
    );
    // The same certificate (digest) cannot go to another owner of the account.
    let mut copy = certificate(Some("bob"), 2);
    copy.digest.clone_from(&first.digest);
    ensure_error(
        store.write(|tx| tx.signing_certificates().upload(&copy)),
        &StoreError::already_exists(EntityKind::SigningCertificate, &copy.certificate_id),
        "a duplicate certificate",
    )?;
    store.write(|tx| {
        tx.signing_certificates()
            .upload(&certificate(Some("alice"), 2))
    })?;
    ensure_error(
        store.write(|tx| {
            tx.signing_certificates()
                .upload(&certificate(Some("alice"), 3))
        }),
        &StoreError::signing_certificate_quota_exceeded(),
        "a certificate past the quota",
    )?;
    for n in 1..=SIGNING_CERTIFICATES_PER_USER {
        store.write(|tx| tx.signing_certificates().upload(&certificate(None, n)))?;
    }
    let root = store.read(|tx| tx.signing_certificates().list(ACCOUNT, None))?;
    ensure_eq!(root.len(), SIGNING_CERTIFICATES_PER_USER);
    ensure!(
        root.iter()
            .all(|certificate| certificate.user_name.is_none()),
        "root's certificates name a user"
    );
    ensure_eq!(
        store
            .read(|tx| tx.signing_certificates().list_all(ACCOUNT))?
            .len(),
        2 * SIGNING_CERTIFICATES_PER_USER
    );
    ensure_error(
        store.write(|tx| {
            tx.signing_certificates()
                .upload(&certificate(Some("carol"), 1))
        }),
        &StoreError::not_found(EntityKind::User, "carol"),
        "a certificate of a missing user",
    )?;

    let id = first.certificate_id.clone();
    store.write(|tx| {
        tx.signing_certificates()
            .set_status(ACCOUNT, Some("alice"), &id, AccessKeyStatus::Inactive)
    })?;
    ensure_error(
        store.write(|tx| {
            tx.signing_certificates()
                .set_status(ACCOUNT, None, &id, AccessKeyStatus::Active)
        }),
        &StoreError::not_found(EntityKind::SigningCertificate, &id),
        "another owner's certificate",
    )?;
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alice")),
        &StoreError::signing_certificate_conflict(),
        "deleting a user with signing certificates",
    )?;
    for certificate in store.read(|tx| tx.signing_certificates().list(ACCOUNT, Some("alice")))? {
        store.write(|tx| {
            tx.signing_certificates()
                .delete(ACCOUNT, Some("alice"), &certificate.certificate_id)
        })?;
    }
    ensure_error(
        store.write(|tx| {
            tx.signing_certificates()
                .delete(ACCOUNT, Some("alice"), &id)
        }),
        &StoreError::not_found(EntityKind::SigningCertificate, &id),
        "deleting a deleted certificate",
    )?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alice"))?;
    Ok(())
}
