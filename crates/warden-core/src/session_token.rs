//! Session tokens: the temporary credentials' third part, self-contained.
//!
//! A session token is the session's claims — the access key id, the secret access key, the
//! account, the principal (a role session, an IAM user or the root user), issue and expiry
//! times, the MFA facts, the session policies and the source identity — serialized as JSON
//! and sealed (AES-256-GCM, `warden-crypto`'s [`Sealer`]) under the data key, with a purpose
//! label of its own as associated data, then base64-encoded. Authentication opens it without
//! reading the store: a token that does not open (forged, altered, sealed under another
//! data key) is unknown; the access key id it carries must be the one the signature's
//! scope names; its secret verifies the signature. Authorization still reads the current
//! snapshot (the role's policies), so deleting or changing a role takes effect at once.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use warden_crypto::Sealer;
use zeroize::{Zeroize, Zeroizing};

use crate::caller::{Caller, CallerKind, Session, SessionOrigin, SessionPolicies};

/// The associated data every session token is sealed with.
const TOKEN_PURPOSE: &[u8] = b"warden/sts/session-token/v1";
/// The claims' format version.
const VERSION: u8 = 1;

/// The principal of a session, as its token carries it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "t")]
pub(crate) enum TokenPrincipal {
    /// A role session.
    Role {
        /// The role's name.
        name: String,
        /// The role's unique id.
        id: String,
        /// The role's ARN.
        arn: String,
        /// The session's name.
        session: String,
    },
    /// An IAM user (GetSessionToken).
    User {
        /// The user's name.
        name: String,
        /// The user's unique id.
        id: String,
        /// The user's ARN.
        arn: String,
    },
    /// The account's root user (GetSessionToken).
    Root,
    /// A federated user (GetFederationToken).
    Federated {
        /// The federated user's name.
        name: String,
        /// The IAM user that federated it: name, unique id and ARN; `None` for the root
        /// user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<(String, String, String)>,
    },
}

/// Everything a session token carries.
#[derive(Serialize, Deserialize)]
pub(crate) struct Claims {
    /// Format version.
    pub(crate) v: u8,
    /// The temporary access key id (`ASIA…`).
    pub(crate) key: String,
    /// The secret access key.
    pub(crate) secret: String,
    /// The account.
    pub(crate) account: String,
    /// The session's principal.
    pub(crate) principal: TokenPrincipal,
    /// Issue time, epoch milliseconds.
    pub(crate) issued: i64,
    /// Expiry, epoch milliseconds.
    pub(crate) expires: i64,
    /// When the principal authenticated with MFA, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mfa: Option<i64>,
    /// The inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) policy: Option<String>,
    /// The managed session policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) policy_arns: Vec<String>,
    /// The source identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) source_identity: Option<String>,
    /// Whether the session came from GetSessionToken (else AssumeRole).
    #[serde(default)]
    pub(crate) gst: bool,
    /// The session tags, passed and inherited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<(String, String)>,
    /// The keys of the transitive session tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) transitive: Vec<String>,
}

impl Drop for Claims {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl std::fmt::Debug for Claims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claims")
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

/// Why a session token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// The token does not open, or belongs to another access key id.
    Invalid,
}

