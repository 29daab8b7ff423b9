//! Customer managed policies with their versions and tags, and the attachments of managed
//! policies to users, groups and roles: one implementation over each entity kind's
//! attachment table ([`USER_ATTACHMENTS`], [`GROUP_ATTACHMENTS`], [`ROLE_ATTACHMENTS`]),
//! each row keyed by its entity's case-folded name and following the entity's renames
//! through `ON UPDATE CASCADE`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    ATTACHED_POLICIES_PER_ENTITY, Attachable, Attachment, EntityKind, ManagedPolicies,
    ManagedPolicyRecord, PolicyVersionRecord, StoreError, VERSIONS_PER_POLICY, name_key,
};

use crate::accounts;
use crate::failure::{Outcome, corrupt};
use crate::holders::{GROUPS, Holder, ROLES, USERS};
use crate::tx::{SqliteTx, settle};

impl ManagedPolicies for SqliteTx<'_> {
    fn create(&self, policy: &ManagedPolicyRecord, document: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &policy.account_id)?;
            if policy.default_version != 1 {
                return Err(StoreError::Backend(format!(
                    "a new managed policy's default version is 1, not {}",
                    policy.default_version
                ))
                .into());
            }
            let key = name_key(&policy.policy_name);
            let name_taken = connection
                .prepare_cached(
                    "SELECT 1 FROM managed_policies WHERE account_id = ?1 AND name_key = ?2",
                )?
                .exists(params![policy.account_id, key])?;
            if name_taken {
                return Err(already_exists(&policy.policy_name));
            }
            let id_taken = connection
                .prepare_cached("SELECT 1 FROM managed_policies WHERE policy_id = ?1")?
                .exists([&policy.policy_id])?;
            if id_taken {
                return Err(already_exists(&policy.policy_id));
            }
            if exists(connection, &policy.arn)? {
                return Err(already_exists(&policy.arn));
            }
            connection
                .prepare_cached(
                    "INSERT INTO managed_policies (account_id, name_key, policy_name, policy_id, \
                     path, arn, description, default_version, last_version, create_date, \
                     update_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 1, ?8, ?9)",
                )?
                .execute(params![
                    policy.account_id,
                    key,
                    policy.policy_name,
                    policy.policy_id,
                    policy.path,
                    policy.arn,
                    policy.description,
                    policy.create_date,
                    policy.update_date,
                ])?;
            insert_version(connection, &policy.arn, 1, document, policy.create_date)?;
            write_tags(connection, &policy.arn, &policy.tags)
        })
    }

    fn get(&self, arn: &str) -> Result<Option<ManagedPolicyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!("SELECT {POLICY_COLUMNS} FROM managed_policies WHERE arn = ?1");
            let policy = connection
                .prepare_cached(&sql)?
                .query_row([arn], policy_from_row)
                .optional()?;
            policy
                .map(|policy| with_tags(connection, policy))
                .transpose()
        })
    }

    fn list(&self, account_id: &str) -> Result<Vec<ManagedPolicyRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!(
                "SELECT {POLICY_COLUMNS} FROM managed_policies WHERE account_id = ?1 \
                 ORDER BY name_key"
            );
            let policies: Vec<ManagedPolicyRecord> = connection
                .prepare_cached(&sql)?
                .query_map([account_id], policy_from_row)?
                .collect::<Result<_, _>>()?;
            policies
                .into_iter()
                .map(|policy| with_tags(connection, policy))
                .collect()
        })
    }

    fn delete(&self, arn: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, arn)?;
            if in_use(connection, arn)? {
                return Err(StoreError::policy_in_use().into());
            }
            if version_count(connection, arn)? > 1 {
                return Err(StoreError::policy_has_versions().into());
            }
            // Its version and tags go with it (ON DELETE CASCADE).
            connection
                .prepare_cached("DELETE FROM managed_policies WHERE arn = ?1")?
                .execute([arn])?;
            Ok(())
        })
    }

    fn create_version(
        &self,
        arn: &str,
        document: &str,
        set_as_default: bool,
        now: i64,
    ) -> Result<PolicyVersionRecord, StoreError> {
        let connection = self.connection;
        settle(|| {
            let last = require(connection, arn)?;
            if version_count(connection, arn)? >= VERSIONS_PER_POLICY {
                return Err(StoreError::policy_version_quota_exceeded().into());
            }
            let version = last
                .checked_add(1)
                .ok_or_else(|| corrupt("policy version numbers exhausted"))?;
            insert_version(connection, arn, version, document, now)?;
            connection
                .prepare_cached("UPDATE managed_policies SET last_version = ?1 WHERE arn = ?2")?
                .execute(params![version, arn])?;
            if set_as_default {
                make_default(connection, arn, version, now)?;
            }
            Ok(PolicyVersionRecord {
                policy_arn: arn.to_owned(),
                version,
                document: document.to_owned(),
                create_date: now,
            })
        })
    }

    fn get_version(
        &self,
        arn: &str,
        version: u32,
    ) -> Result<Option<PolicyVersionRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let sql = format!(
                "SELECT {VERSION_COLUMNS} FROM policy_versions WHERE policy_arn = ?1 AND version = ?2"
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(params![arn, version], version_from_row)
                .optional()?)
        })
    }

    fn list_versions(&self, arn: &str) -> Result<Vec<PolicyVersionRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, arn)?;
            let sql = format!(
                "SELECT {VERSION_COLUMNS} FROM policy_versions WHERE policy_arn = ?1 \
                 ORDER BY version DESC"
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_map([arn], version_from_row)?
                .collect::<Result<_, _>>()?)
        })
    }

    fn delete_version(&self, arn: &str, version: u32) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, arn)?;
            require_version(connection, arn, version)?;
            let default: u32 = connection
                .prepare_cached("SELECT default_version FROM managed_policies WHERE arn = ?1")?
                .query_row([arn], |row| row.get(0))?;
            if version == default {
                return Err(StoreError::default_version_in_use().into());
            }
            connection
                .prepare_cached(
                    "DELETE FROM policy_versions WHERE policy_arn = ?1 AND version = ?2",
                )?
                .execute(params![arn, version])?;
            Ok(())
        })
    }

    fn set_default_version(&self, arn: &str, version: u32, now: i64) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, arn)?;
            require_version(connection, arn, version)?;
            make_default(connection, arn, version, now)
        })
    }

    fn tag(&self, arn: &str, tags: &[(String, String)]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, arn)?;
            let current = tags_of(connection, arn)?;
            let merged = crate::tags::merged(current, tags, EntityKind::ManagedPolicy)?;
            write_tags(connection, arn, &merged)
        })
    }

    fn untag(&self, arn: &str, tag_keys: &[String]) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require(connection, arn)?;
            let current = tags_of(connection, arn)?;
            write_tags(connection, arn, &crate::tags::without(current, tag_keys))
        })
    }

    fn attach(
        &self,
        kind: Attachable,
        account_id: &str,
        entity_name: &str,
        policy_arn: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let (table, key) = entity(connection, kind, account_id, entity_name)?;
            let attached = connection
                .prepare_cached(&table.one("SELECT 1"))?
                .exists(params![account_id, key, policy_arn])?;
            if attached {
                return Ok(());
            }
            let count: i64 = connection
                .prepare_cached(&table.of_entity("count(*)", ""))?
                .query_row(params![account_id, key], |row| row.get(0))?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= ATTACHED_POLICIES_PER_ENTITY {
                return Err(StoreError::attached_policy_quota_exceeded(kind).into());
            }
            let sql = format!(
                "INSERT INTO {t} (account_id, {k}, policy_arn, position) \
                 SELECT ?1, ?2, ?3, coalesce(max(position) + 1, 0) FROM {t} \
                 WHERE account_id = ?1 AND {k} = ?2",
                t = table.table,
                k = table.holder.key,
            );
            connection
                .prepare_cached(&sql)?
                .execute(params![account_id, key, policy_arn])?;
            Ok(())
        })
    }

    fn detach(
        &self,
        kind: Attachable,
        account_id: &str,
        entity_name: &str,
        policy_arn: &str,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let (table, key) = entity(connection, kind, account_id, entity_name)?;
            let detached = connection
                .prepare_cached(&table.one("DELETE"))?
                .execute(params![account_id, key, policy_arn])?;
            if detached == 0 {
                return Err(StoreError::not_found(EntityKind::ManagedPolicy, policy_arn).into());
            }
            Ok(())
        })
    }

    fn attached(
        &self,
        kind: Attachable,
        account_id: &str,
        entity_name: &str,
    ) -> Result<Vec<String>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let (table, key) = entity(connection, kind, account_id, entity_name)?;
            Ok(connection
                .prepare_cached(&table.of_entity("policy_arn", "ORDER BY position"))?
                .query_map(params![account_id, key], |row| row.get(0))?
                .collect::<Result<_, _>>()?)
        })
    }

    fn entities(&self, account_id: &str, policy_arn: &str) -> Result<Vec<Attachment>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let mut entities = Vec::new();
            for table in ATTACHMENT_TABLES {
                // The unary `+` keeps SQLite (no statistics) from walking every attachment
                // of the account by primary key instead of the policy's few by its index.
                let sql = format!(
                    "{} WHERE +t.account_id = ?1 AND t.policy_arn = ?2 ORDER BY t.{}",
                    table.select(),
                    table.holder.key
                );
                let mut statement = connection.prepare_cached(&sql)?;
                let rows = statement.query_map(params![account_id, policy_arn], |row| {
                    attachment_from_row(table.kind, row)
                })?;
                for row in rows {
                    entities.push(row?);
                }
            }
            Ok(entities)
        })
    }

    fn boundary_usage(&self, account_id: &str, policy_arn: &str) -> Result<usize, StoreError> {
        let connection = self.connection;
        settle(|| {
            let mut usage = 0usize;
            for holders in BOUNDED {
                let sql = format!(
                    "SELECT count(*) FROM {holders} \
                     WHERE permissions_boundary = ?1 AND account_id = ?2"
                );
                let count: i64 = connection
                    .prepare_cached(&sql)?
                    .query_row(params![policy_arn, account_id], |row| row.get(0))?;
                let count = usize::try_from(count).map_err(|_| corrupt("negative count"))?;
                usage = usage.saturating_add(count);
            }
            Ok(usage)
        })
    }
}

