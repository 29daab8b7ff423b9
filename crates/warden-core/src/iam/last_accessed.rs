//! GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails and
//! GetServiceLastAccessedDetailsWithEntities: when a user, group, role or managed policy
//! was last used to try each service its permissions policies allow, from the attempts
//! Warden notes as calls are authorized ([`crate::service_accesses`]). A report is
//! computed whole when it is generated, so its job is `COMPLETED` at once.

mod jobs;
mod report;

pub(crate) use jobs::LastAccessedJobs;

use std::collections::HashSet;

use warden_protocol::Arn;
use warden_protocol::iam::{
    EntityDetails, EntityInfo, GenerateServiceLastAccessedDetailsRequest,
    GenerateServiceLastAccessedDetailsResponse, GetServiceLastAccessedDetailsRequest,
    GetServiceLastAccessedDetailsResponse, GetServiceLastAccessedDetailsWithEntitiesRequest,
    GetServiceLastAccessedDetailsWithEntitiesResponse, ServiceLastAccessed,
    TrackedActionLastAccessed,
};
use warden_store::{Attachable, GroupRecord, RoleRecord, UserRecord};

use crate::iam::paging::page_of;
use crate::iam::simulate::{managed, principal_policies};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};
use jobs::Job;
use report::{Attempt, Entity, Report};

/// What a report is about, from its ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    User,
    Group,
    Role,
    Policy,
}

impl Subject {
    /// The kind of entity `arn` names (by its resource type), if it is one a report can be
    /// about.
    fn of(arn: &str) -> Option<(Self, &'static warden_protocol::ResourceType)> {
        let resource = arn.splitn(6, ':').nth(5)?;
        let kind = resource.split('/').next()?;
        use warden_protocol::iam::arn;
        match kind {
            "user" => Some((Self::User, &arn::USER)),
            "group" => Some((Self::Group, &arn::GROUP)),
            "role" => Some((Self::Role, &arn::ROLE)),
            "policy" => Some((Self::Policy, &arn::POLICY)),
            _ => None,
        }
    }
}

fn invalid_arn(arn: &str) -> ServiceError {
    ServiceError::InvalidInput(format!("ARN {arn} is not valid."))
}

impl Handle for GenerateServiceLastAccessedDetailsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let (_, resource_type) = Subject::of(&self.arn).ok_or_else(|| invalid_arn(&self.arn))?;
        Ok(Access::on(Arn {
            resource_type,
            value: self.arn.clone(),
        }))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GenerateServiceLastAccessedDetailsResponse, ServiceError> {
        let (subject, _) = Subject::of(&self.arn).ok_or_else(|| invalid_arn(&self.arn))?;
        let account = call.ctx.account().to_owned();
        let missing =
            || ServiceError::NoSuchEntity(format!("The entity {} cannot be found.", self.arn));
        // The caller's own entities, and AWS managed policies (account `aws`).
        let owner = self.arn.split(':').nth(4);
        let aws_managed =
            subject == Subject::Policy && owner == Some(crate::aws_managed::AWS_ACCOUNT);
        if owner != Some(account.as_str()) && !aws_managed {
            return Err(missing());
        }
        let policies = match subject {
            Subject::Policy => managed(call, std::slice::from_ref(&self.arn))?,
            _ => principal_policies(call, &self.arn)?.0,
        };
        let name = self.arn.rsplit('/').next().unwrap_or_default().to_owned();
        let entities = entities_of(call, subject, &name, &self.arn)?;
        let ids: Vec<String> = entities.iter().map(|entity| entity.id.clone()).collect();
        let accesses = {
            let noted = &call.ctx.warden.service_accesses;
            call.read(|tx| noted.of_principals(tx, &account, &ids))?
        };
        let action_level = self.granularity.as_deref() == Some("ACTION_LEVEL");
        let compiled: Vec<&warden_policy::Policy> =
            policies.iter().map(|policy| policy.policy()).collect();
        let report = report::compute(&compiled, entities, &accesses, action_level);
        let job_id = warden_crypto::Uuid::new_v4(call.ctx.warden.rng.as_ref())
            .map_err(|error| {
                ServiceError::Internal(format!("no randomness for a job id: {error}"))
            })?
            .to_string();
        call.ctx.warden.last_accessed_jobs.keep(
            job_id.clone(),
            Job {
                account,
                owner: call.ctx.caller.arn.clone(),
                created: call.ctx.warden.now().as_millisecond(),
                action_level,
                report,
            },
        );
        Ok(GenerateServiceLastAccessedDetailsResponse {
            job_id: Some(job_id),
        })
    }
}