/// An opened session token: the caller it authenticates and the secret to verify with.
pub struct OpenedSession {
    /// The session's caller.
    pub caller: Arc<Caller>,
    /// The secret access key.
    pub secret: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for OpenedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedSession")
            .field("caller", &self.caller)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// How many opened sessions [`OpenedSessions`] keeps.
const CACHE_CAPACITY: usize = 4_096;

/// Sessions opened recently, by access key id, so that the calls of one session open its
/// token (decrypt, parse, compile its session policy) once. An entry is used only for the
/// very token it was opened from (compared in constant time), so it can only repeat what
/// opening that token would answer; expiry is checked by the caller on every call. When
/// full, the cache starts over.
#[derive(Default)]
pub(crate) struct OpenedSessions {
    entries: std::sync::RwLock<std::collections::HashMap<String, CachedSession>>,
}

struct CachedSession {
    token: String,
    caller: Arc<Caller>,
    secret: Zeroizing<Vec<u8>>,
}

impl OpenedSessions {
    /// [`open`], through the cache.
    pub(crate) fn open(
        &self,
        sealer: &Sealer,
        partition: &str,
        access_key_id: &str,
        token: &str,
    ) -> Result<OpenedSession, TokenError> {
        use std::sync::PoisonError;
        {
            let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(hit) = entries.get(access_key_id).filter(|hit| {
                warden_crypto::constant_time_eq(hit.token.as_bytes(), token.as_bytes())
            }) {
                return Ok(OpenedSession {
                    caller: Arc::clone(&hit.caller),
                    secret: hit.secret.clone(),
                });
            }
        }
        let opened = open(sealer, partition, access_key_id, token)?;
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CACHE_CAPACITY {
            entries.clear();
        }
        entries.insert(
            access_key_id.to_owned(),
            CachedSession {
                token: token.to_owned(),
                caller: Arc::clone(&opened.caller),
                secret: opened.secret.clone(),
            },
        );
        Ok(opened)
    }
}

/// Seals `claims` into a session token.
pub(crate) fn seal(sealer: &Sealer, claims: &Claims) -> Result<String, warden_crypto::CryptoError> {
    let plain = Zeroizing::new(
        serde_json::to_vec(claims).map_err(|_| warden_crypto::CryptoError::Encrypt)?,
    );
    let sealed = sealer.seal(&plain, TOKEN_PURPOSE)?;
    Ok(STANDARD.encode(sealed))
}

/// Opens `token` for a request signed with `access_key_id`.
pub(crate) fn open(
    sealer: &Sealer,
    partition: &str,
    access_key_id: &str,
    token: &str,
) -> Result<OpenedSession, TokenError> {
    let sealed = STANDARD
        .decode(token.trim())
        .map_err(|_| TokenError::Invalid)?;
    let plain = sealer
        .open(&sealed, TOKEN_PURPOSE)
        .map_err(|_| TokenError::Invalid)?;
    let claims: Claims = serde_json::from_slice(&plain).map_err(|_| TokenError::Invalid)?;
    if claims.v != VERSION || claims.key != access_key_id {
        return Err(TokenError::Invalid);
    }
    let inline = match &claims.policy {
        Some(text) => Some(
            warden_policy::Policy::parse(
                "session".to_owned(),
                text,
                warden_policy::PolicyKind::Session,
            )
            .map_err(|_| TokenError::Invalid)?,
        ),
        None => None,
    };
    let session = Session {
        issued_at: crate::timestamp(claims.issued),
        expires_at: crate::timestamp(claims.expires),
        mfa_authenticated_at: claims.mfa.map(crate::timestamp),
        source_identity: claims.source_identity.clone(),
        policies: Arc::new(SessionPolicies {
            inline,
            inline_text: claims.policy.clone(),
            arns: claims.policy_arns.clone(),
        }),
        origin: match (&claims.principal, claims.gst) {
            (TokenPrincipal::Federated { .. }, _) => SessionOrigin::GetFederationToken,
            (_, true) => SessionOrigin::GetSessionToken,
            (_, false) => SessionOrigin::AssumeRole,
        },
        tags: claims.tags.clone(),
        transitive_tag_keys: claims.transitive.clone(),
    };
    let (arn, kind) = match &claims.principal {
        TokenPrincipal::Role {
            name,
            id,
            arn,
            session: session_name,
        } => (
            format!(
                "arn:{partition}:sts::{}:assumed-role/{name}/{session_name}",
                claims.account
            ),
            CallerKind::AssumedRole {
                role_name: name.clone(),
                role_id: id.clone(),
                role_arn: arn.clone(),
                session_name: session_name.clone(),
                principal_id: format!("{id}:{session_name}"),
            },
        ),
        TokenPrincipal::User { name, id, arn } => (
            arn.clone(),
            CallerKind::User {
                user_name: name.clone(),
                user_id: id.clone(),
            },
        ),
        TokenPrincipal::Root => (
            format!("arn:{partition}:iam::{}:root", claims.account),
            CallerKind::Root,
        ),
        TokenPrincipal::Federated { name, user } => (
            format!(
                "arn:{partition}:sts::{}:federated-user/{name}",
                claims.account
            ),
            CallerKind::FederatedUser {
                name: name.clone(),
                principal_id: format!("{}:{name}", claims.account),
                federating_user: user.as_ref().map(|(user_name, user_id, arn)| {
                    crate::caller::FederatingUser {
                        user_name: user_name.clone(),
                        user_id: user_id.clone(),
                        arn: arn.clone(),
                    }
                }),
            },
        ),
    };
    Ok(OpenedSession {
        caller: Arc::new(Caller {
            account_id: claims.account.clone(),
            arn,
            kind,
            access_key_id: claims.key.clone(),
            session: Some(session),
        }),
        secret: Zeroizing::new(claims.secret.as_bytes().to_vec()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        reason = "test code"
    )]

    use std::sync::Arc;

    use warden_crypto::{DataKey, DeterministicRandom, Sealer};

    use super::{Claims, OpenedSessions, TokenError, TokenPrincipal, open, seal};
    use crate::caller::{CallerKind, SessionOrigin};

    fn sealer(byte: u8) -> Sealer {
        Sealer::new(
            &DataKey::from_bytes(&[byte; 32]).unwrap(),
            Arc::new(DeterministicRandom::new(1)),
        )
        .unwrap()
    }

    fn claims() -> Claims {
        Claims {
            v: 1,
            key: "ASIAEXAMPLE".to_owned(),
            secret: "s3cret".to_owned(),
            account: "123456789012".to_owned(),
            principal: TokenPrincipal::Role {
                name: "reader".to_owned(),
                id: "AROAEXAMPLE".to_owned(),
                arn: "arn:aws:iam::123456789012:role/ci/reader".to_owned(),
                session: "s1".to_owned(),
            },
            issued: 1_000_000,
            expires: 4_600_000,
            mfa: Some(1_000_000),
            policy: Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#
                    .to_owned(),
            ),
            policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()],
            source_identity: Some("alice".to_owned()),
            gst: false,
            tags: vec![("Project".to_owned(), "blue".to_owned())],
            transitive: vec!["project".to_owned()],
        }
    }

