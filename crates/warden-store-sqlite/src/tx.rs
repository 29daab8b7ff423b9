//! [`SqliteTx`]: one transaction's connection, implementing every repository.

use rusqlite::Connection;
use warden_store::{
    AccessKeys, Accounts, Groups, InlinePolicies, InstanceProfiles, Kms, LoginProfiles,
    ManagedPolicies, MfaDevices, OpenIdConnectProviders, Organizations, PasswordPolicies, Roles,
    SamlProviders, ServerCertificates, ServiceAccesses, ServiceCredentials, SigningCertificates,
    SnapshotSource, SshPublicKeys, StoreError, Trails, Tx, Users, WrappedKeys,
};

use crate::failure::Outcome;
use crate::policies::{GROUP_POLICIES, ROLE_POLICIES, SqlitePolicies, USER_POLICIES};
use crate::snapshot;

/// The repositories of one transaction: the connection it is open on. The repository
/// implementations live beside their SQL (`users.rs`, `access_keys.rs`, …).
pub(crate) struct SqliteTx<'c> {
    /// The connection, inside `BEGIN` (reads) or a savepoint (writes).
    pub(crate) connection: &'c Connection,
    /// Inline policies of users, on the same connection.
    user_policies: SqlitePolicies<'c>,
    /// Inline policies of groups, on the same connection.
    group_policies: SqlitePolicies<'c>,
    /// Inline policies of roles, on the same connection.
    role_policies: SqlitePolicies<'c>,
}

impl<'c> SqliteTx<'c> {
    /// The repositories of a transaction open on `connection`.
    pub(crate) fn new(connection: &'c Connection) -> Self {
        Self {
            connection,
            user_policies: SqlitePolicies {
                connection,
                table: &USER_POLICIES,
            },
            group_policies: SqlitePolicies {
                connection,
                table: &GROUP_POLICIES,
            },
            role_policies: SqlitePolicies {
                connection,
                table: &ROLE_POLICIES,
            },
        }
    }
}

/// Runs a repository method's body, turning its internal failure into a [`StoreError`].
pub(crate) fn settle<T>(body: impl FnOnce() -> Outcome<T>) -> Result<T, StoreError> {
    Ok(body()?)
}

impl Tx for SqliteTx<'_> {
    fn accounts(&self) -> &dyn Accounts {
        self
    }

    fn users(&self) -> &dyn Users {
        self
    }

    fn user_policies(&self) -> &dyn InlinePolicies {
        &self.user_policies
    }

    fn groups(&self) -> &dyn Groups {
        self
    }

    fn group_policies(&self) -> &dyn InlinePolicies {
        &self.group_policies
    }

    fn roles(&self) -> &dyn Roles {
        self
    }

    fn role_policies(&self) -> &dyn InlinePolicies {
        &self.role_policies
    }

    fn instance_profiles(&self) -> &dyn InstanceProfiles {
        self
    }

    fn login_profiles(&self) -> &dyn LoginProfiles {
        self
    }

    fn mfa_devices(&self) -> &dyn MfaDevices {
        self
    }

    fn ssh_public_keys(&self) -> &dyn SshPublicKeys {
        self
    }

    fn signing_certificates(&self) -> &dyn SigningCertificates {
        self
    }

    fn server_certificates(&self) -> &dyn ServerCertificates {
        self
    }

    fn open_id_connect_providers(&self) -> &dyn OpenIdConnectProviders {
        self
    }

    fn saml_providers(&self) -> &dyn SamlProviders {
        self
    }

    fn password_policies(&self) -> &dyn PasswordPolicies {
        self
    }

    fn service_credentials(&self) -> &dyn ServiceCredentials {
        self
    }

    fn service_accesses(&self) -> &dyn ServiceAccesses {
        self
    }

    fn managed_policies(&self) -> &dyn ManagedPolicies {
        self
    }

    fn access_keys(&self) -> &dyn AccessKeys {
        self
    }

    fn wrapped_keys(&self) -> &dyn WrappedKeys {
        self
    }

    fn trails(&self) -> &dyn Trails {
        self
    }

    fn kms(&self) -> &dyn Kms {
        self
    }

    fn organizations(&self) -> &dyn Organizations {
        self
    }

    fn snapshot_source(&self) -> Result<SnapshotSource, StoreError> {
        settle(|| snapshot::source(self.connection))
    }
}
