//! What the two kinds of identity provider share: requests name them by ARN
//! (`arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH`, `…:saml-provider/NAME`), and GetAccountSummary
//! counts both as `Providers`.

use warden_protocol::{Arn, ResourceType};
use warden_store::{StoreError, Tx};

use crate::{Ctx, ServiceError};

/// The partition, account and resource name of an IAM ARN whose resource is
/// `{kind}/{name}`, if `provider_arn` is one.
pub(crate) fn parse_arn<'a>(
    provider_arn: &'a str,
    kind: &str,
) -> Option<(&'a str, &'a str, &'a str)> {
    let mut parts = provider_arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let name = resource.strip_prefix(kind)?.strip_prefix('/')?;
    (!partition.is_empty() && !account.is_empty() && !name.is_empty())
        .then_some((partition, account, name))
}

/// The provider ARN a request names, for authorization; AWS's InvalidInput when it is not
/// an ARN of this resource type or `name_ok` refuses its name.
pub(crate) fn requested_arn(
    provider_arn: &str,
    resource_type: &'static ResourceType,
    name_ok: impl Fn(&str) -> bool,
) -> Result<Arn, ServiceError> {
    match parse_arn(provider_arn, resource_type.name) {
        Some((_, _, name)) if name_ok(name) => Ok(Arn {
            resource_type,
            value: provider_arn.to_owned(),
        }),
        Some(_) | None => Err(invalid_arn(provider_arn)),
    }
}

/// The provider name in `provider_arn` when it names one of the caller's (its partition and
/// account); `Ok(None)` when it names another's; AWS's InvalidInput when it is not an ARN of
/// this kind. `name_ok` refuses names the kind does not allow.
pub(crate) fn own_name<'a>(
    ctx: &Ctx<'_>,
    provider_arn: &'a str,
    resource_type: &ResourceType,
    name_ok: impl Fn(&str) -> bool,
) -> Result<Option<&'a str>, ServiceError> {
    match parse_arn(provider_arn, resource_type.name) {
        Some((partition, account, name)) if name_ok(name) => {
            Ok((partition == ctx.partition() && account == ctx.account()).then_some(name))
        }
        Some(_) | None => Err(invalid_arn(provider_arn)),
    }
}

/// AWS's InvalidInput for an ARN that names no provider of the expected kind.
fn invalid_arn(provider_arn: &str) -> ServiceError {
    ServiceError::InvalidInput(format!("ARN {provider_arn} is not valid."))
}

/// How many identity providers (both kinds) the account has.
pub(crate) fn count(tx: &dyn Tx, account_id: &str) -> Result<usize, StoreError> {
    Ok(
        tx.open_id_connect_providers().count(account_id)?
            + tx.saml_providers().count(account_id)?,
    )
}
