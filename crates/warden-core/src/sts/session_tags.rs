//! Session tags (AssumeRole, GetFederationToken): the tags a request passes, the transitive
//! tags it inherits from the calling role session, the condition keys the authorization
//! sees (`aws:RequestTag/…`, `aws:TagKeys`, `sts:TransitiveTagKeys`, action
//! `sts:TagSession`), and what the new session carries.
//!
//! AWS's rules (IAM User Guide, "Pass session tags in AWS STS"): keys are unique ignoring
//! case; a session tag overrides the principal's own tag with the same key; a role session
//! passes its transitive tags on to the session it chains to, and a request passing a tag
//! with the key of an inherited one fails; passing tags needs `sts:TagSession`.

use warden_policy::ContextValue;
use warden_protocol::sts::Tag;

use crate::{Ctx, ServiceError};

/// The action a request passing session tags needs, beyond its own.
pub(super) const TAG_SESSION: &str = "sts:TagSession";

/// The session tags of a new session.
#[derive(Debug, Default)]
pub(super) struct SessionTags {
    /// The tags the request passes.
    passed: Vec<(String, String)>,
    /// The transitive tags inherited from the calling session.
    inherited: Vec<(String, String)>,
    /// The transitive keys: the inherited ones, then those the request names.
    transitive: Vec<String>,
}

impl SessionTags {
    /// The tags of a session `ctx`'s caller starts, passing `tags` and `transitive_keys`.
    pub(super) fn new(
        ctx: &Ctx<'_>,
        tags: Option<&[Tag]>,
        transitive_keys: Option<&[String]>,
    ) -> Result<Self, ServiceError> {
        let passed: Vec<(String, String)> = tags
            .unwrap_or_default()
            .iter()
            .map(|tag| (tag.key.clone(), tag.value.clone()))
            .collect();
        for (index, (key, _)) in passed.iter().enumerate() {
            if passed
                .iter()
                .skip(index + 1)
                .any(|(other, _)| other.eq_ignore_ascii_case(key))
            {
                return Err(ServiceError::InvalidParameterValue(
                    "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                        .to_owned(),
                ));
            }
        }
        let named = transitive_keys.unwrap_or_default();
        if let Some(key) = named
            .iter()
            .find(|key| !passed.iter().any(|(tag, _)| tag.eq_ignore_ascii_case(key)))
        {
            return Err(ServiceError::InvalidParameterValue(format!(
                "The transitive tag key {key} is not among the session tags passed in Tags."
            )));
        }
        let (inherited, mut transitive) = match &ctx.caller.session {
            Some(session) => (
                session.transitive_tags().cloned().collect::<Vec<_>>(),
                session
                    .transitive_tags()
                    .map(|(key, _)| key.clone())
                    .collect::<Vec<_>>(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        if let Some((key, _)) = passed.iter().find(|(key, _)| {
            inherited
                .iter()
                .any(|(inherited, _)| inherited.eq_ignore_ascii_case(key))
        }) {
            return Err(ServiceError::InvalidParameterValue(format!(
                "The session tag {key} conflicts with a transitive session tag inherited from the calling session."
            )));
        }
        transitive.extend(named.iter().cloned());
        Ok(Self {
            passed,
            inherited,
            transitive,
        })
    }

    /// Whether the new session carries any session tag (then `sts:TagSession` must be
    /// allowed).
    pub(super) fn any(&self) -> bool {
        !self.passed.is_empty() || !self.inherited.is_empty()
    }

    /// The condition keys describing the tags to the authorization: `aws:RequestTag/…` and
    /// `aws:TagKeys` for every tag the session will carry, `sts:TransitiveTagKeys`.
    pub(super) fn condition_keys(&self) -> Vec<(String, ContextValue)> {
        if !self.any() {
            return Vec::new();
        }
        let all = || self.inherited.iter().chain(&self.passed);
        let mut keys: Vec<(String, ContextValue)> = all()
            .map(|(key, value)| {
                (
                    format!("aws:RequestTag/{key}"),
                    ContextValue::Single(value.clone()),
                )
            })
            .collect();
        keys.push((
            "aws:TagKeys".to_owned(),
            ContextValue::Multi(all().map(|(key, _)| key.clone()).collect()),
        ));
        if !self.transitive.is_empty() {
            keys.push((
                "sts:TransitiveTagKeys".to_owned(),
                ContextValue::Multi(self.transitive.clone()),
            ));
        }
        keys
    }

    /// The plaintext size of the passed tags (keys and values), for the packed size;
    /// inherited tags were counted when they were passed.
    pub(super) fn plaintext_size(&self) -> usize {
        self.passed
            .iter()
            .map(|(key, value)| key.len() + value.len())
            .sum()
    }

    /// Whether the request passes tags of its own.
    pub(super) fn passes_any(&self) -> bool {
        !self.passed.is_empty()
    }

    /// The new session's tags and transitive keys.
    pub(super) fn into_session(self) -> (Vec<(String, String)>, Vec<String>) {
        let mut tags = self.inherited;
        tags.extend(self.passed);
        (tags, self.transitive)
    }
}