/// The users and roles whose attempts a report on `subject` counts: the user or role
/// itself, a group's members, or the users (directly or through a group) and roles a
/// managed policy is attached to.
fn entities_of(
    call: &Authorized<'_, '_>,
    subject: Subject,
    name: &str,
    arn: &str,
) -> Result<Vec<Entity>, ServiceError> {
    let account = call.ctx.account();
    let missing = || ServiceError::NoSuchEntity(format!("The entity {arn} cannot be found."));
    let mut users: Vec<UserRecord> = Vec::new();
    let mut roles: Vec<RoleRecord> = Vec::new();
    match subject {
        Subject::User => users.extend(call.read(|tx| tx.users().get(account, name))?),
        Subject::Role => roles.extend(call.read(|tx| tx.roles().get(account, name))?),
        Subject::Group => {
            let group: GroupRecord = call
                .read(|tx| tx.groups().get(account, name))?
                .ok_or_else(missing)?;
            users = call.read(|tx| tx.groups().members(account, &group.group_name))?;
        }
        Subject::Policy => {
            for attachment in call.read(|tx| tx.managed_policies().entities(account, arn))? {
                let entity = attachment.entity_name.as_str();
                match attachment.kind {
                    Attachable::User => {
                        users.extend(call.read(|tx| tx.users().get(account, entity))?);
                    }
                    Attachable::Group => {
                        users.extend(call.read(|tx| tx.groups().members(account, entity))?);
                    }
                    Attachable::Role => {
                        roles.extend(call.read(|tx| tx.roles().get(account, entity))?);
                    }
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let users = users.into_iter().map(|user| Entity {
        arn: user.arn,
        name: user.user_name,
        kind: "USER",
        id: user.user_id,
        path: user.path,
    });
    let roles = roles.into_iter().map(|role| Entity {
        arn: role.arn,
        name: role.role_name,
        kind: "ROLE",
        id: role.role_id,
        path: role.path,
    });
    Ok(users
        .chain(roles)
        .filter(|entity| seen.insert(entity.id.clone()))
        .collect())
}

/// The report `job_id` names, for the caller that generated it.
fn find_job(call: &Authorized<'_, '_>, job_id: &str) -> Result<std::sync::Arc<Job>, ServiceError> {
    call.ctx
        .warden
        .last_accessed_jobs
        .find(job_id, call.ctx.account(), &call.ctx.caller.arn)
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The job with ID {job_id} cannot be found."))
        })
}

fn entity_arn(report: &Report, attempt: Option<&Attempt>) -> Option<String> {
    attempt
        .and_then(|attempt| report.entities.get(attempt.entity))
        .map(|entity| entity.arn.clone())
}

impl Handle for GetServiceLastAccessedDetailsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetServiceLastAccessedDetailsResponse, ServiceError> {
        let job = find_job(call, &self.job_id)?;
        let report = &job.report;
        let services: Vec<ServiceLastAccessed> = report
            .services
            .iter()
            .map(|service| ServiceLastAccessed {
                service_name: service.name.clone(),
                service_namespace: service.namespace.clone(),
                last_authenticated: service.last.as_ref().map(|last| timestamp(last.when)),
                last_authenticated_entity: entity_arn(report, service.last.as_ref()),
                last_authenticated_region: service.last.as_ref().map(|last| last.region.clone()),
                total_authenticated_entities: Some(
                    i32::try_from(service.by_entity.len()).unwrap_or(i32::MAX),
                ),
                tracked_actions_last_accessed: service.actions.as_ref().map(|actions| {
                    actions
                        .iter()
                        .map(|action| TrackedActionLastAccessed {
                            action_name: Some(action.name.clone()),
                            last_accessed_entity: entity_arn(report, action.last.as_ref()),
                            last_accessed_time: action
                                .last
                                .as_ref()
                                .map(|last| timestamp(last.when)),
                            last_accessed_region: action
                                .last
                                .as_ref()
                                .map(|last| last.region.clone()),
                        })
                        .collect()
                }),
            })
            .collect();
        let (page, marker) = page_of(services, self.marker.as_deref(), self.max_items)?;
        Ok(GetServiceLastAccessedDetailsResponse {
            job_status: "COMPLETED".to_owned(),
            job_type: Some(
                if job.action_level {
                    "ACTION_LEVEL"
                } else {
                    "SERVICE_LEVEL"
                }
                .to_owned(),
            ),
            job_creation_date: timestamp(job.created),
            services_last_accessed: page,
            job_completion_date: timestamp(job.created),
            is_truncated: Some(marker.is_some()),
            marker,
            error: None,
        })
    }
}

impl Handle for GetServiceLastAccessedDetailsWithEntitiesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    /// Every entity the report covers, the most recent attempt first, then those that
    /// made none (by name). A service the report does not list has no entities.
    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetServiceLastAccessedDetailsWithEntitiesResponse, ServiceError> {
        let job = find_job(call, &self.job_id)?;
        let report = &job.report;
        let mut details: Vec<(Option<i64>, &Entity)> = report
            .services
            .iter()
            .find(|service| {
                service
                    .namespace
                    .eq_ignore_ascii_case(&self.service_namespace)
            })
            .map(|service| {
                report
                    .entities
                    .iter()
                    .enumerate()
                    .map(|(index, entity)| (service.by_entity.get(&index).copied(), entity))
                    .collect()
            })
            .unwrap_or_default();
        details
            .sort_by(|(a, first), (b, second)| b.cmp(a).then_with(|| first.name.cmp(&second.name)));
        let details: Vec<EntityDetails> = details
            .into_iter()
            .map(|(when, entity)| EntityDetails {
                entity_info: EntityInfo {
                    arn: entity.arn.clone(),
                    name: entity.name.clone(),
                    r#type: entity.kind.to_owned(),
                    id: entity.id.clone(),
                    path: Some(entity.path.clone()),
                },
                last_authenticated: when.map(timestamp),
            })
            .collect();
        let (page, marker) = page_of(details, self.marker.as_deref(), self.max_items)?;
        Ok(GetServiceLastAccessedDetailsWithEntitiesResponse {
            job_status: "COMPLETED".to_owned(),
            job_creation_date: timestamp(job.created),
            job_completion_date: timestamp(job.created),
            entity_details_list: page,
            is_truncated: Some(marker.is_some()),
            marker,
            error: None,
        })
    }
}
