//! Checks of OpenID Connect and SAML providers and their tags.

use super::fixtures::{ACCOUNT, OTHER_ACCOUNT, account};
use super::tags::{Taggable, check_tags_merge_and_are_limited, tag};
use super::{Failure, ensure_error};
use crate::{
    EntityKind, OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT, OpenIdConnectProviderRecord,
    OpenIdConnectProviderUpdate, SAML_PROVIDERS_PER_ACCOUNT, SamlEncryption, SamlMetadata,
    SamlPrivateKey, SamlProviderRecord, Store, StoreError, StoreExt,
};

/// An OpenID Connect provider record for `url` (without scheme).
fn oidc(account_id: &str, url: &str) -> OpenIdConnectProviderRecord {
    OpenIdConnectProviderRecord {
        account_id: account_id.to_owned(),
        url: url.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:oidc-provider/{url}"),
        client_ids: vec!["sts.amazonaws.com".to_owned(), "app,with\ncomma".to_owned()],
        thumbprints: vec![
            "a".repeat(40),
            "0123456789abcdef0123456789ABCDEF01234567".to_owned(),
        ],
        create_date: 1_700_000_000_123,
        tags: Vec::new(),
    }
}

/// A SAML provider record named `name`.
fn saml(account_id: &str, name: &str) -> SamlProviderRecord {
    SamlProviderRecord {
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        arn: format!("arn:aws:iam::{account_id}:saml-provider/{name}"),
        uuid: format!("uuid-{account_id}-{name}"),
        create_date: 1_700_000_000_456,
        metadata: SamlMetadata {
            document: format!("<EntityDescriptor entityID=\"{name}\"/>"),
            entity_id: format!("https://idp.example.com/{name}"),
            signing_certificates: vec!["MIIBcert1".to_owned(), "MIIBcert2".to_owned()],
            valid_until: 4_000_000_000_000,
        },
        encryption: SamlEncryption::default(),
        tags: Vec::new(),
    }
}

/// A sealed-key stand-in with this id.
fn private_key(key_id: &str) -> SamlPrivateKey {
    SamlPrivateKey {
        key_id: key_id.to_owned(),
        private_key_sealed: key_id.bytes().rev().collect(),
        upload_date: 1_700_000_000_789,
    }
}

fn stored_oidc(store: &dyn Store, url: &str) -> Result<OpenIdConnectProviderRecord, Failure> {
    store
        .read(|tx| tx.open_id_connect_providers().get(ACCOUNT, url))?
        .ok_or_else(|| Failure(format!("OpenID Connect provider {url} vanished")))
}

fn stored_saml(store: &dyn Store, name: &str) -> Result<SamlProviderRecord, Failure> {
    store
        .read(|tx| tx.saml_providers().get(ACCOUNT, name))?
        .ok_or_else(|| Failure(format!("SAML provider {name} vanished")))
}

