//! Checks of server certificates and their tags.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account, server_certificate};
use super::roles::{LISTED, Lister, check_listing};
use super::tags::{Taggable, check_tags_merge_and_are_limited, tag};
use super::{Failure, ensure_error};
use crate::{
    EntityKind, PageRequest, SERVER_CERTIFICATES_PER_ACCOUNT, ServerCertificateRecord,
    ServerCertificateUpdate, Store, StoreError, StoreExt,
};

/// The stored server certificate of the main account.
fn stored(store: &dyn Store, name: &str) -> Result<ServerCertificateRecord, Failure> {
    store
        .read(|tx| tx.server_certificates().get(ACCOUNT, name))?
        .ok_or_else(|| Failure(format!("server certificate {name} vanished")))
}

/// The names of the main account's server certificates.
const CERTIFICATE_NAMES: Lister = |tx, prefix, page| {
    let page = tx.server_certificates().list(ACCOUNT, prefix, page)?;
    let names = page
        .items
        .into_iter()
        .map(|certificate| certificate.server_certificate_name)
        .collect();
    Ok((names, page.next_marker))
};

pub(super) fn upload_get_list(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut web = server_certificate(ACCOUNT, "/service/", "WebServer");
    web.tags = vec![tag("team", "web"), tag("Cost", "")];
    web.certificate_chain = Some("chain".to_owned());
    for (path, name) in LISTED {
        store.write(|tx| {
            tx.server_certificates()
                .upload(&server_certificate(ACCOUNT, path, name))
        })?;
    }
    let before = store.generation()?;
    store.write(|tx| tx.server_certificates().upload(&web))?;
    ensure!(
        store.generation()? > before,
        "upload did not bump the generation"
    );
    let elsewhere = server_certificate(OTHER_ACCOUNT, "/", "aaron");
    store.write(|tx| tx.server_certificates().upload(&elsewhere))?;

    // Lookups are case-insensitive and return the certificate as uploaded, the sealed key
    // and tags included.
    ensure_eq!(stored(store, "webserver")?, web);
    ensure_eq!(
        stored(store, "API")?,
        server_certificate(ACCOUNT, "/service/", "api")
    );
    ensure_eq!(
        store.read(|tx| tx.server_certificates().get(ACCOUNT, "aaron"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.server_certificates().get(OTHER_ACCOUNT, "AARON"))?,
        Some(elsewhere)
    );
    ensure_eq!(store.read(|tx| tx.server_certificates().count(ACCOUNT))?, 5);
    ensure_eq!(
        store.read(|tx| tx.server_certificates().count(OTHER_ACCOUNT))?,
        1
    );

    let all = store.read(|tx| {
        tx.server_certificates()
            .list(ACCOUNT, None, &PageRequest::first(100))
    })?;
    ensure_eq!(all.next_marker, None);
    ensure_eq!(all.items.len(), 5);
    ensure_eq!(all.items.last(), Some(&web));
    check_listing(store, CERTIFICATE_NAMES)?;

    ensure_error(
        store.write(|tx| {
            tx.server_certificates()
                .upload(&server_certificate("999988887777", "/", "c"))
        }),
        &StoreError::not_found(EntityKind::Account, "999988887777"),
        "a server certificate in a missing account",
    )?;
    Ok(())
}

pub(super) fn unique_by_name_and_id_and_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let web = server_certificate(ACCOUNT, "/", "Web");
    store.write(|tx| tx.server_certificates().upload(&web))?;
    let mut shouting = server_certificate(ACCOUNT, "/other/", "WEB");
    shouting.server_certificate_id = "ASCAOTHERCERTIFICATE01".to_owned();
    ensure_error(
        store.write(|tx| tx.server_certificates().upload(&shouting)),
        &StoreError::already_exists(EntityKind::ServerCertificate, "WEB"),
        "a server certificate name taken in another case and path",
    )?;
    // Ids are unique across accounts; names only within one.
    let mut elsewhere = server_certificate(OTHER_ACCOUNT, "/", "web");
    let fresh_id = elsewhere.server_certificate_id.clone();
    elsewhere
        .server_certificate_id
        .clone_from(&web.server_certificate_id);
    ensure_error(
        store.write(|tx| tx.server_certificates().upload(&elsewhere)),
        &StoreError::already_exists(EntityKind::ServerCertificate, &web.server_certificate_id),
        "a server certificate id taken in another account",
    )?;
    elsewhere.server_certificate_id = fresh_id;
    store.write(|tx| tx.server_certificates().upload(&elsewhere))?;
    ensure_eq!(stored(store, "web")?, web);

    // The account's quota; another account's certificates do not count.
    for n in 1..SERVER_CERTIFICATES_PER_ACCOUNT {
        store.write(|tx| {
            tx.server_certificates()
                .upload(&server_certificate(ACCOUNT, "/", &format!("cert{n}")))
        })?;
    }
    ensure_eq!(
        store.read(|tx| tx.server_certificates().count(ACCOUNT))?,
        SERVER_CERTIFICATES_PER_ACCOUNT
    );
    let before = store.generation()?;
    ensure_error(
        store.write(|tx| {
            tx.server_certificates()
                .upload(&server_certificate(ACCOUNT, "/", "one-too-many"))
        }),
        &StoreError::server_certificate_quota_exceeded(),
        "a server certificate over the account's quota",
    )?;
    ensure_eq!(store.generation()?, before);
    ensure_eq!(
        store.read(|tx| tx.server_certificates().get(ACCOUNT, "one-too-many"))?,
        None
    );
    // Deleting one makes room again.
    store.write(|tx| tx.server_certificates().delete(ACCOUNT, "cert1"))?;
    store.write(|tx| {
        tx.server_certificates()
            .upload(&server_certificate(ACCOUNT, "/", "one-too-many"))
    })?;
    Ok(())
}

