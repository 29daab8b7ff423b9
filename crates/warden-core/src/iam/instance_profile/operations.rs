//! CreateInstanceProfile, GetInstanceProfile, ListInstanceProfiles, DeleteInstanceProfile,
//! AddRoleToInstanceProfile, RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    AddRoleToInstanceProfileRequest, CreateInstanceProfileRequest, CreateInstanceProfileResponse,
    DeleteInstanceProfileRequest, GetInstanceProfileRequest, GetInstanceProfileResponse,
    ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse,
    ListInstanceProfilesRequest, ListInstanceProfilesResponse,
    RemoveRoleFromInstanceProfileRequest,
};
use warden_store::InstanceProfileRecord;

use super::{find_profile, new_profile_arn, profile_arn, profile_shape};
use crate::iam::paging::{page_of, page_request};
use crate::iam::role::find_role;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for CreateInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(self.tags.as_deref());
        check_tags(&tags, "InstanceProfile")?;
        let path = self.path.as_deref().unwrap_or("/");
        Ok(Access::Check {
            resources: vec![new_profile_arn(ctx, path, &self.instance_profile_name)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateInstanceProfileResponse, ServiceError> {
        let ctx = call.ctx;
        let path = self.path.unwrap_or_else(|| "/".to_owned());
        let record = InstanceProfileRecord {
            account_id: ctx.account().to_owned(),
            arn: new_profile_arn(ctx, &path, &self.instance_profile_name).value,
            instance_profile_id: warden_crypto::credentials::unique_id(
                warden_crypto::credentials::UniqueIdPrefix::InstanceProfile,
                ctx.warden.rng.as_ref(),
            )
            .map_err(|error| ServiceError::Internal(error.to_string()))?,
            instance_profile_name: self.instance_profile_name,
            path,
            create_date: ctx.warden.now().as_millisecond(),
            tags: tag_pairs(self.tags.as_deref()),
            roles: Vec::new(),
        };
        call.write_outside_snapshot(|tx| tx.instance_profiles().create(&record))?;
        Ok(CreateInstanceProfileResponse {
            instance_profile: profile_shape(call, &record)?,
        })
    }
}

impl Handle for GetInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(profile_arn(ctx, &self.instance_profile_name)?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetInstanceProfileResponse, ServiceError> {
        let record = find_profile(call, &self.instance_profile_name)?;
        Ok(GetInstanceProfileResponse {
            instance_profile: profile_shape(call, &record)?,
        })
    }
}

impl Handle for ListInstanceProfilesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListInstanceProfiles no resource type.
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListInstanceProfilesResponse, ServiceError> {
        let page = page_request(self.marker, self.max_items);
        let page = call.read(|tx| {
            tx.instance_profiles()
                .list(call.ctx.account(), self.path_prefix.as_deref(), &page)
        })?;
        let instance_profiles = page
            .items
            .iter()
            .map(|record| profile_shape(call, record))
            .collect::<Result<_, _>>()?;
        Ok(ListInstanceProfilesResponse {
            instance_profiles,
            is_truncated: Some(page.next_marker.is_some()),
            marker: page.next_marker,
        })
    }
}

impl Handle for DeleteInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(profile_arn(ctx, &self.instance_profile_name)?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.instance_profiles()
                .delete(account, &self.instance_profile_name)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for AddRoleToInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(profile_arn(ctx, &self.instance_profile_name)?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.instance_profiles()
                .add_role(account, &self.instance_profile_name, &self.role_name)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for RemoveRoleFromInstanceProfileRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(profile_arn(ctx, &self.instance_profile_name)?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.instance_profiles().remove_role(
                account,
                &self.instance_profile_name,
                &self.role_name,
            )
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListInstanceProfilesForRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListInstanceProfilesForRoleResponse, ServiceError> {
        let role = find_role(call, &self.role_name)?;
        let profiles = call
            .read(|tx| {
                tx.instance_profiles()
                    .for_role(call.ctx.account(), &role.role_name)
            })?
            .iter()
            .map(|record| profile_shape(call, record))
            .collect::<Result<Vec<_>, _>>()?;
        let (instance_profiles, marker) =
            page_of(profiles, self.marker.as_deref(), self.max_items)?;
        Ok(ListInstanceProfilesForRoleResponse {
            instance_profiles,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
