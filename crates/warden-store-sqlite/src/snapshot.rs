//! The generation counter and the snapshot source.

use rusqlite::Connection;
use warden_store::{Accounts, Membership, SnapshotSource};

use crate::failure::{Outcome, corrupt};
use crate::tx::SqliteTx;
use crate::{access_keys, groups, managed_policies, policies, roles, users};

pub(crate) fn generation(connection: &Connection) -> Outcome<u64> {
    let generation: i64 = connection
        .prepare_cached("SELECT generation FROM store_meta WHERE id = 1")?
        .query_row([], |row| row.get(0))?;
    u64::try_from(generation).map_err(|_| corrupt("negative generation"))
}

/// Reads everything; the caller runs this inside one read transaction.
pub(crate) fn source(connection: &Connection) -> Outcome<SnapshotSource> {
    let generation = generation(connection)?;
    let accounts = Accounts::list(&SqliteTx::new(connection))?;

    let mut tags = crate::tags::USER_TAGS.all(connection)?;

    let sql = format!(
        "SELECT {} FROM users ORDER BY account_id, name_key",
        users::USER_COLUMNS
    );
    let mut users: Vec<_> = connection
        .prepare_cached(&sql)?
        .query_map([], users::user_from_row)?
        .collect::<Result<_, _>>()?;
    for user in &mut users {
        let key = (
            user.account_id.clone(),
            warden_store::name_key(&user.user_name),
        );
        user.tags = tags.remove(&key).unwrap_or_default();
    }

    let user_policies = policies::USER_POLICIES.all(connection)?;
    let group_policies = policies::GROUP_POLICIES.all(connection)?;
    let sql = format!(
        "SELECT {} FROM groups ORDER BY account_id, name_key",
        groups::GROUP_COLUMNS
    );
    let groups = connection
        .prepare_cached(&sql)?
        .query_map([], groups::group_from_row)?
        .collect::<Result<_, _>>()?;
    let memberships = connection
        .prepare_cached(
            "SELECT m.account_id, g.group_name, u.user_name FROM group_members m \
             JOIN groups g ON g.account_id = m.account_id AND g.name_key = m.group_key \
             JOIN users u ON u.account_id = m.account_id AND u.name_key = m.user_key \
             ORDER BY m.account_id, m.group_key, m.user_key",
        )?
        .query_map([], |row| {
            Ok(Membership {
                account_id: row.get(0)?,
                group_name: row.get(1)?,
                user_name: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;

    let roles = roles::all(connection)?;
    let role_policies = policies::ROLE_POLICIES.all(connection)?;

    let customer_policies = managed_policies::all_policies(connection)?;
    let default_versions = managed_policies::all_default_versions(connection)?;
    let attachments = managed_policies::all_attachments(connection)?;

    let sql = format!("{} ORDER BY k.access_key_id", access_keys::SELECT_KEYS);
    let access_keys = connection
        .prepare_cached(&sql)?
        .query_map([], access_keys::key_from_row)?
        .collect::<Result<_, _>>()?;

    Ok(SnapshotSource {
        generation,
        accounts,
        users,
        user_policies,
        groups,
        group_policies,
        memberships,
        roles,
        role_policies,
        managed_policies: customer_policies,
        default_versions,
        attachments,
        access_keys,
    })
}
