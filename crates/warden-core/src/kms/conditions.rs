//! The KMS condition keys Warden fills truthfully: the key's own (`kms:KeySpec`,
//! `kms:KeyUsage`, `kms:KeyOrigin`, `kms:MultiRegion`, `kms:ResourceAliases`,
//! `aws:ResourceTag/…`) and the request's (`kms:CallerAccount`, `kms:RequestAlias`,
//! `kms:EncryptionContext:…`, `kms:EncryptionContextKeys`, algorithms, grant facts).
//! `kms:ViaService` is never present: no AWS service calls Warden on a caller's behalf.

use std::collections::BTreeMap;

use warden_policy::ContextValue;
use warden_store::KmsKeyRecord;

use crate::Ctx;

fn single(key: &str, value: &str) -> (String, ContextValue) {
    (key.to_owned(), ContextValue::Single(value.to_owned()))
}

/// `kms:…` keys holding one request value, e.g. `kms:EncryptionAlgorithm`.
pub(crate) fn request_value(key: &str, value: &str) -> (String, ContextValue) {
    single(key, value)
}

/// The key's own condition keys.
pub(crate) fn key_keys(key: &KmsKeyRecord, aliases: &[String]) -> Vec<(String, ContextValue)> {
    let mut keys = vec![
        single("kms:KeySpec", &key.key_spec),
        single("kms:KeyUsage", &key.key_usage),
        single("kms:KeyOrigin", &key.origin),
        single("kms:MultiRegion", "false"),
        (
            "kms:ResourceAliases".to_owned(),
            ContextValue::Multi(aliases.to_vec()),
        ),
    ];
    keys.extend(
        key.tags
            .iter()
            .map(|(tag, value)| single(&format!("aws:ResourceTag/{tag}"), value)),
    );
    keys
}

/// `kms:CallerAccount` and, when the request named the key by an alias, `kms:RequestAlias`.
pub(crate) fn request_keys(ctx: &Ctx<'_>, alias: Option<&str>) -> Vec<(String, ContextValue)> {
    let mut keys = vec![single("kms:CallerAccount", ctx.account())];
    if let Some(alias) = alias {
        keys.push(single("kms:RequestAlias", alias));
    }
    keys
}

/// `kms:EncryptionContext:<key>` for each pair and `kms:EncryptionContextKeys`.
pub(crate) fn context_keys(context: &BTreeMap<String, String>) -> Vec<(String, ContextValue)> {
    let mut keys: Vec<_> = context
        .iter()
        .map(|(key, value)| single(&format!("kms:EncryptionContext:{key}"), value))
        .collect();
    keys.push((
        "kms:EncryptionContextKeys".to_owned(),
        ContextValue::Multi(context.keys().cloned().collect()),
    ));
    keys
}
