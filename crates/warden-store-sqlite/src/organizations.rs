//! AWS Organizations: organizations, their nodes, policies, attachments, enabled policy
//! types, tags and CreateAccount requests.

use rusqlite::{Connection, OptionalExtension, Row, params};
use warden_store::{
    CreateAccountStatusRecord, EntityKind, OrgNodeKind, OrgNodeRecord, OrgPolicyRecord,
    OrganizationRecord, OrganizationState, Organizations, StoreError,
};

use crate::accounts;
use crate::failure::{Outcome, corrupt};
use crate::tx::{SqliteTx, settle};

const NODE_COLUMNS: &str =
    "org_id, node_id, kind, parent_id, name, email, status, joined_method, create_date";
const POLICY_COLUMNS: &str = "org_id, policy_id, policy_type, name, description, content";
const STATUS_COLUMNS: &str = "org_id, request_id, account_name, state, requested, completed, \
     account_id, failure_reason";

impl Organizations for SqliteTx<'_> {
    fn create(
        &self,
        organization: &OrganizationRecord,
        root: &OrgNodeRecord,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            accounts::require(connection, &organization.management_account_id)?;
            let taken = of_account(connection, &organization.management_account_id)?.is_some()
                || organization_exists(connection, &organization.org_id)?;
            if taken {
                return Err(StoreError::already_exists(
                    EntityKind::Organization,
                    &organization.management_account_id,
                )
                .into());
            }
            connection.execute(
                "INSERT INTO organizations (org_id, management_account_id, feature_set, \
                 create_date) VALUES (?1, ?2, ?3, ?4)",
                params![
                    organization.org_id,
                    organization.management_account_id,
                    organization.feature_set,
                    organization.create_date
                ],
            )?;
            put_node(connection, root)
        })
    }

    fn of_account(&self, account_id: &str) -> Result<Option<String>, StoreError> {
        settle(|| of_account(self.connection, account_id))
    }

    fn load(&self, org_id: &str) -> Result<Option<OrganizationState>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let organization = connection
                .prepare_cached(
                    "SELECT org_id, management_account_id, feature_set, create_date \
                     FROM organizations WHERE org_id = ?1",
                )?
                .query_row([org_id], organization_from_row)
                .optional()?;
            organization
                .map(|organization| load_state(connection, organization))
                .transpose()
        })
    }

    fn load_all(&self) -> Result<Vec<OrganizationState>, StoreError> {
        let connection = self.connection;
        settle(|| {
            let organizations: Vec<OrganizationRecord> = connection
                .prepare_cached(
                    "SELECT org_id, management_account_id, feature_set, create_date \
                     FROM organizations ORDER BY org_id",
                )?
                .query_map([], organization_from_row)?
                .collect::<Result<_, _>>()?;
            organizations
                .into_iter()
                .map(|organization| load_state(connection, organization))
                .collect()
        })
    }

    fn delete(&self, org_id: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let deleted = connection
                .prepare_cached("DELETE FROM organizations WHERE org_id = ?1")?
                .execute([org_id])?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::Organization, org_id).into());
            }
            Ok(())
        })
    }

    fn put_node(&self, node: &OrgNodeRecord) -> Result<(), StoreError> {
        settle(|| put_node(self.connection, node))
    }

    fn delete_node(&self, org_id: &str, node_id: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let deleted = connection
                .prepare_cached("DELETE FROM org_nodes WHERE org_id = ?1 AND node_id = ?2")?
                .execute([org_id, node_id])?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::OrgNode, node_id).into());
            }
            forget_resource(connection, org_id, node_id, "target_id")
        })
    }

    fn put_policy(&self, policy: &OrgPolicyRecord) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require_organization(connection, &policy.org_id)?;
            let taken = connection
                .prepare_cached(
                    "SELECT 1 FROM org_policies WHERE org_id = ?1 AND policy_type = ?2 \
                     AND name = ?3 AND policy_id <> ?4",
                )?
                .exists(params![
                    policy.org_id,
                    policy.policy_type,
                    policy.name,
                    policy.policy_id
                ])?;
            if taken {
                return Err(StoreError::already_exists(EntityKind::OrgPolicy, &policy.name).into());
            }
            connection
                .prepare_cached(&format!(
                    "INSERT OR REPLACE INTO org_policies ({POLICY_COLUMNS}) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ))?
                .execute(params![
                    policy.org_id,
                    policy.policy_id,
                    policy.policy_type,
                    policy.name,
                    policy.description,
                    policy.content
                ])?;
            Ok(())
        })
    }

    fn delete_policy(&self, org_id: &str, policy_id: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let deleted = connection
                .prepare_cached("DELETE FROM org_policies WHERE org_id = ?1 AND policy_id = ?2")?
                .execute([org_id, policy_id])?;
            if deleted == 0 {
                return Err(StoreError::not_found(EntityKind::OrgPolicy, policy_id).into());
            }
            forget_resource(connection, org_id, policy_id, "policy_id")
        })
    }

    fn attach(&self, org_id: &str, policy_id: &str, target_id: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require_organization(connection, org_id)?;
            let inserted = connection
                .prepare_cached(
                    "INSERT OR IGNORE INTO org_policy_attachments (org_id, policy_id, target_id) \
                     VALUES (?1, ?2, ?3)",
                )?
                .execute([org_id, policy_id, target_id])?;
            if inserted == 0 {
                return Err(StoreError::already_exists(
                    EntityKind::OrgAttachment,
                    &format!("{policy_id}/{target_id}"),
                )
                .into());
            }
            Ok(())
        })
    }

    fn detach(&self, org_id: &str, policy_id: &str, target_id: &str) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            let deleted = connection
                .prepare_cached(
                    "DELETE FROM org_policy_attachments WHERE org_id = ?1 AND policy_id = ?2 \
                     AND target_id = ?3",
                )?
                .execute([org_id, policy_id, target_id])?;
            if deleted == 0 {
                return Err(StoreError::not_found(
                    EntityKind::OrgAttachment,
                    &format!("{policy_id}/{target_id}"),
                )
                .into());
            }
            Ok(())
        })
    }

    fn set_policy_type(
        &self,
        org_id: &str,
        policy_type: &str,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require_organization(connection, org_id)?;
            let sql = if enabled {
                "INSERT OR IGNORE INTO org_policy_types (org_id, policy_type) VALUES (?1, ?2)"
            } else {
                "DELETE FROM org_policy_types WHERE org_id = ?1 AND policy_type = ?2"
            };
            connection
                .prepare_cached(sql)?
                .execute([org_id, policy_type])?;
            Ok(())
        })
    }

    fn set_tags(
        &self,
        org_id: &str,
        resource_id: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require_organization(connection, org_id)?;
            connection
                .prepare_cached("DELETE FROM org_tags WHERE org_id = ?1 AND resource_id = ?2")?
                .execute([org_id, resource_id])?;
            let mut insert = connection.prepare_cached(
                "INSERT OR REPLACE INTO org_tags (org_id, resource_id, tag_key, tag_value) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (key, value) in tags {
                insert.execute([org_id, resource_id, key, value])?;
            }
            Ok(())
        })
    }

    fn put_create_account_status(
        &self,
        status: &CreateAccountStatusRecord,
    ) -> Result<(), StoreError> {
        let connection = self.connection;
        settle(|| {
            require_organization(connection, &status.org_id)?;
            connection
                .prepare_cached(&format!(
                    "INSERT OR REPLACE INTO org_create_account_statuses ({STATUS_COLUMNS}) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                ))?
                .execute(params![
                    status.org_id,
                    status.request_id,
                    status.account_name,
                    status.state,
                    status.requested,
                    status.completed,
                    status.account_id,
                    status.failure_reason
                ])?;
            Ok(())
        })
    }

    fn create_account_statuses(
        &self,
        org_id: &str,
    ) -> Result<Vec<CreateAccountStatusRecord>, StoreError> {
        let connection = self.connection;
        settle(|| {
            Ok(connection
                .prepare_cached(&format!(
                    "SELECT {STATUS_COLUMNS} FROM org_create_account_statuses \
                     WHERE org_id = ?1 ORDER BY requested, request_id"
                ))?
                .query_map([org_id], |row| {
                    Ok(CreateAccountStatusRecord {
                        org_id: row.get(0)?,
                        request_id: row.get(1)?,
                        account_name: row.get(2)?,
                        state: row.get(3)?,
                        requested: row.get(4)?,
                        completed: row.get(5)?,
                        account_id: row.get(6)?,
                        failure_reason: row.get(7)?,
                    })
                })?
                .collect::<Result<_, _>>()?)
        })
    }
}

fn organization_exists(connection: &Connection, org_id: &str) -> Outcome<bool> {
    Ok(connection
        .prepare_cached("SELECT 1 FROM organizations WHERE org_id = ?1")?
        .exists([org_id])?)
}

fn require_organization(connection: &Connection, org_id: &str) -> Outcome<()> {
    if organization_exists(connection, org_id)? {
        Ok(())
    } else {
        Err(StoreError::not_found(EntityKind::Organization, org_id).into())
    }
}

fn of_account(connection: &Connection, account_id: &str) -> Outcome<Option<String>> {
    let managed: Option<String> = connection
        .prepare_cached("SELECT org_id FROM organizations WHERE management_account_id = ?1")?
        .query_row([account_id], |row| row.get(0))
        .optional()?;
    if managed.is_some() {
        return Ok(managed);
    }
    Ok(connection
        .prepare_cached("SELECT org_id FROM org_nodes WHERE node_id = ?1 AND kind = 'ACCOUNT'")?
        .query_row([account_id], |row| row.get(0))
        .optional()?)
}

fn put_node(connection: &Connection, node: &OrgNodeRecord) -> Outcome<()> {
    require_organization(connection, &node.org_id)?;
    if node.kind == OrgNodeKind::Account {
        accounts::require(connection, &node.node_id)?;
        if of_account(connection, &node.node_id)?.is_some_and(|org| org != node.org_id) {
            return Err(StoreError::already_exists(EntityKind::Organization, &node.node_id).into());
        }
    }
    let owner: Option<String> = connection
        .prepare_cached("SELECT org_id FROM org_nodes WHERE node_id = ?1")?
        .query_row([&node.node_id], |row| row.get(0))
        .optional()?;
    if owner.is_some_and(|owner| owner != node.org_id) {
        return Err(StoreError::already_exists(EntityKind::OrgNode, &node.node_id).into());
    }
    if let Some(email) = &node.email {
        let taken = connection
            .prepare_cached("SELECT 1 FROM org_nodes WHERE email = ?1 AND node_id <> ?2")?
            .exists([email, &node.node_id])?;
        if taken {
            return Err(StoreError::already_exists(EntityKind::OrgEmail, email).into());
        }
    }
    connection
        .prepare_cached(&format!(
            "INSERT OR REPLACE INTO org_nodes ({NODE_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))?
        .execute(params![
            node.org_id,
            node.node_id,
            node.kind.as_str(),
            node.parent_id,
            node.name,
            node.email,
            node.status,
            node.joined_method,
            node.create_date
        ])?;
    Ok(())
}

/// Removes a deleted node's or policy's attachments (as `column`) and tags.
fn forget_resource(
    connection: &Connection,
    org_id: &str,
    resource_id: &str,
    column: &str,
) -> Outcome<()> {
    connection
        .prepare_cached(&format!(
            "DELETE FROM org_policy_attachments WHERE org_id = ?1 AND {column} = ?2"
        ))?
        .execute([org_id, resource_id])?;
    connection
        .prepare_cached("DELETE FROM org_tags WHERE org_id = ?1 AND resource_id = ?2")?
        .execute([org_id, resource_id])?;
    Ok(())
}

fn organization_from_row(row: &Row<'_>) -> rusqlite::Result<OrganizationRecord> {
    Ok(OrganizationRecord {
        org_id: row.get(0)?,
        management_account_id: row.get(1)?,
        feature_set: row.get(2)?,
        create_date: row.get(3)?,
    })
}

fn load_state(
    connection: &Connection,
    organization: OrganizationRecord,
) -> Outcome<OrganizationState> {
    let org_id = organization.org_id.as_str();
    let nodes = connection
        .prepare_cached(&format!(
            "SELECT {NODE_COLUMNS} FROM org_nodes WHERE org_id = ?1 ORDER BY node_id"
        ))?
        .query_map([org_id], |row| {
            Ok((
                row.get::<_, String>(2)?,
                OrgNodeRecord {
                    org_id: row.get(0)?,
                    node_id: row.get(1)?,
                    kind: OrgNodeKind::Root,
                    parent_id: row.get(3)?,
                    name: row.get(4)?,
                    email: row.get(5)?,
                    status: row.get(6)?,
                    joined_method: row.get(7)?,
                    create_date: row.get(8)?,
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(kind, node)| {
            let kind =
                OrgNodeKind::parse(&kind).ok_or_else(|| corrupt("organization node kind"))?;
            Ok(OrgNodeRecord { kind, ..node })
        })
        .collect::<Outcome<Vec<_>>>()?;
    let policies = connection
        .prepare_cached(&format!(
            "SELECT {POLICY_COLUMNS} FROM org_policies WHERE org_id = ?1 ORDER BY policy_id"
        ))?
        .query_map([org_id], |row| {
            Ok(OrgPolicyRecord {
                org_id: row.get(0)?,
                policy_id: row.get(1)?,
                policy_type: row.get(2)?,
                name: row.get(3)?,
                description: row.get(4)?,
                content: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let attachments = connection
        .prepare_cached(
            "SELECT policy_id, target_id FROM org_policy_attachments WHERE org_id = ?1 \
             ORDER BY policy_id, target_id",
        )?
        .query_map([org_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let policy_types = connection
        .prepare_cached(
            "SELECT policy_type FROM org_policy_types WHERE org_id = ?1 ORDER BY policy_type",
        )?
        .query_map([org_id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let tags = connection
        .prepare_cached(
            "SELECT resource_id, tag_key, tag_value FROM org_tags WHERE org_id = ?1 \
             ORDER BY resource_id, tag_key",
        )?
        .query_map([org_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(OrganizationState {
        organization,
        nodes,
        policies,
        attachments,
        policy_types,
        tags,
    })
}
