//! Finding the key a request names — key id, key ARN, alias name or alias ARN — and the
//! access a call needs on it.

use warden_policy::{Policy, PolicyKind};
use warden_protocol::Arn;
use warden_protocol::kms::{arn, errors};
use warden_store::{KmsKeyRecord, StoreError, StoreExt as _, Tx};

use super::conditions;
use crate::operation::{Access, KeyAccess};
use crate::{Ctx, ServiceError};

/// A key found from a request's `KeyId`.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The key.
    pub(crate) key: KmsKeyRecord,
    /// The alias the request named it by (`alias/…`), if it did.
    pub(crate) alias: Option<String>,
}

/// Where a `KeyId` points.
enum KeyRef<'a> {
    Key {
        account: &'a str,
        region: &'a str,
        key_id: &'a str,
    },
    Alias {
        account: &'a str,
        region: &'a str,
        name: String,
    },
}

/// The ARN of `key_id` in `account` and the call's Region.
pub(crate) fn key_arn(ctx: &Ctx<'_>, account: &str, key_id: &str) -> Arn {
    arn::key(ctx.partition(), &ctx.facts.region, account, key_id)
}

/// The ARN of an alias (`alias/…`) of the caller's account in the call's Region.
pub(crate) fn alias_arn(ctx: &Ctx<'_>, name: &str) -> Arn {
    arn::alias(
        ctx.partition(),
        &ctx.facts.region,
        ctx.account(),
        name.strip_prefix("alias/").unwrap_or(name),
    )
}

fn invalid_key_id(given: &str) -> ServiceError {
    ServiceError::modeled(&errors::NOT_FOUND, format!("Invalid keyId '{given}'"))
}

/// Whether `id` has the shape of a key id (a lowercase-hex UUID).
pub(crate) fn is_key_id(id: &str) -> bool {
    super::material::key_id_bytes(id).is_some()
}

fn parse<'a>(ctx: &'a Ctx<'_>, given: &'a str) -> Result<KeyRef<'a>, ServiceError> {
    if let Some(rest) = given.strip_prefix("arn:") {
        let mut parts = rest.splitn(5, ':');
        let (Some(_partition), Some("kms"), Some(region), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid_key_id(given));
        };
        if let Some(key_id) = resource.strip_prefix("key/") {
            return Ok(KeyRef::Key {
                account,
                region,
                key_id,
            });
        }
        if resource.starts_with("alias/") {
            return Ok(KeyRef::Alias {
                account,
                region,
                name: resource.to_owned(),
            });
        }
        return Err(invalid_key_id(given));
    }
    if given.starts_with("alias/") {
        return Ok(KeyRef::Alias {
            account: ctx.account(),
            region: &ctx.facts.region,
            name: given.to_owned(),
        });
    }
    if !is_key_id(given) {
        return Err(invalid_key_id(given));
    }
    Ok(KeyRef::Key {
        account: ctx.account(),
        region: &ctx.facts.region,
        key_id: given,
    })
}

/// Whether a key pending deletion has reached its deletion date (it is then gone).
pub(crate) fn is_deleted(key: &KmsKeyRecord, now_millis: i64) -> bool {
    key.state == "PendingDeletion" && key.deletion_date.is_some_and(|when| when <= now_millis)
}

/// The key with this id, if it exists (and is not past its deletion date).
pub(crate) fn key_by_id(
    ctx: &Ctx<'_>,
    tx: &dyn Tx,
    key_id: &str,
) -> Result<Option<KmsKeyRecord>, StoreError> {
    let now = ctx.warden.now().as_millisecond();
    Ok(tx.kms().key(key_id)?.filter(|key| !is_deleted(key, now)))
}

