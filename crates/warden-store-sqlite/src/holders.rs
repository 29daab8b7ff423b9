//! The entities that hold policies — users, groups and roles — as the tables of their inline
//! policies and managed-policy attachments refer to them, instance profiles (which hold
//! tags and roles) and virtual MFA devices (which hold tags): rows keyed by the holder's
//! case-folded name, following its renames through `ON UPDATE CASCADE`.

use rusqlite::{Connection, params};

use crate::failure::Outcome;
use crate::{
    groups, identity_providers, instance_profiles, mfa_devices, roles, server_certificates, users,
};

/// One kind of holder.
pub(crate) struct Holder {
    /// The holders' table.
    table: &'static str,
    /// Its column of the name as stored.
    name: &'static str,
    /// The column of a dependent table that holds the holder's case-folded name.
    pub(crate) key: &'static str,
    /// The key of the holder of this name, or NotFound for the holder. (MFA devices are
    /// found by serial number instead.)
    pub(crate) require: fn(&Connection, &str, &str) -> Outcome<String>,
}

/// Users.
pub(crate) const USERS: Holder = Holder {
    table: "users",
    name: "user_name",
    key: "user_key",
    require: users::require,
};

/// Groups.
pub(crate) const GROUPS: Holder = Holder {
    table: "groups",
    name: "group_name",
    key: "group_key",
    require: groups::require,
};

/// Roles.
pub(crate) const ROLES: Holder = Holder {
    table: "roles",
    name: "role_name",
    key: "role_key",
    require: roles::require,
};

/// Instance profiles (of their tags and roles).
pub(crate) const INSTANCE_PROFILES: Holder = Holder {
    table: "instance_profiles",
    name: "instance_profile_name",
    key: "profile_key",
    require: instance_profiles::require,
};

/// Virtual MFA devices (of their tags), keyed by their case-folded device name but found by
/// serial number.
pub(crate) const MFA_DEVICES: Holder = Holder {
    table: "mfa_devices",
    name: "device_name",
    key: "device_key",
    require: mfa_devices::require_key,
};

/// Server certificates (of their tags).
pub(crate) const SERVER_CERTIFICATES: Holder = Holder {
    table: "server_certificates",
    name: "server_certificate_name",
    key: "certificate_key",
    require: server_certificates::require,
};

/// OpenID Connect providers (of their client ids and tags), keyed by their URL without
/// scheme.
pub(crate) const OPEN_ID_CONNECT_PROVIDERS: Holder = Holder {
    table: "oidc_providers",
    name: "url",
    key: "provider_key",
    require: identity_providers::require_open_id_connect,
};

/// SAML providers (of their tags).
pub(crate) const SAML_PROVIDERS: Holder = Holder {
    table: "saml_providers",
    name: "name",
    key: "provider_key",
    require: identity_providers::require_saml,
};

impl Holder {
    /// Selects `t.account_id`, the holder's stored name, then `columns` from the dependent
    /// `table` (aliased `t`) joined to its holders (aliased `h`); callers append WHERE and
    /// ORDER BY clauses.
    pub(crate) fn select(&self, table: &str, columns: &str) -> String {
        self.select_using(table, None, columns)
    }

    /// [`Holder::select`], reading `table` through `index` when given (SQLite plans
    /// without statistics: left alone, it may scan the account's rows in key order).
    pub(crate) fn select_using(&self, table: &str, index: Option<&str>, columns: &str) -> String {
        let indexed = index.map_or_else(String::new, |index| format!(" INDEXED BY {index}"));
        format!(
            "SELECT t.account_id, h.{name}, {columns} FROM {table} AS t{indexed} JOIN {holders} h \
             ON h.account_id = t.account_id AND h.name_key = t.{key}",
            name = self.name,
            holders = self.table,
            key = self.key,
        )
    }

    /// Whether the holder with this key has any row in the dependent `table`.
    pub(crate) fn has_rows(
        &self,
        connection: &Connection,
        table: &str,
        account_id: &str,
        key: &str,
    ) -> Outcome<bool> {
        let sql = format!(
            "SELECT 1 FROM {table} WHERE account_id = ?1 AND {} = ?2",
            self.key
        );
        Ok(connection
            .prepare_cached(&sql)?
            .exists(params![account_id, key])?)
    }
}
