//! Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and what
//! a grant allows. A grant allows its grantee exactly its operations on its key (and, with
//! constraints, only under a matching encryption context), effective as soon as it is
//! created — so a grant token is usable at once; only an explicit Deny refuses what a grant
//! allows (see `authorize::authorize_with_key_policy`).

use std::collections::BTreeMap;

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::kms::{
    CreateGrantRequest, CreateGrantResponse, GrantConstraints, GrantListEntry, ListGrantsRequest,
    ListGrantsResponse, ListRetirableGrantsRequest, RetireGrantRequest, RevokeGrantRequest, errors,
};
use warden_store::StoreExt as _;
use warden_store::{KmsGrantRecord, KmsKeyRecord, StoreError, Tx};

use super::conditions::{request_keys, request_value};
use super::key::{find, invalid, page, require_not_pending};
use super::material::{from_hex, key_id_bytes, key_id_from_bytes, to_hex};
use super::resolve::{access_to, key_access, lookup};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

/// The operations a grant may allow.
const GRANT_OPERATIONS: [&str; 17] = [
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
    "DeriveSharedSecret",
];

/// The prefix of Warden's grant tokens: `WGT1` || key id (32 hex) || grant id (64 hex).
const TOKEN_PREFIX: &str = "WGT1";

fn token(key_id: &str, grant_id: &str) -> String {
    let key = key_id_bytes(key_id)
        .map(|bytes| to_hex(&bytes))
        .unwrap_or_default();
    format!("{TOKEN_PREFIX}{key}{grant_id}")
}

/// The key id and grant id a grant token names.
fn parse_token(token: &str) -> Option<(String, String)> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let key: [u8; 16] = from_hex(rest.get(..32)?)?;
    let grant = rest.get(32..)?;
    from_hex::<32>(grant)?;
    Some((key_id_from_bytes(&key), grant.to_owned()))
}

/// Whether the caller is `principal` (its own ARN, or its role's for a role session).
fn is_caller(ctx: &Ctx<'_>, principal: &str) -> bool {
    principal == ctx.caller.arn || principal == ctx.caller.principal_arn()
}

fn pairs(map: &BTreeMap<String, String>) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Whether `grant`'s constraints admit `context`.
fn constraints_admit(grant: &KmsGrantRecord, context: Option<&BTreeMap<String, String>>) -> bool {
    let empty = BTreeMap::new();
    let context = context.unwrap_or(&empty);
    let equals_ok = grant
        .context_equals
        .as_ref()
        .is_none_or(|equals| pairs(context) == *equals);
    let subset_ok = grant.context_subset.as_ref().is_none_or(|subset| {
        subset
            .iter()
            .all(|(key, value)| context.get(key) == Some(value))
    });
    equals_ok && subset_ok
}

/// Whether a grant on `key` allows the caller `operation` with `context`.
pub(crate) fn allows(
    ctx: &Ctx<'_>,
    tx: &dyn Tx,
    key: &KmsKeyRecord,
    operation: &str,
    context: Option<&BTreeMap<String, String>>,
) -> Result<bool, StoreError> {
    if !GRANT_OPERATIONS.contains(&operation) {
        return Ok(false);
    }
    Ok(tx.kms().grants(&key.key_id)?.iter().any(|grant| {
        is_caller(ctx, &grant.grantee_principal)
            && grant.operations.iter().any(|op| op == operation)
            && constraints_admit(grant, context)
    }))
}

fn entry(ctx: &Ctx<'_>, key_arn: &str, grant: KmsGrantRecord) -> GrantListEntry {
    let constraints =
        (grant.context_equals.is_some() || grant.context_subset.is_some()).then(|| {
            GrantConstraints {
                encryption_context_equals: grant
                    .context_equals
                    .map(|pairs| pairs.into_iter().collect()),
                encryption_context_subset: grant
                    .context_subset
                    .map(|pairs| pairs.into_iter().collect()),
                source_arn: None,
            }
        });
    GrantListEntry {
        key_id: Some(key_arn.to_owned()),
        grant_id: Some(grant.grant_id),
        name: Some(grant.name).filter(|name| !name.is_empty()),
        creation_date: Some(timestamp(grant.created)),
        grantee_principal: Some(grant.grantee_principal),
        retiring_principal: grant.retiring_principal,
        issuing_account: Some(format!(
            "arn:{}:iam::{}:root",
            ctx.partition(),
            grant.issuing_account
        )),
        operations: Some(grant.operations),
        constraints,
        ..GrantListEntry::default()
    }
}

