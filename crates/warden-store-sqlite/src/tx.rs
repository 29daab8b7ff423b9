//! [`SqliteTx`]: one transaction's connection, implementing every repository.

use rusqlite::Connection;
use warden_store::{
    AccessKeys, Accounts, SnapshotSource, StoreError, Trails, Tx, UserPolicies, Users, WrappedKeys,
};

use crate::failure::Outcome;
use crate::snapshot;

/// The repositories of one transaction: the connection it is open on. The repository
/// implementations live beside their SQL (`users.rs`, `access_keys.rs`, …).
pub(crate) struct SqliteTx<'c> {
    /// The connection, inside `BEGIN` (reads) or a savepoint (writes).
    pub(crate) connection: &'c Connection,
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

    fn user_policies(&self) -> &dyn UserPolicies {
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

    fn snapshot_source(&self) -> Result<SnapshotSource, StoreError> {
        settle(|| snapshot::source(self.connection))
    }
}