    #[test]
    fn a_token_opens_into_the_session_it_was_sealed_for() {
        let sealer = sealer(1);
        let token = seal(&sealer, &claims()).unwrap();
        assert!(!token.contains("s3cret"));
        let opened = open(&sealer, "aws", "ASIAEXAMPLE", &token).unwrap();
        assert_eq!(opened.secret.as_slice(), b"s3cret");
        let caller = &opened.caller;
        assert_eq!(
            caller.arn,
            "arn:aws:sts::123456789012:assumed-role/reader/s1"
        );
        assert_eq!(caller.user_id(), "AROAEXAMPLE:s1");
        assert_eq!(
            caller.principal_arn(),
            "arn:aws:iam::123456789012:role/ci/reader"
        );
        assert!(matches!(caller.kind, CallerKind::AssumedRole { .. }));
        let session = caller.session.as_ref().unwrap();
        assert_eq!(session.origin, SessionOrigin::AssumeRole);
        assert_eq!(session.expires_at.as_millisecond(), 4_600_000);
        assert!(session.mfa_authenticated_at.is_some());
        assert!(session.policies.inline.is_some());
        assert_eq!(session.policies.arns.len(), 1);
        assert_eq!(session.source_identity.as_deref(), Some("alice"));
        assert_eq!(
            session.tags,
            vec![("Project".to_owned(), "blue".to_owned())]
        );
        assert_eq!(
            session.transitive_tags().count(),
            1,
            "transitive keys ignore case"
        );
        assert!(!format!("{opened:?}").contains("s3cret"));
    }

    #[test]
    fn a_federated_users_token_opens_into_a_federated_user() {
        let mut claims = claims();
        claims.principal = TokenPrincipal::Federated {
            name: "Bob".to_owned(),
            user: Some((
                "broker".to_owned(),
                "AIDABROKER".to_owned(),
                "arn:aws:iam::123456789012:user/broker".to_owned(),
            )),
        };
        let token = seal(&sealer(7), &claims).unwrap();
        let opened = open(&sealer(7), "aws", "ASIAEXAMPLE", &token).unwrap();
        let caller = &opened.caller;
        assert_eq!(caller.arn, "arn:aws:sts::123456789012:federated-user/Bob");
        assert_eq!(caller.user_id(), "123456789012:Bob");
        assert_eq!(caller.principal_type(), "FederatedUser");
        assert_eq!(caller.iam_entity_id(), Some("AIDABROKER"));
        let principal = caller.to_policy_principal();
        assert_eq!(
            principal.federating_user_arn.as_deref(),
            Some("arn:aws:iam::123456789012:user/broker")
        );
        assert_eq!(
            caller.session.as_ref().unwrap().origin,
            SessionOrigin::GetFederationToken
        );
    }

    #[test]
    fn a_token_for_another_key_another_server_or_altered_does_not_open() {
        let sealer = sealer(1);
        let token = seal(&sealer, &claims()).unwrap();
        assert_eq!(
            open(&sealer, "aws", "ASIAOTHER", &token).unwrap_err(),
            TokenError::Invalid
        );
        assert_eq!(
            open(&self::sealer(2), "aws", "ASIAEXAMPLE", &token).unwrap_err(),
            TokenError::Invalid
        );
        let mut bytes = token.into_bytes();
        let middle = bytes.len() / 2;
        bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).unwrap();
        assert_eq!(
            open(&sealer, "aws", "ASIAEXAMPLE", &altered).unwrap_err(),
            TokenError::Invalid
        );
        assert_eq!(
            open(&sealer, "aws", "ASIAEXAMPLE", "not base64 !").unwrap_err(),
            TokenError::Invalid
        );
    }

    #[test]
    fn the_cache_answers_only_for_the_token_it_opened() {
        let sealer = sealer(1);
        let cache = OpenedSessions::default();
        let token = seal(&sealer, &claims()).unwrap();
        let first = cache.open(&sealer, "aws", "ASIAEXAMPLE", &token).unwrap();
        let again = cache.open(&sealer, "aws", "ASIAEXAMPLE", &token).unwrap();
        assert!(Arc::ptr_eq(&first.caller, &again.caller));
        assert_eq!(again.secret.as_slice(), b"s3cret");
        // Another token claiming the cached key id is opened on its own (and fails).
        let mut other = claims();
        other.key = "ASIAOTHER".to_owned();
        let other = seal(&sealer, &other).unwrap();
        assert_eq!(
            cache
                .open(&sealer, "aws", "ASIAEXAMPLE", &other)
                .unwrap_err(),
            TokenError::Invalid
        );
        assert_eq!(
            cache
                .open(&sealer, "aws", "ASIAEXAMPLE", "forged")
                .unwrap_err(),
            TokenError::Invalid
        );
    }
}