impl Handle for CreateGrantRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let mut extra = vec![
            (
                "kms:GrantOperations".to_owned(),
                ContextValue::Multi(self.operations.clone()),
            ),
            request_value("kms:GrantIsForAWSResource", "false"),
        ];
        if let Some(grantee) = &self.grantee_principal {
            extra.push(request_value("kms:GranteePrincipal", grantee));
        }
        if let Some(retiring) = &self.retiring_principal {
            extra.push(request_value("kms:RetiringPrincipal", retiring));
        }
        if let Some(constraints) = &self.constraints {
            let mut types = Vec::new();
            if constraints.encryption_context_equals.is_some() {
                types.push("EncryptionContextEquals".to_owned());
            }
            if constraints.encryption_context_subset.is_some() {
                types.push("EncryptionContextSubset".to_owned());
            }
            extra.push((
                "kms:GrantConstraintType".to_owned(),
                ContextValue::Multi(types),
            ));
        }
        access_to(ctx, &self.key_id, "CreateGrant", None, extra)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreateGrantResponse, ServiceError> {
        let ctx = call.ctx;
        let key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        let grantee = self
            .grantee_principal
            .ok_or_else(|| invalid("GranteePrincipal is required."))?;
        if self.operations.is_empty() {
            return Err(invalid("Operations must not be empty."));
        }
        if let Some(unknown) = self
            .operations
            .iter()
            .find(|op| !GRANT_OPERATIONS.contains(&op.as_str()))
        {
            return Err(invalid(format!("Invalid grant operation {unknown}.")));
        }
        dry_run(self.dry_run)?;
        let constraints = self.constraints.unwrap_or_default();
        let mut grant = KmsGrantRecord {
            key_id: key.key_id.clone(),
            grant_id: String::new(),
            name: self.name.unwrap_or_default(),
            grantee_principal: grantee,
            retiring_principal: self.retiring_principal,
            issuing_account: ctx.account().to_owned(),
            operations: self.operations,
            context_equals: constraints.encryption_context_equals.as_ref().map(pairs),
            context_subset: constraints.encryption_context_subset.as_ref().map(pairs),
            created: ctx.warden.now().as_millisecond(),
        };
        if !grant.name.is_empty() {
            let same = call
                .read(|tx| tx.kms().grants(&key.key_id))?
                .into_iter()
                .find(|existing| {
                    existing.name == grant.name
                        && existing.grantee_principal == grant.grantee_principal
                        && existing.retiring_principal == grant.retiring_principal
                        && existing.operations == grant.operations
                        && existing.context_equals == grant.context_equals
                        && existing.context_subset == grant.context_subset
                });
            if let Some(same) = same {
                return Ok(CreateGrantResponse {
                    grant_token: Some(token(&key.key_id, &same.grant_id)),
                    grant_id: Some(same.grant_id),
                });
            }
        }
        let mut id = [0u8; 32];
        ctx.warden
            .rng
            .fill(&mut id)
            .map_err(|error| ServiceError::Internal(format!("grant id: {error}")))?;
        grant.grant_id = to_hex(&id);
        call.write_outside_snapshot(|tx| tx.kms().put_grant(&grant))?;
        Ok(CreateGrantResponse {
            grant_token: Some(token(&key.key_id, &grant.grant_id)),
            grant_id: Some(grant.grant_id),
        })
    }
}

fn dry_run(dry: Option<bool>) -> Result<(), ServiceError> {
    super::crypto::dry_run(dry)
}