/// Where one kind of entity's managed-policy attachments live.
pub(crate) struct AttachmentTable {
    /// The kind of entity.
    kind: Attachable,
    /// The attachments' table.
    table: &'static str,
    /// The entities.
    holder: &'static Holder,
}

/// Managed policies attached to users.
pub(crate) const USER_ATTACHMENTS: AttachmentTable = AttachmentTable {
    kind: Attachable::User,
    table: "user_attachments",
    holder: &USERS,
};

/// Managed policies attached to groups.
pub(crate) const GROUP_ATTACHMENTS: AttachmentTable = AttachmentTable {
    kind: Attachable::Group,
    table: "group_attachments",
    holder: &GROUPS,
};

/// Managed policies attached to roles.
pub(crate) const ROLE_ATTACHMENTS: AttachmentTable = AttachmentTable {
    kind: Attachable::Role,
    table: "role_attachments",
    holder: &ROLES,
};

/// Every attachment table, in the order entities are listed: users, groups, then roles.
const ATTACHMENT_TABLES: [&AttachmentTable; 3] =
    [&USER_ATTACHMENTS, &GROUP_ATTACHMENTS, &ROLE_ATTACHMENTS];

/// The tables of the entities that can have a permissions boundary.
const BOUNDED: [&str; 2] = ["users", "roles"];