pub(super) fn open_id_connect_create_get_list_update_delete(
    store: &dyn Store,
) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut github = oidc(ACCOUNT, "token.actions.githubusercontent.com");
    github.tags = vec![tag("team", "ci"), tag("Cost", "")];
    let before = store.generation()?;
    store.write(|tx| tx.open_id_connect_providers().create(&github))?;
    ensure!(
        store.generation()? > before,
        "create did not bump the generation"
    );
    let mut eks = oidc(ACCOUNT, "oidc.eks.us-west-1.amazonaws.com/id/C062C2");
    eks.client_ids = Vec::new();
    eks.thumbprints = Vec::new();
    store.write(|tx| tx.open_id_connect_providers().create(&eks))?;
    let elsewhere = oidc(OTHER_ACCOUNT, "token.actions.githubusercontent.com");
    store.write(|tx| tx.open_id_connect_providers().create(&elsewhere))?;

    // Found exactly as stored, lists and tags in order; per account.
    ensure_eq!(
        stored_oidc(store, "token.actions.githubusercontent.com")?,
        github
    );
    ensure_eq!(
        stored_oidc(store, "oidc.eks.us-west-1.amazonaws.com/id/C062C2")?,
        eks
    );
    ensure_eq!(
        store.read(|tx| tx
            .open_id_connect_providers()
            .get(ACCOUNT, "TOKEN.actions.githubusercontent.com"))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx.open_id_connect_providers().list(ACCOUNT))?,
        vec![eks, github.clone()]
    );
    ensure_eq!(
        store.read(|tx| tx.open_id_connect_providers().count(ACCOUNT))?,
        2
    );
    ensure_eq!(
        store.read(|tx| tx.open_id_connect_providers().count(OTHER_ACCOUNT))?,
        1
    );

    // The same URL again is refused.
    ensure_error(
        store.write(|tx| tx.open_id_connect_providers().create(&github)),
        &StoreError::already_exists(EntityKind::OpenIdConnectProvider, &github.arn),
        "an OpenID Connect provider for a URL taken",
    )?;

    // Updates replace the lists.
    let update = OpenIdConnectProviderUpdate {
        client_ids: vec!["b".to_owned(), "a".to_owned(), "c".to_owned()],
        thumbprints: vec!["f".repeat(40)],
    };
    let before = store.generation()?;
    store.write(|tx| {
        tx.open_id_connect_providers()
            .update(ACCOUNT, &github.url, &update)
    })?;
    ensure!(
        store.generation()? > before,
        "update did not bump the generation"
    );
    github.client_ids = update.client_ids;
    github.thumbprints = update.thumbprints;
    ensure_eq!(stored_oidc(store, &github.url)?, github);
    ensure_error(
        store.write(|tx| {
            tx.open_id_connect_providers().update(
                ACCOUNT,
                "missing.example.com",
                &OpenIdConnectProviderUpdate {
                    client_ids: Vec::new(),
                    thumbprints: Vec::new(),
                },
            )
        }),
        &StoreError::not_found(EntityKind::OpenIdConnectProvider, "missing.example.com"),
        "updating a missing OpenID Connect provider",
    )?;

    // Tags merge case-insensitively.
    store.write(|tx| {
        tx.open_id_connect_providers().tag(
            ACCOUNT,
            &github.url,
            &[tag("TEAM", "infra"), tag("new", "n")],
        )
    })?;
    store.write(|tx| {
        tx.open_id_connect_providers()
            .untag(ACCOUNT, &github.url, &["cost".to_owned()])
    })?;
    ensure_eq!(
        stored_oidc(store, &github.url)?.tags,
        vec![tag("TEAM", "infra"), tag("new", "n")]
    );

    // Deleting takes the client ids and tags along.
    store.write(|tx| tx.open_id_connect_providers().delete(ACCOUNT, &github.url))?;
    ensure_eq!(
        store.read(|tx| tx.open_id_connect_providers().get(ACCOUNT, &github.url))?,
        None
    );
    ensure_error(
        store.write(|tx| tx.open_id_connect_providers().delete(ACCOUNT, &github.url)),
        &StoreError::not_found(EntityKind::OpenIdConnectProvider, &github.url),
        "deleting a missing OpenID Connect provider",
    )?;
    let again = oidc(ACCOUNT, &github.url);
    store.write(|tx| tx.open_id_connect_providers().create(&again))?;
    ensure_eq!(stored_oidc(store, &github.url)?, again);
    ensure_error(
        store.write(|tx| {
            tx.open_id_connect_providers()
                .create(&oidc("999988887777", "x.example.com"))
        }),
        &StoreError::not_found(EntityKind::Account, "999988887777"),
        "an OpenID Connect provider in a missing account",
    )?;
    Ok(())
}

pub(super) fn open_id_connect_providers_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    for n in 0..OPEN_ID_CONNECT_PROVIDERS_PER_ACCOUNT {
        store.write(|tx| {
            tx.open_id_connect_providers()
                .create(&oidc(ACCOUNT, &format!("idp{n}.example.com")))
        })?;
    }
    let before = store.generation()?;
    ensure_error(
        store.write(|tx| {
            tx.open_id_connect_providers()
                .create(&oidc(ACCOUNT, "one-too-many.example.com"))
        }),
        &StoreError::open_id_connect_provider_quota_exceeded(),
        "an OpenID Connect provider over the account's quota",
    )?;
    ensure_eq!(store.generation()?, before);
    Ok(())
}

