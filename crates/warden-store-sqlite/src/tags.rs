//! The tag lists of taggable entities (users, roles, instance profiles, MFA devices, managed
//! policies): adding and removing tags, their keys compared case-insensitively
//! ([`tag_key_fold`]). Each entity reads and writes its own tag table; those of the holders
//! (users, roles, instance profiles, MFA devices) through one [`TagTable`] each.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use warden_store::{EntityKind, StoreError, TAGS_PER_RESOURCE, tag_key_fold};

use crate::failure::Outcome;
use crate::holders::{
    Holder, INSTANCE_PROFILES, MFA_DEVICES, OPEN_ID_CONNECT_PROVIDERS, ROLES, SAML_PROVIDERS,
    SERVER_CERTIFICATES, USERS,
};

/// Tags by (account, holder key), each list in order.
pub(crate) type TagsByHolder = HashMap<(String, String), Vec<(String, String)>>;

/// Where one kind of holder's tags live: rows keyed by the holder's account and
/// case-folded name, ordered by `position`.
pub(crate) struct TagTable {
    /// The kind named when the tag quota is exceeded.
    kind: EntityKind,
    /// The tags' table.
    table: &'static str,
    /// Whose tags they are.
    holder: &'static Holder,
}

/// The tags of users.
pub(crate) const USER_TAGS: TagTable = TagTable {
    kind: EntityKind::User,
    table: "user_tags",
    holder: &USERS,
};

/// The tags of roles.
pub(crate) const ROLE_TAGS: TagTable = TagTable {
    kind: EntityKind::Role,
    table: "role_tags",
    holder: &ROLES,
};

/// The tags of instance profiles.
pub(crate) const INSTANCE_PROFILE_TAGS: TagTable = TagTable {
    kind: EntityKind::InstanceProfile,
    table: "instance_profile_tags",
    holder: &INSTANCE_PROFILES,
};

/// The tags of virtual MFA devices.
pub(crate) const MFA_DEVICE_TAGS: TagTable = TagTable {
    kind: EntityKind::MfaDevice,
    table: "mfa_device_tags",
    holder: &MFA_DEVICES,
};

/// The tags of server certificates.
pub(crate) const SERVER_CERTIFICATE_TAGS: TagTable = TagTable {
    kind: EntityKind::ServerCertificate,
    table: "server_certificate_tags",
    holder: &SERVER_CERTIFICATES,
};

/// The tags of OpenID Connect providers.
pub(crate) const OPEN_ID_CONNECT_PROVIDER_TAGS: TagTable = TagTable {
    kind: EntityKind::OpenIdConnectProvider,
    table: "oidc_provider_tags",
    holder: &OPEN_ID_CONNECT_PROVIDERS,
};

/// The tags of SAML providers.
pub(crate) const SAML_PROVIDER_TAGS: TagTable = TagTable {
    kind: EntityKind::SamlProvider,
    table: "saml_provider_tags",
    holder: &SAML_PROVIDERS,
};

impl TagTable {
    /// The query for one holder's tags (`?1` account, `?2` key), in order.
    pub(crate) fn of_holder(&self) -> String {
        format!(
            "SELECT tag_key, tag_value FROM {} WHERE account_id = ?1 AND {} = ?2 \
             ORDER BY position",
            self.table, self.holder.key
        )
    }

    /// The tags of the holder with this key, in order.
    pub(crate) fn of(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
    ) -> Outcome<Vec<(String, String)>> {
        Ok(connection
            .prepare_cached(&self.of_holder())?
            .query_map(params![account_id, key], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?)
    }

    /// Every holder's tags, by (account, key), each in order (for the snapshot).
    pub(crate) fn all(&self, connection: &Connection) -> Outcome<TagsByHolder> {
        let sql = format!(
            "SELECT account_id, {k}, tag_key, tag_value FROM {t} \
             ORDER BY account_id, {k}, position",
            t = self.table,
            k = self.holder.key,
        );
        let mut tags = TagsByHolder::new();
        let mut statement = connection.prepare_cached(&sql)?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            tags.entry((row.get(0)?, row.get(1)?))
                .or_default()
                .push((row.get(2)?, row.get(3)?));
        }
        Ok(tags)
    }

    /// Stores tags of the holder with this key, which has none, in order.
    pub(crate) fn insert(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
        tags: &[(String, String)],
    ) -> Outcome<()> {
        let sql = format!(
            "INSERT INTO {} (account_id, {}, position, tag_key, tag_value) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            self.table, self.holder.key
        );
        let mut insert = connection.prepare_cached(&sql)?;
        for (position, (tag_key, tag_value)) in (0i64..).zip(tags) {
            insert.execute(params![account_id, key, position, tag_key, tag_value])?;
        }
        Ok(())
    }

    /// Adds tags to the holder with this key ([`merged`]).
    pub(crate) fn tag(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
        added: &[(String, String)],
    ) -> Outcome<()> {
        let current = self.of(connection, account_id, key)?;
        let merged = merged(current, added, self.kind)?;
        self.replace(connection, account_id, key, &merged)
    }

    /// Removes the holder's tags with these keys ([`without`]).
    pub(crate) fn untag(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
        removed: &[String],
    ) -> Outcome<()> {
        let current = self.of(connection, account_id, key)?;
        self.replace(connection, account_id, key, &without(current, removed))
    }

    /// Replaces all tags of the holder with this key.
    fn replace(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
        tags: &[(String, String)],
    ) -> Outcome<()> {
        let sql = format!(
            "DELETE FROM {} WHERE account_id = ?1 AND {} = ?2",
            self.table, self.holder.key
        );
        connection
            .prepare_cached(&sql)?
            .execute(params![account_id, key])?;
        self.insert(connection, account_id, key, tags)
    }
}

/// `current` with `added` merged in: a tag whose key matches an existing one replaces it
/// (value and spelling), in place; new keys are appended.
///
/// # Errors
///
/// [`StoreError::tag_quota_exceeded`] for `kind` if the result would have more than
/// [`TAGS_PER_RESOURCE`] tags.
pub(crate) fn merged(
    mut current: Vec<(String, String)>,
    added: &[(String, String)],
    kind: EntityKind,
) -> Result<Vec<(String, String)>, StoreError> {
    for (tag_key, tag_value) in added {
        let fold = tag_key_fold(tag_key);
        match current
            .iter_mut()
            .find(|(existing, _)| tag_key_fold(existing) == fold)
        {
            Some(existing) => *existing = (tag_key.clone(), tag_value.clone()),
            None => current.push((tag_key.clone(), tag_value.clone())),
        }
    }
    if current.len() > TAGS_PER_RESOURCE {
        return Err(StoreError::tag_quota_exceeded(kind));
    }
    Ok(current)
}

/// `current` without the tags whose keys match one of `removed`.
pub(crate) fn without(
    mut current: Vec<(String, String)>,
    removed: &[String],
) -> Vec<(String, String)> {
    let removed: Vec<String> = removed.iter().map(|key| tag_key_fold(key)).collect();
    current.retain(|(tag_key, _)| !removed.contains(&tag_key_fold(tag_key)));
    current
}