/// Whether the policy is any user's or role's permissions boundary, or attached to any
/// entity.
fn in_use(connection: &Connection, arn: &str) -> Outcome<bool> {
    for holders in BOUNDED {
        let sql = format!("SELECT 1 FROM {holders} WHERE permissions_boundary = ?1");
        if connection.prepare_cached(&sql)?.exists([arn])? {
            return Ok(true);
        }
    }
    for table in ATTACHMENT_TABLES {
        if table.uses(connection, arn)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The attachment table of this kind of entity and the key of the entity of this name, or
/// [`StoreError::NotFound`] (the user, group or role).
fn entity(
    connection: &Connection,
    kind: Attachable,
    account_id: &str,
    entity_name: &str,
) -> Outcome<(&'static AttachmentTable, String)> {
    let table = match kind {
        Attachable::User => &USER_ATTACHMENTS,
        Attachable::Group => &GROUP_ATTACHMENTS,
        Attachable::Role => &ROLE_ATTACHMENTS,
    };
    let key = (table.holder.require)(connection, account_id, entity_name)?;
    Ok((table, key))
}

impl AttachmentTable {
    /// Selects attachments (aliased `t`) with their entity's stored name, as
    /// [`attachment_from_row`] reads them; callers append a WHERE and ORDER BY clause.
    fn select(&self) -> String {
        self.holder.select(self.table, "t.policy_arn")
    }

    /// `verb` (`SELECT 1`, `DELETE`) on the one attachment `?3` of the entity `?1`, `?2`.
    fn one(&self, verb: &str) -> String {
        format!(
            "{verb} FROM {} WHERE account_id = ?1 AND {} = ?2 AND policy_arn = ?3",
            self.table, self.holder.key
        )
    }

    /// Selects `columns` of the attachments of the entity `?1`, `?2`, then `suffix`.
    fn of_entity(&self, columns: &str, suffix: &str) -> String {
        format!(
            "SELECT {columns} FROM {} WHERE account_id = ?1 AND {} = ?2 {suffix}",
            self.table, self.holder.key
        )
    }

    /// Whether the entity with this key has any managed policy attached.
    pub(crate) fn any(
        &self,
        connection: &Connection,
        account_id: &str,
        key: &str,
    ) -> Outcome<bool> {
        self.holder
            .has_rows(connection, self.table, account_id, key)
    }

    /// Whether the policy is attached to any entity of this kind.
    fn uses(&self, connection: &Connection, policy_arn: &str) -> Outcome<bool> {
        let sql = format!("SELECT 1 FROM {} WHERE policy_arn = ?1", self.table);
        Ok(connection.prepare_cached(&sql)?.exists([policy_arn])?)
    }

    /// Every attachment of this kind, by account, entity, then order of attachment.
    fn all(&self, connection: &Connection) -> Outcome<Vec<Attachment>> {
        let sql = format!(
            "{} ORDER BY t.account_id, t.{}, t.position",
            self.select(),
            self.holder.key
        );
        Ok(connection
            .prepare_cached(&sql)?
            .query_map([], |row| attachment_from_row(self.kind, row))?
            .collect::<Result<_, _>>()?)
    }
}

/// Reads a row selected by [`AttachmentTable::select`].
fn attachment_from_row(kind: Attachable, row: &Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        account_id: row.get(0)?,
        kind,
        entity_name: row.get(1)?,
        policy_arn: row.get(2)?,
    })
}

