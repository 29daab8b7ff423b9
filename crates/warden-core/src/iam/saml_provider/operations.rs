//! CreateSAMLProvider, GetSAMLProvider, ListSAMLProviders, UpdateSAMLProvider,
//! DeleteSAMLProvider, TagSAMLProvider, UntagSAMLProvider, ListSAMLProviderTags.

use warden_crypto::Uuid;
use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    CreateSAMLProviderRequest, CreateSAMLProviderResponse, DeleteSAMLProviderRequest,
    GetSAMLProviderRequest, GetSAMLProviderResponse, ListSAMLProviderTagsRequest,
    ListSAMLProviderTagsResponse, ListSAMLProvidersRequest, ListSAMLProvidersResponse,
    SAMLPrivateKey, SAMLProviderListEntry, TagSAMLProviderRequest, UntagSAMLProviderRequest,
    UpdateSAMLProviderRequest, UpdateSAMLProviderResponse,
};
use warden_store::{SamlEncryption, SamlProviderRecord};
use zeroize::Zeroizing;

use super::{EncryptionChange, find_provider, new_provider_arn, provider_arn, read_metadata};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

/// The tag quota's name for SAML providers.
const TAGGED: &str = "SAMLProvider";

impl Handle for CreateSAMLProviderRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(self.tags.as_deref());
        check_tags(&tags, TAGGED)?;
        Ok(Access::Check {
            resources: vec![new_provider_arn(ctx, &self.name)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateSAMLProviderResponse, ServiceError> {
        let ctx = call.ctx;
        let now = ctx.warden.now().as_millisecond();
        let change = EncryptionChange {
            mode: self.assertion_encryption_mode,
            add: self.add_private_key.map(Zeroizing::new),
            remove: None,
        };
        let encryption = change.apply(ctx, SamlEncryption::default(), now)?;
        let metadata = read_metadata(self.saml_metadata_document, now)?;
        let uuid = Uuid::new_v4(ctx.warden.rng.as_ref())
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        let record = SamlProviderRecord {
            account_id: ctx.account().to_owned(),
            arn: new_provider_arn(ctx, &self.name).value,
            name: self.name,
            uuid: uuid.to_string(),
            create_date: now,
            metadata,
            encryption,
            tags: tag_pairs(self.tags.as_deref()),
        };
        call.write_outside_snapshot(|tx| tx.saml_providers().create(&record))?;
        Ok(CreateSAMLProviderResponse {
            saml_provider_arn: Some(record.arn),
            tags: tag_shapes(&record.tags),
        })
    }
}

impl Handle for GetSAMLProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(&self.saml_provider_arn)?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetSAMLProviderResponse, ServiceError> {
        let provider = find_provider(call, &self.saml_provider_arn)?;
        Ok(GetSAMLProviderResponse {
            saml_provider_uuid: Some(provider.uuid),
            create_date: Some(timestamp(provider.create_date)),
            valid_until: Some(timestamp(provider.metadata.valid_until)),
            tags: tag_shapes(&provider.tags),
            saml_metadata_document: Some(provider.metadata.document),
            private_key_list: (!provider.encryption.private_keys.is_empty()).then(|| {
                provider
                    .encryption
                    .private_keys
                    .iter()
                    .map(|key| SAMLPrivateKey {
                        key_id: Some(key.key_id.clone()),
                        timestamp: Some(timestamp(key.upload_date)),
                    })
                    .collect()
            }),
            assertion_encryption_mode: provider.encryption.mode,
        })
    }
}

impl Handle for ListSAMLProvidersRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListSAMLProviders no resource type.
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListSAMLProvidersResponse, ServiceError> {
        let providers = call.read(|tx| tx.saml_providers().list(call.ctx.account()))?;
        Ok(ListSAMLProvidersResponse {
            saml_provider_list: Some(
                providers
                    .into_iter()
                    .map(|provider| SAMLProviderListEntry {
                        arn: Some(provider.arn),
                        valid_until: Some(timestamp(provider.metadata.valid_until)),
                        create_date: Some(timestamp(provider.create_date)),
                    })
                    .collect(),
            ),
        })
    }
}

impl Handle for UpdateSAMLProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(&self.saml_provider_arn)?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<UpdateSAMLProviderResponse, ServiceError> {
        let provider = find_provider(call, &self.saml_provider_arn)?;
        let change = EncryptionChange {
            mode: self.assertion_encryption_mode,
            add: self.add_private_key.map(Zeroizing::new),
            remove: self.remove_private_key,
        };
        if self.saml_metadata_document.is_none() && change.is_empty() {
            return Err(ServiceError::InvalidInput(
                "No updates are defined for the SAML provider.".to_owned(),
            ));
        }
        let now = call.ctx.warden.now().as_millisecond();
        let encryption = change.apply(call.ctx, provider.encryption, now)?;
        let metadata = match self.saml_metadata_document {
            Some(document) => read_metadata(document, now)?,
            None => provider.metadata,
        };
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.saml_providers()
                .update(account, &provider.name, &metadata, &encryption)
        })?;
        Ok(UpdateSAMLProviderResponse {
            saml_provider_arn: Some(provider.arn),
        })
    }
}

impl Handle for DeleteSAMLProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(&self.saml_provider_arn)?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let provider = find_provider(call, &self.saml_provider_arn)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| tx.saml_providers().delete(account, &provider.name))?;
        Ok(NoOutput)
    }
}

impl Handle for TagSAMLProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, TAGGED)?;
        Ok(Access::Check {
            resources: vec![provider_arn(&self.saml_provider_arn)?],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let provider = find_provider(call, &self.saml_provider_arn)?;
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write_outside_snapshot(|tx| tx.saml_providers().tag(account, &provider.name, &tags))?;
        Ok(NoOutput)
    }
}

impl Handle for UntagSAMLProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![provider_arn(&self.saml_provider_arn)?],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let provider = find_provider(call, &self.saml_provider_arn)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.saml_providers()
                .untag(account, &provider.name, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListSAMLProviderTagsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(&self.saml_provider_arn)?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListSAMLProviderTagsResponse, ServiceError> {
        let provider = find_provider(call, &self.saml_provider_arn)?;
        let tags = tag_shapes(&provider.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListSAMLProviderTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
