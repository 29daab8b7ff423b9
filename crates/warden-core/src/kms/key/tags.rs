//! TagResource, UntagResource and ListResourceTags.

use warden_policy::ContextValue;
use warden_protocol::NoOutput;
use warden_protocol::kms::{
    ListResourceTagsRequest, ListResourceTagsResponse, Tag, TagResourceRequest,
    UntagResourceRequest, errors,
};

use super::super::resolve::access_to;
use super::{find, page, require_not_pending, store};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// The most tags a key may have.
const MAX_TAGS: usize = 50;

fn tag_error(message: impl Into<String>) -> ServiceError {
    ServiceError::modeled(&errors::TAG, message)
}

/// Refuses reserved (`aws:`) tag keys and more tags than a key may have.
pub(crate) fn check_tags(tags: &[(String, String)]) -> Result<(), ServiceError> {
    if tags
        .iter()
        .any(|(key, _)| key.to_ascii_lowercase().starts_with("aws:"))
    {
        return Err(tag_error("Tags beginning with aws: are reserved."));
    }
    if tags.len() > MAX_TAGS {
        return Err(tag_error(format!(
            "A KMS key can have at most {MAX_TAGS} tags."
        )));
    }
    Ok(())
}

/// `aws:RequestTag/…` for each tag and `aws:TagKeys`, when there are tags.
pub(crate) fn request_tag_keys(tags: &[(String, String)]) -> Vec<(String, ContextValue)> {
    if tags.is_empty() {
        return Vec::new();
    }
    let mut keys: Vec<_> = tags
        .iter()
        .map(|(key, value)| {
            (
                format!("aws:RequestTag/{key}"),
                ContextValue::Single(value.clone()),
            )
        })
        .collect();
    keys.push((
        "aws:TagKeys".to_owned(),
        ContextValue::Multi(tags.iter().map(|(key, _)| key.clone()).collect()),
    ));
    keys
}

impl Handle for TagResourceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags: Vec<(String, String)> = self
            .tags
            .iter()
            .map(|tag| (tag.tag_key.clone(), tag.tag_value.clone()))
            .collect();
        access_to(
            ctx,
            &self.key_id,
            "TagResource",
            None,
            request_tag_keys(&tags),
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let mut key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        let mut tags = key.tags.clone();
        for tag in self.tags {
            match tags.iter_mut().find(|(key, _)| *key == tag.tag_key) {
                Some(existing) => existing.1 = tag.tag_value,
                None => tags.push((tag.tag_key, tag.tag_value)),
            }
        }
        check_tags(&tags)?;
        key.tags = tags;
        store(call, &key)?;
        Ok(NoOutput)
    }
}

impl Handle for UntagResourceRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(
            ctx,
            &self.key_id,
            "UntagResource",
            None,
            vec![(
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(self.tag_keys.clone()),
            )],
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let mut key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        key.tags.retain(|(tag, _)| !self.tag_keys.contains(tag));
        store(call, &key)?;
        Ok(NoOutput)
    }
}

impl Handle for ListResourceTagsRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "ListResourceTags", None, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListResourceTagsResponse, ServiceError> {
        let key = find(call, &self.key_id)?.key;
        let (tags, next) = page(key.tags, self.marker.as_deref(), self.limit, 50)?;
        Ok(ListResourceTagsResponse {
            tags: Some(
                tags.into_iter()
                    .map(|(tag_key, tag_value)| Tag { tag_key, tag_value })
                    .collect(),
            ),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}