/// Every customer managed policy with its tags, by ARN (for the snapshot).
pub(crate) fn all_policies(connection: &Connection) -> Outcome<Vec<ManagedPolicyRecord>> {
    let mut tags: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut statement = connection.prepare_cached(
        "SELECT policy_arn, tag_key, tag_value FROM managed_policy_tags \
         ORDER BY policy_arn, position",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        tags.entry(row.get(0)?)
            .or_default()
            .push((row.get(1)?, row.get(2)?));
    }
    let sql = format!("SELECT {POLICY_COLUMNS} FROM managed_policies ORDER BY arn");
    let mut policies: Vec<ManagedPolicyRecord> = connection
        .prepare_cached(&sql)?
        .query_map([], policy_from_row)?
        .collect::<Result<_, _>>()?;
    for policy in &mut policies {
        policy.tags = tags.remove(&policy.arn).unwrap_or_default();
    }
    Ok(policies)
}

/// The default version of every customer managed policy, by policy ARN (for the snapshot).
pub(crate) fn all_default_versions(connection: &Connection) -> Outcome<Vec<PolicyVersionRecord>> {
    Ok(connection
        .prepare_cached(
            "SELECT v.policy_arn, v.version, v.document, v.create_date \
             FROM managed_policies p JOIN policy_versions v \
             ON v.policy_arn = p.arn AND v.version = p.default_version ORDER BY p.arn",
        )?
        .query_map([], version_from_row)?
        .collect::<Result<_, _>>()?)
}

/// Every attachment, by account, kind (users, groups, then roles), entity, then order of
/// attachment (for the snapshot).
pub(crate) fn all_attachments(connection: &Connection) -> Outcome<Vec<Attachment>> {
    let mut attachments = Vec::new();
    for table in ATTACHMENT_TABLES {
        attachments.extend(table.all(connection)?);
    }
    // Stable: within an account, users stay before groups before roles, each in its order.
    attachments.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(attachments)
}

/// The policy columns, in the order [`policy_from_row`] reads them.
const POLICY_COLUMNS: &str = "account_id, policy_name, policy_id, path, arn, description, \
     default_version, create_date, update_date";