pub(super) fn saml_create_get_list_update_delete(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut okta = saml(ACCOUNT, "Okta");
    okta.tags = vec![tag("team", "sso")];
    okta.encryption = SamlEncryption {
        mode: Some("Required".to_owned()),
        private_keys: vec![private_key("KEY1")],
    };
    let before = store.generation()?;
    store.write(|tx| tx.saml_providers().create(&okta))?;
    ensure!(
        store.generation()? > before,
        "create did not bump the generation"
    );
    let mut adfs = saml(ACCOUNT, "adfs");
    adfs.metadata.signing_certificates = Vec::new();
    store.write(|tx| tx.saml_providers().create(&adfs))?;
    let elsewhere = saml(OTHER_ACCOUNT, "okta");
    store.write(|tx| tx.saml_providers().create(&elsewhere))?;

    // Names are found in any case; lists are by folded name.
    ensure_eq!(stored_saml(store, "OKTA")?, okta);
    ensure_eq!(stored_saml(store, "adfs")?, adfs);
    ensure_eq!(
        store.read(|tx| tx.saml_providers().list(ACCOUNT))?,
        vec![adfs, okta.clone()]
    );
    ensure_eq!(store.read(|tx| tx.saml_providers().count(ACCOUNT))?, 2);
    ensure_error(
        store.write(|tx| tx.saml_providers().create(&saml(ACCOUNT, "okta"))),
        &StoreError::already_exists(EntityKind::SamlProvider, "okta"),
        "a SAML provider name taken in another case",
    )?;

    // New metadata and encryption replace the old; tags stay.
    let encryption = SamlEncryption {
        mode: Some("Allowed".to_owned()),
        private_keys: vec![private_key("KEY2"), private_key("KEY3")],
    };
    let metadata = SamlMetadata {
        document: "<EntityDescriptor/>".to_owned(),
        entity_id: "https://new.example.com".to_owned(),
        signing_certificates: vec!["MIIBnew".to_owned()],
        valid_until: 4_100_000_000_000,
    };
    store.write(|tx| {
        tx.saml_providers()
            .update(ACCOUNT, "okta", &metadata, &encryption)
    })?;
    okta.metadata = metadata.clone();
    okta.encryption = encryption.clone();
    ensure_eq!(stored_saml(store, "okta")?, okta);
    ensure_error(
        store.write(|tx| {
            tx.saml_providers()
                .update(ACCOUNT, "nobody", &metadata, &encryption)
        }),
        &StoreError::not_found(EntityKind::SamlProvider, "nobody"),
        "updating a missing SAML provider",
    )?;

    // Keys can all go.
    let cleared = SamlEncryption::default();
    store.write(|tx| {
        tx.saml_providers()
            .update(ACCOUNT, "okta", &metadata, &cleared)
    })?;
    okta.encryption = cleared;
    ensure_eq!(stored_saml(store, "okta")?, okta);
    store.write(|tx| tx.saml_providers().delete(ACCOUNT, "OKTA"))?;
    ensure_eq!(
        store.read(|tx| tx.saml_providers().get(ACCOUNT, "okta"))?,
        None
    );
    ensure_eq!(store.read(|tx| tx.saml_providers().count(ACCOUNT))?, 1);
    ensure_error(
        store.write(|tx| tx.saml_providers().delete(ACCOUNT, "okta")),
        &StoreError::not_found(EntityKind::SamlProvider, "okta"),
        "deleting a missing SAML provider",
    )?;
    // Its tags went with it.
    let fresh = saml(ACCOUNT, "okta");
    store.write(|tx| tx.saml_providers().create(&fresh))?;
    ensure_eq!(stored_saml(store, "okta")?, fresh);
    Ok(())
}

pub(super) fn saml_providers_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    for n in 0..SAML_PROVIDERS_PER_ACCOUNT {
        store.write(|tx| tx.saml_providers().create(&saml(ACCOUNT, &format!("p{n}"))))?;
    }
    ensure_error(
        store.write(|tx| tx.saml_providers().create(&saml(ACCOUNT, "one-too-many"))),
        &StoreError::saml_provider_quota_exceeded(),
        "a SAML provider over the account's quota",
    )?;
    // Deleting one makes room again.
    store.write(|tx| tx.saml_providers().delete(ACCOUNT, "p0"))?;
    store.write(|tx| tx.saml_providers().create(&saml(ACCOUNT, "one-too-many")))?;
    Ok(())
}

/// The tag operations of SAML providers.
const SAML_TAGS: Taggable = Taggable {
    kind: EntityKind::SamlProvider,
    tag: |tx, name, tags| tx.saml_providers().tag(ACCOUNT, name, tags),
    untag: |tx, name, keys| tx.saml_providers().untag(ACCOUNT, name, keys),
    tags: |tx, name| {
        Ok(tx
            .saml_providers()
            .get(ACCOUNT, name)?
            .map(|provider| provider.tags))
    },
};

pub(super) fn saml_tags_merge_and_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut okta = saml(ACCOUNT, "okta");
    okta.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.write(|tx| tx.saml_providers().create(&okta))?;
    check_tags_merge_and_are_limited(store, &SAML_TAGS, "okta")
}