pub(super) fn update_renames_and_moves(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut web = server_certificate(ACCOUNT, "/", "web");
    web.tags = vec![tag("team", "core")];
    store.write(|tx| tx.server_certificates().upload(&web))?;
    store.write(|tx| {
        tx.server_certificates()
            .upload(&server_certificate(ACCOUNT, "/", "Other"))
    })?;
    let before = store.generation()?;
    let update = ServerCertificateUpdate {
        server_certificate_name: "Website".to_owned(),
        path: "/moved/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/moved/Website"),
    };
    let updated = store.write(|tx| tx.server_certificates().update(ACCOUNT, "WEB", &update))?;
    web.server_certificate_name = update.server_certificate_name;
    web.path = update.path;
    web.arn = update.arn;
    // The id, the certificate, its key and its tags follow.
    ensure_eq!(updated, web);
    ensure!(
        store.generation()? > before,
        "update did not bump the generation"
    );
    ensure_eq!(
        store.read(|tx| tx.server_certificates().get(ACCOUNT, "web"))?,
        None
    );
    ensure_eq!(stored(store, "website")?, web);
    // A new spelling of its own name is allowed; another certificate's name is not.
    let respelled = ServerCertificateUpdate {
        server_certificate_name: "WEBSITE".to_owned(),
        path: "/moved/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/moved/WEBSITE"),
    };
    ensure_eq!(
        store
            .write(|tx| tx
                .server_certificates()
                .update(ACCOUNT, "website", &respelled))?
            .server_certificate_name,
        "WEBSITE"
    );
    let onto_other = ServerCertificateUpdate {
        server_certificate_name: "OTHER".to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:server-certificate/OTHER"),
    };
    ensure_error(
        store.write(|tx| {
            tx.server_certificates()
                .update(ACCOUNT, "website", &onto_other)
        }),
        &StoreError::already_exists(EntityKind::ServerCertificate, "OTHER"),
        "renaming onto another server certificate",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.server_certificates()
                .update(ACCOUNT, "nobody", &onto_other)
        }),
        &StoreError::not_found(EntityKind::ServerCertificate, "nobody"),
        "updating a missing server certificate",
    )?;
    ensure_eq!(stored(store, "website")?.tags, vec![tag("team", "core")]);
    Ok(())
}

/// The tag operations of server certificates.
const CERTIFICATE_TAGS: Taggable = Taggable {
    kind: EntityKind::ServerCertificate,
    tag: |tx, name, tags| tx.server_certificates().tag(ACCOUNT, name, tags),
    untag: |tx, name, keys| tx.server_certificates().untag(ACCOUNT, name, keys),
    tags: |tx, name| {
        Ok(tx
            .server_certificates()
            .get(ACCOUNT, name)?
            .map(|certificate| certificate.tags))
    },
};

pub(super) fn tags_merge_and_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut web = server_certificate(ACCOUNT, "/", "web");
    web.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.write(|tx| tx.server_certificates().upload(&web))?;
    check_tags_merge_and_are_limited(store, &CERTIFICATE_TAGS, "web")
}

pub(super) fn delete(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut web = server_certificate(ACCOUNT, "/", "web");
    web.tags = vec![tag("k", "v")];
    store.write(|tx| tx.server_certificates().upload(&web))?;
    let before = store.generation()?;
    store.write(|tx| tx.server_certificates().delete(ACCOUNT, "WEB"))?;
    ensure!(
        store.generation()? > before,
        "delete did not bump the generation"
    );
    ensure_eq!(
        store.read(|tx| tx.server_certificates().get(ACCOUNT, "web"))?,
        None
    );
    ensure_eq!(store.read(|tx| tx.server_certificates().count(ACCOUNT))?, 0);
    ensure_error(
        store.write(|tx| tx.server_certificates().delete(ACCOUNT, "web")),
        &StoreError::not_found(EntityKind::ServerCertificate, "web"),
        "deleting a missing server certificate",
    )?;
    // Its tags went with it: the name can be used again, without them.
    web.tags = Vec::new();
    store.write(|tx| tx.server_certificates().upload(&web))?;
    ensure_eq!(stored(store, "web")?, web);
    Ok(())
}