/// Reads a policy row (columns [`POLICY_COLUMNS`]), without tags.
fn policy_from_row(row: &Row<'_>) -> rusqlite::Result<ManagedPolicyRecord> {
    Ok(ManagedPolicyRecord {
        account_id: row.get(0)?,
        policy_name: row.get(1)?,
        policy_id: row.get(2)?,
        path: row.get(3)?,
        arn: row.get(4)?,
        description: row.get(5)?,
        default_version: row.get(6)?,
        create_date: row.get(7)?,
        update_date: row.get(8)?,
        tags: Vec::new(),
    })
}

/// The version columns, in the order [`version_from_row`] reads them.
const VERSION_COLUMNS: &str = "policy_arn, version, document, create_date";

/// Reads a version row (columns [`VERSION_COLUMNS`]).
fn version_from_row(row: &Row<'_>) -> rusqlite::Result<PolicyVersionRecord> {
    Ok(PolicyVersionRecord {
        policy_arn: row.get(0)?,
        version: row.get(1)?,
        document: row.get(2)?,
        create_date: row.get(3)?,
    })
}

/// [`StoreError::AlreadyExists`] for a managed policy of this name, id or ARN.
fn already_exists(name: &str) -> crate::failure::Failure {
    StoreError::already_exists(EntityKind::ManagedPolicy, name).into()
}

/// Whether a customer managed policy has this ARN.
fn exists(connection: &Connection, arn: &str) -> Outcome<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM managed_policies WHERE arn = ?1")?
        .exists([arn])?)
}

/// The highest version number the policy of this ARN ever had, or
/// [`StoreError::NotFound`] (managed policy).
fn require(connection: &Connection, arn: &str) -> Outcome<u32> {
    connection
        .prepare_cached("SELECT last_version FROM managed_policies WHERE arn = ?1")?
        .query_row([arn], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn).into())
}

/// [`StoreError::NotFound`] (policy version, `v<N>`) unless the policy has this version.
fn require_version(connection: &Connection, arn: &str, version: u32) -> Outcome<()> {
    let exists = connection
        .prepare_cached("SELECT 1 FROM policy_versions WHERE policy_arn = ?1 AND version = ?2")?
        .exists(params![arn, version])?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::not_found(EntityKind::PolicyVersion, &format!("v{version}")).into())
    }
}

/// How many versions the policy has.
fn version_count(connection: &Connection, arn: &str) -> Outcome<usize> {
    let count: i64 = connection
        .prepare_cached("SELECT count(*) FROM policy_versions WHERE policy_arn = ?1")?
        .query_row([arn], |row| row.get(0))?;
    usize::try_from(count).map_err(|_| corrupt("negative count"))
}

/// Stores a version of the policy.
fn insert_version(
    connection: &Connection,
    arn: &str,
    version: u32,
    document: &str,
    create_date: i64,
) -> Outcome<()> {
    connection
        .prepare_cached(
            "INSERT INTO policy_versions (policy_arn, version, document, create_date) \
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![arn, version, document, create_date])?;
    Ok(())
}

/// Makes an existing version the policy's default, changed at `now`.
fn make_default(connection: &Connection, arn: &str, version: u32, now: i64) -> Outcome<()> {
    connection
        .prepare_cached(
            "UPDATE managed_policies SET default_version = ?1, update_date = ?2 WHERE arn = ?3",
        )?
        .execute(params![version, now, arn])?;
    Ok(())
}

/// Fills in the policy's tags.
fn with_tags(
    connection: &Connection,
    mut policy: ManagedPolicyRecord,
) -> Outcome<ManagedPolicyRecord> {
    policy.tags = tags_of(connection, &policy.arn)?;
    Ok(policy)
}

/// The tags of the policy of this ARN, in order.
fn tags_of(connection: &Connection, arn: &str) -> Outcome<Vec<(String, String)>> {
    Ok(connection
        .prepare_cached(
            "SELECT tag_key, tag_value FROM managed_policy_tags WHERE policy_arn = ?1 \
             ORDER BY position",
        )?
        .query_map([arn], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// Replaces all tags of the policy of this ARN.
fn write_tags(connection: &Connection, arn: &str, tags: &[(String, String)]) -> Outcome<()> {
    connection
        .prepare_cached("DELETE FROM managed_policy_tags WHERE policy_arn = ?1")?
        .execute([arn])?;
    let mut insert = connection.prepare_cached(
        "INSERT INTO managed_policy_tags (policy_arn, position, tag_key, tag_value) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, (tag_key, tag_value)) in (0i64..).zip(tags) {
        insert.execute(params![arn, position, tag_key, tag_value])?;
    }
    Ok(())
}
