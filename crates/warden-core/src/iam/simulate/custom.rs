//! SimulateCustomPolicy and GetContextKeysForCustomPolicy: policies given in the request
//! only.

use warden_policy::PolicyKind;
use warden_protocol::iam::{
    GetContextKeysForCustomPolicyRequest, GetContextKeysForPolicyResponse,
    SimulateCustomPolicyRequest, SimulatePolicyResponse,
};

use super::{SimPolicy, Simulation, caller, context_keys::keys_of, context_of, simulate};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for SimulateCustomPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives this action no resource type.
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<SimulatePolicyResponse, ServiceError> {
        let resource = SimPolicy::resource(self.resource_policy.as_deref())?;
        let simulation = Simulation {
            identity: SimPolicy::inputs(
                "PolicyInputList",
                &self.policy_input_list,
                PolicyKind::Identity,
            )?,
            boundary: SimPolicy::inputs(
                "PermissionsBoundaryPolicyInputList",
                self.permissions_boundary_policy_input_list
                    .as_deref()
                    .unwrap_or_default(),
                PolicyKind::Boundary,
            )?,
            resource,
            caller: caller(call.ctx, self.caller_arn.as_deref(), None)?,
            resource_owner: self.resource_owner,
            context: context_of(self.context_entries.as_deref()),
            actions: &self.action_names,
            resources: self.resource_arns.unwrap_or_else(|| vec!["*".to_owned()]),
        };
        simulate(&simulation, self.marker.as_deref(), self.max_items)
    }
}

impl Handle for GetContextKeysForCustomPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        _call: &mut Authorized<'_, '_>,
    ) -> Result<GetContextKeysForPolicyResponse, ServiceError> {
        let policies = SimPolicy::inputs(
            "PolicyInputList",
            &self.policy_input_list,
            PolicyKind::Identity,
        )?;
        Ok(GetContextKeysForPolicyResponse {
            context_key_names: Some(keys_of(&policies)),
        })
    }
}