/// Finds the key `given` names.
///
/// # Errors
///
/// `NotFoundException` in AWS's words for a malformed id, a missing key or alias.
pub(crate) fn find(ctx: &Ctx<'_>, tx: &dyn Tx, given: &str) -> Result<Found, ServiceError> {
    let (account, region, key_id, alias) = match parse(ctx, given)? {
        KeyRef::Key {
            account,
            region,
            key_id,
        } => (account, region, key_id.to_owned(), None),
        KeyRef::Alias {
            account,
            region,
            name,
        } => {
            let Some(alias) = tx.kms().alias(account, region, &name)? else {
                let arn = format!("arn:{}:kms:{region}:{account}:{name}", ctx.partition());
                return Err(ServiceError::modeled(
                    &errors::NOT_FOUND,
                    format!("Alias {arn} is not found."),
                ));
            };
            (account, region, alias.target_key_id, Some(name))
        }
    };
    let missing = || {
        ServiceError::modeled(
            &errors::NOT_FOUND,
            format!(
                "Key 'arn:{}:kms:{region}:{account}:key/{key_id}' does not exist",
                ctx.partition()
            ),
        )
    };
    let key = key_by_id(ctx, tx, &key_id)?
        .filter(|key| key.account_id == account && key.region == region)
        .ok_or_else(missing)?;
    Ok(Found { key, alias })
}

/// Reads the key `given` names, in a read transaction of its own (for `access`).
pub(crate) fn lookup(ctx: &Ctx<'_>, given: &str) -> Result<Found, ServiceError> {
    ctx.warden.store().read(|tx| find(ctx, tx, given))
}

/// The aliases naming `key`, `alias/…`, in name order.
pub(crate) fn aliases_of(tx: &dyn Tx, key: &KmsKeyRecord) -> Result<Vec<String>, StoreError> {
    Ok(tx
        .kms()
        .aliases(&key.account_id, &key.region)?
        .into_iter()
        .filter(|alias| alias.target_key_id == key.key_id)
        .map(|alias| alias.name)
        .collect())
}

/// The key policy as the engine evaluates it; `None` (deny, failing closed) when it no
/// longer compiles.
pub(crate) fn compiled_policy(key: &KmsKeyRecord) -> Option<Policy> {
    Policy::parse(key.arn.clone(), &key.policy, PolicyKind::Resource).ok()
}

/// What deciding on `found` needs: its key policy, its own condition keys, and whether a
/// grant allows the operation `operation` with `context` (the request's encryption
/// context).
pub(crate) fn key_access(
    ctx: &Ctx<'_>,
    found: &Found,
    operation: &str,
    context: Option<&std::collections::BTreeMap<String, String>>,
    actions: &'static [&'static str],
) -> Result<KeyAccess, ServiceError> {
    let key = &found.key;
    let (aliases, granted) = ctx.warden.store().read(|tx| {
        Ok::<_, StoreError>((
            aliases_of(tx, key)?,
            super::grant::allows(ctx, tx, key, operation, context)?,
        ))
    })?;
    Ok(KeyAccess {
        arn: Arn {
            resource_type: &arn::KEY,
            value: key.arn.clone(),
        },
        account: key.account_id.clone(),
        policy: compiled_policy(key),
        actions,
        granted,
        keys: conditions::key_keys(key, &aliases),
    })
}

/// The access of an operation on the one key `given` names, with the request's own
/// condition keys (`extra`) and encryption context.
pub(crate) fn access_to(
    ctx: &Ctx<'_>,
    given: &str,
    operation: &str,
    context: Option<&std::collections::BTreeMap<String, String>>,
    extra: Vec<(String, warden_policy::ContextValue)>,
) -> Result<Access, ServiceError> {
    let found = lookup(ctx, given)?;
    let mut request = conditions::request_keys(ctx, found.alias.as_deref());
    if let Some(context) = context {
        request.extend(conditions::context_keys(context));
    }
    request.extend(extra);
    Ok(Access::Keys {
        keys: vec![key_access(ctx, &found, operation, context, &[])?],
        others: Vec::new(),
        context: request,
    })
}
