//! Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias names one key of
//! its account and Region; `alias/aws/…` is reserved for AWS managed keys.

use warden_protocol::NoOutput;
use warden_protocol::kms::{
    AliasListEntry, CreateAliasRequest, DeleteAliasRequest, ListAliasesRequest,
    ListAliasesResponse, UpdateAliasRequest, errors,
};
use warden_store::KmsAliasRecord;
use warden_store::StoreExt as _;

use super::conditions::request_keys;
use super::key::{find as find_key, page, require_not_pending};
use super::resolve::{Found, alias_arn, key_access, lookup};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

/// Refuses an alias name KMS would not create: without the `alias/` prefix, or reserved.
fn check_name(name: &str) -> Result<(), ServiceError> {
    let invalid = |message: String| ServiceError::modeled(&errors::INVALID_ALIAS_NAME, message);
    let Some(rest) = name.strip_prefix("alias/") else {
        return Err(invalid(
            "Alias must start with the prefix \"alias/\". Please see \
             https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
                .to_owned(),
        ));
    };
    if rest.is_empty() {
        return Err(invalid(format!("Alias {name} is not a valid alias name.")));
    }
    if name.starts_with("alias/aws/") {
        return Err(invalid(format!(
            "Cannot create alias with prefix 'alias/aws/'. Alias name: {name}"
        )));
    }
    Ok(())
}

/// The key a `TargetKeyId` names: a key id or key ARN, never an alias.
fn target(ctx: &Ctx<'_>, given: &str) -> Result<Found, ServiceError> {
    if given.starts_with("alias/") || given.contains(":alias/") {
        return Err(ServiceError::modeled(
            &errors::NOT_FOUND,
            format!("Invalid keyId '{given}'"),
        ));
    }
    lookup(ctx, given)
}

/// The alias `name` of the caller's account in the call's Region.
fn existing(call: &Authorized<'_, '_>, name: &str) -> Result<KmsAliasRecord, ServiceError> {
    let ctx = call.ctx;
    call.read(|tx| tx.kms().alias(ctx.account(), &ctx.facts.region, name))?
        .ok_or_else(|| not_found(ctx, name))
}

fn not_found(ctx: &Ctx<'_>, name: &str) -> ServiceError {
    ServiceError::modeled(
        &errors::NOT_FOUND,
        format!("Alias {} is not found.", alias_arn(ctx, name).value),
    )
}

/// The access of an alias operation: the alias (IAM policies) and each key (key policies).
fn alias_access(
    ctx: &Ctx<'_>,
    name: &str,
    keys: &[Found],
    operation: &str,
) -> Result<Access, ServiceError> {
    Ok(Access::Keys {
        keys: keys
            .iter()
            .map(|found| key_access(ctx, found, operation, None, &[]))
            .collect::<Result<_, _>>()?,
        others: vec![alias_arn(ctx, name)],
        context: request_keys(ctx, None),
    })
}

impl Handle for CreateAliasRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        check_name(&self.alias_name)?;
        let key = target(ctx, &self.target_key_id)?;
        alias_access(ctx, &self.alias_name, &[key], "CreateAlias")
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let ctx = call.ctx;
        let key = find_key(call, &self.target_key_id)?.key;
        require_not_pending(&key)?;
        let taken = call.read(|tx| {
            tx.kms()
                .alias(ctx.account(), &ctx.facts.region, &self.alias_name)
        })?;
        if taken.is_some() {
            return Err(ServiceError::modeled(
                &errors::ALREADY_EXISTS,
                format!(
                    "An alias with the name {} already exists",
                    alias_arn(ctx, &self.alias_name).value
                ),
            ));
        }
        let now = ctx.warden.now().as_millisecond();
        let alias = KmsAliasRecord {
            account_id: ctx.account().to_owned(),
            region: ctx.facts.region.clone(),
            name: self.alias_name,
            target_key_id: key.key_id,
            created: now,
            updated: now,
        };
        call.write_outside_snapshot(|tx| tx.kms().put_alias(&alias))?;
        Ok(NoOutput)
    }
}

impl Handle for UpdateAliasRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        check_name(&self.alias_name)?;
        let current = ctx
            .warden
            .store()
            .read(|tx| {
                tx.kms()
                    .alias(ctx.account(), &ctx.facts.region, &self.alias_name)
            })?
            .ok_or_else(|| not_found(ctx, &self.alias_name))?;
        let old = lookup(ctx, &current.target_key_id)?;
        let new = target(ctx, &self.target_key_id)?;
        alias_access(ctx, &self.alias_name, &[old, new], "UpdateAlias")
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let ctx = call.ctx;
        let mut alias = existing(call, &self.alias_name)?;
        let new = find_key(call, &self.target_key_id)?.key;
        require_not_pending(&new)?;
        let old = find_key(call, &alias.target_key_id)?.key;
        if old.key_usage != new.key_usage || old.key_spec != new.key_spec {
            return Err(super::key::invalid(format!(
                "{} is not the same type of key as {}: an alias can only move between keys \
                 of the same key spec and key usage.",
                new.arn, old.arn
            )));
        }
        alias.target_key_id = new.key_id;
        alias.updated = ctx.warden.now().as_millisecond();
        call.write_outside_snapshot(|tx| tx.kms().put_alias(&alias))?;
        Ok(NoOutput)
    }
}

impl Handle for DeleteAliasRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let current = ctx
            .warden
            .store()
            .read(|tx| {
                tx.kms()
                    .alias(ctx.account(), &ctx.facts.region, &self.alias_name)
            })?
            .ok_or_else(|| not_found(ctx, &self.alias_name))?;
        let key = lookup(ctx, &current.target_key_id)?;
        alias_access(ctx, &self.alias_name, &[key], "DeleteAlias")
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let ctx = call.ctx;
        let deleted = call.write_outside_snapshot(|tx| {
            tx.kms()
                .delete_alias(ctx.account(), &ctx.facts.region, &self.alias_name)
        })?;
        if !deleted {
            return Err(not_found(ctx, &self.alias_name));
        }
        Ok(NoOutput)
    }
}

impl Handle for ListAliasesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        if let Some(key_id) = &self.key_id {
            lookup(ctx, key_id)?;
        }
        Ok(Access::Check {
            resources: Vec::new(),
            keys: request_keys(ctx, None),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListAliasesResponse, ServiceError> {
        let ctx = call.ctx;
        let only = match &self.key_id {
            Some(key_id) => Some(find_key(call, key_id)?.key.key_id),
            None => None,
        };
        let aliases: Vec<KmsAliasRecord> = call
            .read(|tx| tx.kms().aliases(ctx.account(), &ctx.facts.region))?
            .into_iter()
            .filter(|alias| only.as_ref().is_none_or(|id| alias.target_key_id == *id))
            .collect();
        let (aliases, next) = page(aliases, self.marker.as_deref(), self.limit, 50)?;
        Ok(ListAliasesResponse {
            aliases: Some(
                aliases
                    .into_iter()
                    .map(|alias| AliasListEntry {
                        alias_arn: Some(alias_arn(ctx, &alias.name).value),
                        alias_name: Some(alias.name),
                        target_key_id: Some(alias.target_key_id),
                        creation_date: Some(timestamp(alias.created)),
                        last_updated_date: Some(timestamp(alias.updated)),
                    })
                    .collect(),
            ),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}
