//! SimulatePrincipalPolicy and GetContextKeysForPrincipalPolicy: the policies of a user
//! (its inline and attached policies, its groups' policies, its boundary), a group or a
//! role of the caller's account, plus any given in the request.

use warden_policy::PolicyKind;
use warden_protocol::Arn;
use warden_protocol::iam::{
    GetContextKeysForPolicyResponse, GetContextKeysForPrincipalPolicyRequest,
    SimulatePolicyResponse, SimulatePrincipalPolicyRequest,
};
use warden_store::{Attachable, InlinePolicyRecord};

use super::{SimPolicy, Simulation, caller, context_keys::keys_of, context_of, simulate};
use crate::iam::inline_policy::policies_of;
use crate::iam::managed_policy::{Found, find};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for SimulatePrincipalPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(source_arn(&self.policy_source_arn)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<SimulatePolicyResponse, ServiceError> {
        let (mut identity, mut boundary) = principal_policies(call, &self.policy_source_arn)?;
        let excluded: Vec<String> = self
            .policy_exclusion_list
            .unwrap_or_default()
            .into_iter()
            .filter_map(|id| id.policy_arn)
            .collect();
        identity.retain(|policy| !excluded.contains(&policy.source_id));
        identity.extend(SimPolicy::inputs(
            "PolicyInputList",
            self.policy_input_list.as_deref().unwrap_or_default(),
            PolicyKind::Identity,
        )?);
        let given_boundaries = SimPolicy::inputs(
            "PermissionsBoundaryPolicyInputList",
            self.permissions_boundary_policy_input_list
                .as_deref()
                .unwrap_or_default(),
            PolicyKind::Boundary,
        )?;
        if !given_boundaries.is_empty() {
            boundary = given_boundaries;
        }
        let resource = SimPolicy::resource(self.resource_policy.as_deref())?;
        let simulation = Simulation {
            identity,
            boundary,
            resource,
            caller: caller(
                call.ctx,
                self.caller_arn.as_deref(),
                Some(&self.policy_source_arn),
            )?,
            resource_owner: self.resource_owner,
            context: context_of(self.context_entries.as_deref()),
            actions: &self.action_names,
            resources: self.resource_arns.unwrap_or_else(|| vec!["*".to_owned()]),
        };
        simulate(&simulation, self.marker.as_deref(), self.max_items)
    }
}

impl Handle for GetContextKeysForPrincipalPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(source_arn(&self.policy_source_arn)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetContextKeysForPolicyResponse, ServiceError> {
        let (mut identity, boundary) = principal_policies(call, &self.policy_source_arn)?;
        identity.extend(boundary);
        identity.extend(SimPolicy::inputs(
            "PolicyInputList",
            self.policy_input_list.as_deref().unwrap_or_default(),
            PolicyKind::Identity,
        )?);
        Ok(GetContextKeysForPolicyResponse {
            context_key_names: Some(keys_of(&identity)),
        })
    }
}

/// The simulated entity's ARN, for authorization (the `user`, `group` or `role` it names).
fn source_arn(arn: &str) -> Arn {
    let resource_type = match arn.split(':').nth(5).and_then(|r| r.split('/').next()) {
        Some("group") => &warden_protocol::iam::arn::GROUP,
        Some("role") => &warden_protocol::iam::arn::ROLE,
        _ => &warden_protocol::iam::arn::USER,
    };
    Arn {
        resource_type,
        value: arn.to_owned(),
    }
}

/// The identity policies and boundary of the user, group or role `arn` names.
pub(crate) fn principal_policies(
    call: &Authorized<'_, '_>,
    arn: &str,
) -> Result<(Vec<SimPolicy>, Vec<SimPolicy>), ServiceError> {
    let account = call.ctx.account().to_owned();
    let missing = || ServiceError::NoSuchEntity(format!("The entity {arn} cannot be found."));
    let resource = arn
        .splitn(6, ':')
        .nth(5)
        .filter(|_| arn.split(':').nth(4) == Some(account.as_str()))
        .ok_or_else(missing)?;
    let (kind, name) = resource
        .split_once('/')
        .map(|(kind, rest)| (kind, rest.rsplit('/').next().unwrap_or(rest)))
        .ok_or_else(missing)?;
    let mut identity = Vec::new();
    let mut boundary_arn = None;
    match kind {
        "user" => {
            let user = call
                .read(|tx| tx.users().get(&account, name))?
                .ok_or_else(missing)?;
            let (inline, attached) = policies_of(call, Attachable::User, &user.user_name)?;
            let groups = call.read(|tx| tx.groups().groups_of(&account, &user.user_name))?;
            identity.extend(inline_policies(inline, "user")?);
            identity.extend(managed(call, &attached)?);
            for group in groups {
                let (inline, attached) = policies_of(call, Attachable::Group, &group.group_name)?;
                identity.extend(inline_policies(inline, "group")?);
                identity.extend(managed(call, &attached)?);
            }
            boundary_arn = user.permissions_boundary;
        }
        "group" => {
            let group = call
                .read(|tx| tx.groups().get(&account, name))?
                .ok_or_else(missing)?;
            let (inline, attached) = policies_of(call, Attachable::Group, &group.group_name)?;
            identity.extend(inline_policies(inline, "group")?);
            identity.extend(managed(call, &attached)?);
        }
        "role" => {
            let role = call
                .read(|tx| tx.roles().get(&account, name))?
                .ok_or_else(missing)?;
            let (inline, attached) = policies_of(call, Attachable::Role, &role.role_name)?;
            identity.extend(inline_policies(inline, "role")?);
            identity.extend(managed(call, &attached)?);
            boundary_arn = role.permissions_boundary;
        }
        _ => return Err(missing()),
    }
    let boundary = managed(call, boundary_arn.as_slice())?;
    Ok((identity, boundary))
}

fn inline_policies(
    records: Vec<InlinePolicyRecord>,
    source_type: &'static str,
) -> Result<Vec<SimPolicy>, ServiceError> {
    records
        .into_iter()
        .map(|record| {
            SimPolicy::parse(
                record.policy_name,
                source_type,
                &record.document,
                PolicyKind::Identity,
            )
        })
        .collect()
}

/// The managed policies with these ARNs, each at its default version.
pub(crate) fn managed(
    call: &Authorized<'_, '_>,
    arns: &[String],
) -> Result<Vec<SimPolicy>, ServiceError> {
    let mut policies = Vec::with_capacity(arns.len());
    for arn in arns {
        match find(call, arn)? {
            Found::Aws(policy) => {
                let compiled = policy
                    .compile(arn)
                    .map_err(ServiceError::MalformedPolicyDocument)?;
                policies.push(SimPolicy::compiled(
                    arn.clone(),
                    "aws-managed",
                    compiled,
                    warden_policy::statement_spans(&policy.document),
                ));
            }
            Found::Customer(record) => {
                let version = call
                    .read(|tx| {
                        tx.managed_policies()
                            .get_version(arn, record.default_version)
                    })?
                    .ok_or_else(|| ServiceError::Internal(format!("{arn}: no default version")))?;
                policies.push(SimPolicy::parse(
                    arn.clone(),
                    "user-managed",
                    &version.document,
                    PolicyKind::Identity,
                )?);
            }
        }
    }
    Ok(policies)
}