impl Handle for ListGrantsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "ListGrants", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListGrantsResponse, ServiceError> {
        let ctx = call.ctx;
        let key = find(call, &self.key_id)?.key;
        let grants: Vec<KmsGrantRecord> = call
            .read(|tx| tx.kms().grants(&key.key_id))?
            .into_iter()
            .filter(|grant| {
                self.grant_id
                    .as_ref()
                    .is_none_or(|id| grant.grant_id == *id)
            })
            .filter(|grant| {
                self.grantee_principal
                    .as_ref()
                    .is_none_or(|grantee| grant.grantee_principal == *grantee)
            })
            .collect();
        let (grants, next) = page(grants, self.marker.as_deref(), self.limit, 50)?;
        Ok(ListGrantsResponse {
            grants: Some(
                grants
                    .into_iter()
                    .map(|grant| entry(ctx, &key.arn, grant))
                    .collect(),
            ),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}

impl Handle for ListRetirableGrantsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: Vec::new(),
            keys: request_keys(ctx, None),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListGrantsResponse, ServiceError> {
        let ctx = call.ctx;
        let principal = self
            .retiring_principal
            .ok_or_else(|| invalid("RetiringPrincipal is required."))?;
        let grants = call.read(|tx| {
            let mut found = Vec::new();
            for grant in tx.kms().retirable_grants(&principal)? {
                if let Some(key) = tx.kms().key(&grant.key_id)?
                    && key.region == ctx.facts.region
                {
                    found.push((key.arn, grant));
                }
            }
            Ok(found)
        })?;
        let (grants, next) = page(grants, self.marker.as_deref(), self.limit, 50)?;
        Ok(ListGrantsResponse {
            grants: Some(
                grants
                    .into_iter()
                    .map(|(arn, grant)| entry(ctx, &arn, grant))
                    .collect(),
            ),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}

/// The key and grant id a RetireGrant names: by token, or by key and grant id.
fn retire_target(request: &RetireGrantRequest) -> Result<(String, String), ServiceError> {
    if let Some(token) = &request.grant_token {
        return parse_token(token).ok_or_else(|| {
            ServiceError::modeled(
                &errors::INVALID_GRANT_TOKEN,
                "Grant token is invalid.".to_owned(),
            )
        });
    }
    match (&request.key_id, &request.grant_id) {
        (Some(key_id), Some(grant_id)) => Ok((key_id.clone(), grant_id.clone())),
        _ => Err(invalid(
            "Either GrantToken, or both KeyId and GrantId, must be specified.",
        )),
    }
}

fn grant_not_found(grant_id: &str) -> ServiceError {
    ServiceError::modeled(&errors::NOT_FOUND, format!("Grant ID {grant_id} not found"))
}

impl Handle for RetireGrantRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let (key_id, grant_id) = retire_target(self)?;
        let found = lookup(ctx, &key_id)?;
        let grant = ctx
            .warden
            .store()
            .read(|tx| tx.kms().grants(&found.key.key_id))?
            .into_iter()
            .find(|grant| grant.grant_id == grant_id)
            .ok_or_else(|| grant_not_found(&grant_id))?;
        let mut access = key_access(ctx, &found, "RetireGrant", None, &[])?;
        // The grant itself lets its retiring principal, and its grantee when it allows
        // RetireGrant, retire it.
        access.granted = grant
            .retiring_principal
            .as_deref()
            .is_some_and(|principal| is_caller(ctx, principal))
            || (is_caller(ctx, &grant.grantee_principal)
                && grant.operations.iter().any(|op| op == "RetireGrant"));
        Ok(Access::Keys {
            keys: vec![access],
            others: Vec::new(),
            context: request_keys(ctx, found.alias.as_deref()),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let (key_id, grant_id) = retire_target(&self)?;
        dry_run(self.dry_run)?;
        let key = find(call, &key_id)?.key;
        if !call.write_outside_snapshot(|tx| tx.kms().delete_grant(&key.key_id, &grant_id))? {
            return Err(grant_not_found(&grant_id));
        }
        Ok(NoOutput)
    }
}

impl Handle for RevokeGrantRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "RevokeGrant", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        dry_run(self.dry_run)?;
        let key = find(call, &self.key_id)?.key;
        let grant_id = self.grant_id;
        if !call.write_outside_snapshot(|tx| tx.kms().delete_grant(&key.key_id, &grant_id))? {
            return Err(grant_not_found(&grant_id));
        }
        Ok(NoOutput)
    }
}
