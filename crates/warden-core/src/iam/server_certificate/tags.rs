//! TagServerCertificate, UntagServerCertificate, ListServerCertificateTags.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    ListServerCertificateTagsRequest, ListServerCertificateTagsResponse,
    TagServerCertificateRequest, UntagServerCertificateRequest,
};

use super::{certificate_arn, find_certificate};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for TagServerCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, "ServerCertificate")?;
        Ok(Access::Check {
            resources: vec![certificate_arn(ctx, &self.server_certificate_name)?],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write_outside_snapshot(|tx| {
            tx.server_certificates()
                .tag(account, &self.server_certificate_name, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagServerCertificateRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![certificate_arn(ctx, &self.server_certificate_name)?],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.server_certificates()
                .untag(account, &self.server_certificate_name, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListServerCertificateTagsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(certificate_arn(
            ctx,
            &self.server_certificate_name,
        )?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListServerCertificateTagsResponse, ServiceError> {
        let certificate = find_certificate(call, &self.server_certificate_name)?;
        let tags = tag_shapes(&certificate.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListServerCertificateTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
