//! CreateOpenIDConnectProvider, GetOpenIDConnectProvider, ListOpenIDConnectProviders,
//! DeleteOpenIDConnectProvider, AddClientIDToOpenIDConnectProvider,
//! RemoveClientIDFromOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint,
//! TagOpenIDConnectProvider, UntagOpenIDConnectProvider, ListOpenIDConnectProviderTags.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    AddClientIDToOpenIDConnectProviderRequest, CreateOpenIDConnectProviderRequest,
    CreateOpenIDConnectProviderResponse, DeleteOpenIDConnectProviderRequest,
    GetOpenIDConnectProviderRequest, GetOpenIDConnectProviderResponse,
    ListOpenIDConnectProviderTagsRequest, ListOpenIDConnectProviderTagsResponse,
    ListOpenIDConnectProvidersRequest, ListOpenIDConnectProvidersResponse,
    OpenIDConnectProviderListEntry, RemoveClientIDFromOpenIDConnectProviderRequest,
    TagOpenIDConnectProviderRequest, UntagOpenIDConnectProviderRequest,
    UpdateOpenIDConnectProviderThumbprintRequest,
};
use warden_store::{OpenIdConnectProviderRecord, OpenIdConnectProviderUpdate};

use super::{
    check_client_ids, check_thumbprints, check_url, find_provider, lookup, new_provider_arn,
    provider_arn,
};
use crate::iam::paging::page_of;
use crate::iam::tagging::{check_tags, tag_keys, tag_pairs, tag_shapes};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError, timestamp};

/// The tag quota's name for OpenID Connect providers.
const TAGGED: &str = "OpenIdConnectProvider";

impl Handle for CreateOpenIDConnectProviderRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let url = check_url(&self.url)?;
        let tags = tag_pairs(self.tags.as_deref());
        check_tags(&tags, TAGGED)?;
        Ok(Access::Check {
            resources: vec![new_provider_arn(ctx, url)],
            keys: tag_keys(&tags),
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<CreateOpenIDConnectProviderResponse, ServiceError> {
        let ctx = call.ctx;
        let url = check_url(&self.url)?.to_owned();
        let thumbprints = self.thumbprint_list.unwrap_or_default();
        check_thumbprints(&thumbprints)?;
        let client_ids = check_client_ids(self.client_id_list.unwrap_or_default())?;
        let record = OpenIdConnectProviderRecord {
            account_id: ctx.account().to_owned(),
            arn: new_provider_arn(ctx, &url).value,
            url,
            client_ids,
            thumbprints,
            create_date: ctx.warden.now().as_millisecond(),
            tags: tag_pairs(self.tags.as_deref()),
        };
        call.write_outside_snapshot(|tx| tx.open_id_connect_providers().create(&record))?;
        Ok(CreateOpenIDConnectProviderResponse {
            open_id_connect_provider_arn: Some(record.arn),
            tags: tag_shapes(&record.tags),
        })
    }
}

impl Handle for GetOpenIDConnectProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(
            &self.open_id_connect_provider_arn,
        )?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetOpenIDConnectProviderResponse, ServiceError> {
        let provider = find_provider(call, &self.open_id_connect_provider_arn)?;
        Ok(GetOpenIDConnectProviderResponse {
            create_date: Some(timestamp(provider.create_date)),
            tags: tag_shapes(&provider.tags),
            url: Some(provider.url),
            client_id_list: Some(provider.client_ids),
            thumbprint_list: Some(provider.thumbprints),
        })
    }
}

impl Handle for ListOpenIDConnectProvidersRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        // The service authorization reference gives ListOpenIDConnectProviders no resource
        // type.
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListOpenIDConnectProvidersResponse, ServiceError> {
        let providers = call.read(|tx| tx.open_id_connect_providers().list(call.ctx.account()))?;
        Ok(ListOpenIDConnectProvidersResponse {
            open_id_connect_provider_list: Some(
                providers
                    .into_iter()
                    .map(|provider| OpenIDConnectProviderListEntry {
                        arn: Some(provider.arn),
                    })
                    .collect(),
            ),
        })
    }
}

impl Handle for DeleteOpenIDConnectProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(
            &self.open_id_connect_provider_arn,
        )?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        // Idempotent, as AWS documents: deleting a provider that does not exist succeeds.
        if let Some(provider) = lookup(call, &self.open_id_connect_provider_arn)? {
            let account = call.ctx.account();
            call.write_outside_snapshot(|tx| {
                tx.open_id_connect_providers()
                    .delete(account, &provider.url)
            })?;
        }
        Ok(NoOutput)
    }
}

/// Replaces the client ids and thumbprints of the provider `provider_arn` names with what
/// `change` makes of its current ones.
fn change_lists(
    call: &mut Authorized<'_, '_>,
    provider_arn: &str,
    change: impl FnOnce(&mut OpenIdConnectProviderUpdate) -> Result<(), ServiceError>,
) -> Result<NoOutput, ServiceError> {
    let provider = find_provider(call, provider_arn)?;
    let mut update = OpenIdConnectProviderUpdate {
        client_ids: provider.client_ids,
        thumbprints: provider.thumbprints,
    };
    change(&mut update)?;
    let account = call.ctx.account();
    call.write_outside_snapshot(|tx| {
        tx.open_id_connect_providers()
            .update(account, &provider.url, &update)
    })?;
    Ok(NoOutput)
}

impl Handle for AddClientIDToOpenIDConnectProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(
            &self.open_id_connect_provider_arn,
        )?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let client_id = self.client_id;
        change_lists(call, &self.open_id_connect_provider_arn, |update| {
            // Adding a client id the provider has already is not an error.
            let mut client_ids = std::mem::take(&mut update.client_ids);
            client_ids.push(client_id);
            update.client_ids = check_client_ids(client_ids)?;
            Ok(())
        })
    }
}

impl Handle for RemoveClientIDFromOpenIDConnectProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(
            &self.open_id_connect_provider_arn,
        )?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let client_id = self.client_id;
        change_lists(call, &self.open_id_connect_provider_arn, |update| {
            // Removing a client id the provider does not have is not an error.
            update.client_ids.retain(|id| *id != client_id);
            Ok(())
        })
    }
}

impl Handle for UpdateOpenIDConnectProviderThumbprintRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        check_thumbprints(&self.thumbprint_list)?;
        Ok(Access::on(provider_arn(
            &self.open_id_connect_provider_arn,
        )?))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let thumbprints = self.thumbprint_list;
        change_lists(call, &self.open_id_connect_provider_arn, |update| {
            update.thumbprints = thumbprints;
            Ok(())
        })
    }
}

impl Handle for TagOpenIDConnectProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = tag_pairs(Some(&self.tags));
        check_tags(&tags, TAGGED)?;
        Ok(Access::Check {
            resources: vec![provider_arn(&self.open_id_connect_provider_arn)?],
            keys: tag_keys(&tags),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let provider = find_provider(call, &self.open_id_connect_provider_arn)?;
        let account = call.ctx.account();
        let tags = tag_pairs(Some(&self.tags));
        call.write_outside_snapshot(|tx| {
            tx.open_id_connect_providers()
                .tag(account, &provider.url, &tags)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for UntagOpenIDConnectProviderRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::Check {
            resources: vec![provider_arn(&self.open_id_connect_provider_arn)?],
            keys: vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let provider = find_provider(call, &self.open_id_connect_provider_arn)?;
        let account = call.ctx.account();
        call.write_outside_snapshot(|tx| {
            tx.open_id_connect_providers()
                .untag(account, &provider.url, &self.tag_keys)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListOpenIDConnectProviderTagsRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(provider_arn(
            &self.open_id_connect_provider_arn,
        )?))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListOpenIDConnectProviderTagsResponse, ServiceError> {
        let provider = find_provider(call, &self.open_id_connect_provider_arn)?;
        let tags = tag_shapes(&provider.tags).unwrap_or_default();
        let (tags, marker) = page_of(tags, self.marker.as_deref(), self.max_items)?;
        Ok(ListOpenIDConnectProviderTagsResponse {
            tags,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
