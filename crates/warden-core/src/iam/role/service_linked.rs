//! Service-linked roles: CreateServiceLinkedRole (a role at `/aws-service-role/<service>/`
//! that the service, and only it, may assume), DeleteServiceLinkedRole (deleted at once; the
//! deletion task id names the role) and GetServiceLinkedRoleDeletionStatus. Such a role is
//! protected: the ordinary role operations that would change or delete it answer
//! `UnmodifiableEntity` ([`check_modifiable`]).

use serde_json::json;
use warden_policy::ContextValue;
use warden_protocol::iam::{
    CreateServiceLinkedRoleRequest, CreateServiceLinkedRoleResponse,
    DeleteServiceLinkedRoleRequest, DeleteServiceLinkedRoleResponse,
    GetServiceLinkedRoleDeletionStatusRequest, GetServiceLinkedRoleDeletionStatusResponse,
};
use warden_store::{DEFAULT_MAX_SESSION_DURATION, RoleRecord, StoreExt};

use super::{find_role, role_shape};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

/// The path prefix of every service-linked role.
const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// The name AWS gives a service's linked role: `elasticbeanstalk.amazonaws.com` →
/// `AWSServiceRoleForElasticbeanstalk`, with `_suffix` when a custom suffix is given.
fn role_name(service: &str, suffix: Option<&str>) -> String {
    let short = service.strip_suffix(".amazonaws.com").unwrap_or(service);
    let mut name = String::from("AWSServiceRoleFor");
    for part in short.split(['.', '-']).filter(|part| !part.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    if let Some(suffix) = suffix {
        name.push('_');
        name.push_str(suffix);
    }
    name
}

/// `UnmodifiableEntity` for a service-linked role, as AWS answers the ordinary role
/// operations that would change or delete it.
pub(crate) fn check_modifiable(role: &RoleRecord) -> Result<(), ServiceError> {
    if role.path.starts_with(SERVICE_ROLE_PATH) {
        return Err(ServiceError::modeled(
            &warden_protocol::iam::errors::UNMODIFIABLE_ENTITY,
            format!(
                "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                role.role_name
            ),
        ));
    }
    Ok(())
}

impl Handle for CreateServiceLinkedRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let name = role_name(&self.aws_service_name, self.custom_suffix.as_deref());
        let path = format!("{SERVICE_ROLE_PATH}{}/", self.aws_service_name);
        Ok(Access::Check {
            resources: vec![ctx.new_role_arn(&path, &name)],
            keys: vec![(
                "iam:AWSServiceName".to_owned(),
                ContextValue::Single(self.aws_service_name.clone()),
            )],
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateServiceLinkedRoleResponse, ServiceError> {
        if !self.aws_service_name.ends_with(".amazonaws.com") {
            return Err(ServiceError::InvalidInput(format!(
                "Service {} is not a valid AWS service name.",
                self.aws_service_name
            )));
        }
        let ctx = call.ctx;
        let name = role_name(&self.aws_service_name, self.custom_suffix.as_deref());
        if call
            .read(|tx| tx.roles().get(ctx.account(), &name))?
            .is_some()
        {
            return Err(ServiceError::InvalidInput(format!(
                "Service role name {name} has been taken in this account, please try a different suffix."
            )));
        }
        let path = format!("{SERVICE_ROLE_PATH}{}/", self.aws_service_name);
        let trust = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": [self.aws_service_name]},
                "Action": ["sts:AssumeRole"]
            }]
        });
        let record = RoleRecord {
            account_id: ctx.account().to_owned(),
            arn: ctx.new_role_arn(&path, &name).value,
            role_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::Role,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            role_name: name,
            path,
            create_date: ctx.warden.now().as_millisecond(),
            assume_role_policy_document: crate::json::sorted(trust).to_string(),
            description: self.description.filter(|d| !d.is_empty()),
            max_session_duration: DEFAULT_MAX_SESSION_DURATION,
            permissions_boundary: None,
            tags: Vec::new(),
            last_used: None,
        };
        call.write(Principal::Role(record.role_name.clone()), |tx| {
            tx.roles().create(&record)
        })?;
        let mut role = role_shape(&record, &ctx.warden.snapshot());
        role.role_last_used = None;
        Ok(CreateServiceLinkedRoleResponse { role: Some(role) })
    }
}

impl Handle for DeleteServiceLinkedRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DeleteServiceLinkedRoleResponse, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        let Some(service) = role
            .path
            .strip_prefix(SERVICE_ROLE_PATH)
            .and_then(|rest| rest.strip_suffix('/'))
            .map(str::to_owned)
        else {
            return Err(ServiceError::InvalidInput(format!(
                "The role {} is not a service-linked role.",
                role.role_name
            )));
        };
        let account = call.ctx.account();
        call.write(Principal::Role(role.role_name.clone()), |tx| {
            tx.roles().delete(account, &role.role_name)
        })?;
        let task = call.ctx.warden.request_id();
        Ok(DeleteServiceLinkedRoleResponse {
            deletion_task_id: format!("task/aws-service-role/{service}/{}/{task}", role.role_name),
        })
    }
}

impl Handle for GetServiceLinkedRoleDeletionStatusRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(
            ctx.role_arn(task_role(&self.deletion_task_id).unwrap_or("")),
        ))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetServiceLinkedRoleDeletionStatusResponse, ServiceError> {
        let role = task_role(&self.deletion_task_id).ok_or_else(|| {
            ServiceError::InvalidInput(format!(
                "Invalid deletion task id {}.",
                self.deletion_task_id
            ))
        })?;
        // Deletion is immediate: the task succeeded once the role is gone.
        let exists = call
            .ctx
            .warden
            .store()
            .read(|tx| tx.roles().get(call.ctx.account(), role))?
            .is_some();
        Ok(GetServiceLinkedRoleDeletionStatusResponse {
            status: if exists { "IN_PROGRESS" } else { "SUCCEEDED" }.to_owned(),
            reason: None,
        })
    }
}

/// The role a deletion task id names: `task/aws-service-role/<service>/<role>/<id>`.
fn task_role(task: &str) -> Option<&str> {
    let rest = task.strip_prefix("task/aws-service-role/")?;
    let mut parts = rest.rsplitn(3, '/');
    let _id = parts.next()?;
    let role = parts.next()?;
    parts.next()?;
    Some(role)
}

#[cfg(test)]
mod tests {
    use super::{role_name, task_role};

    #[test]
    fn names_and_task_ids() {
        assert_eq!(
            role_name("elasticbeanstalk.amazonaws.com", None),
            "AWSServiceRoleForElasticbeanstalk"
        );
        assert_eq!(
            role_name("autoscaling.amazonaws.com", Some("web")),
            "AWSServiceRoleForAutoscaling_web"
        );
        assert_eq!(
            task_role(
                "task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoscaling/0f"
            ),
            Some("AWSServiceRoleForAutoscaling")
        );
        assert_eq!(task_role("nonsense"), None);
    }
}
