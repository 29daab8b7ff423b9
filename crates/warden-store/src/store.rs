//! The [`Store`] trait: transactions over the per-aggregate repositories.

use crate::{
    AccessKeys, Accounts, Groups, InlinePolicies, InstanceProfiles, Kms, LoginProfiles,
    ManagedPolicies, MfaDevices, OpenIdConnectProviders, Organizations, PasswordPolicies, Roles,
    SamlProviders, ServerCertificates, ServiceAccesses, ServiceCredentials, SigningCertificates,
    SnapshotSource, SshPublicKeys, StoreError, Trails, Users, WrappedKeys,
};

/// One transaction's view of Warden's state, through one repository per aggregate.
///
/// In a read transaction every read sees one committed state; a write there fails with
/// [`StoreError::Backend`]. In a write transaction reads see the transaction's own writes.
pub trait Tx {
    /// Accounts.
    fn accounts(&self) -> &dyn Accounts;
    /// IAM users and their tags.
    fn users(&self) -> &dyn Users;
    /// Inline policies of users.
    fn user_policies(&self) -> &dyn InlinePolicies;
    /// IAM groups and their members.
    fn groups(&self) -> &dyn Groups;
    /// Inline policies of groups.
    fn group_policies(&self) -> &dyn InlinePolicies;
    /// IAM roles and their tags.
    fn roles(&self) -> &dyn Roles;
    /// Inline policies of roles.
    fn role_policies(&self) -> &dyn InlinePolicies;
    /// Instance profiles and the roles in them.
    fn instance_profiles(&self) -> &dyn InstanceProfiles;
    /// Users' console passwords.
    fn login_profiles(&self) -> &dyn LoginProfiles;
    /// Virtual MFA devices.
    fn mfa_devices(&self) -> &dyn MfaDevices;
    /// Users' SSH public keys.
    fn ssh_public_keys(&self) -> &dyn SshPublicKeys;
    /// Signing certificates of users and root users.
    fn signing_certificates(&self) -> &dyn SigningCertificates;
    /// Server certificates of accounts.
    fn server_certificates(&self) -> &dyn ServerCertificates;
    /// OpenID Connect identity providers of accounts.
    fn open_id_connect_providers(&self) -> &dyn OpenIdConnectProviders;
    /// SAML identity providers of accounts.
    fn saml_providers(&self) -> &dyn SamlProviders;
    /// Accounts' password policies.
    fn password_policies(&self) -> &dyn PasswordPolicies;
    /// Users' service-specific credentials.
    fn service_credentials(&self) -> &dyn ServiceCredentials;
    /// Principals' last attempts to call each action (service last accessed reports).
    fn service_accesses(&self) -> &dyn ServiceAccesses;
    /// Customer managed policies, their versions and tags, and the attachments of every
    /// managed policy (AWS managed ones included) to users, groups and roles.
    fn managed_policies(&self) -> &dyn ManagedPolicies;
    /// Access keys of users and of root users.
    fn access_keys(&self) -> &dyn AccessKeys;
    /// Wrapped data keys (the key for secrets at rest, the digest signing key).
    fn wrapped_keys(&self) -> &dyn WrappedKeys;
    /// CloudTrail trails and their delivery state.
    fn trails(&self) -> &dyn Trails;
    /// KMS keys, aliases and grants.
    fn kms(&self) -> &dyn Kms;
    /// AWS Organizations: organizations, their trees, policies and requests.
    fn organizations(&self) -> &dyn Organizations;

    /// Everything the authorization snapshot needs, as of this transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn snapshot_source(&self) -> Result<SnapshotSource, StoreError>;
}

/// Runs a write transaction's work: `true` keeps what it wrote, `false` discards it.
pub type WriteWork<'w> = dyn FnMut(&dyn Tx) -> bool + 'w;

/// Told, once the transaction holding a kept write has committed (`true`) or failed
/// (`false`), before any later write runs. A write whose savepoint could not be closed is
/// told `false` too, whatever its work decided.
pub type OnCommit = Box<dyn FnOnce(bool) + Send>;

/// Warden's persistent state: transactions over per-aggregate repositories.
///
/// **Writes share commits.** Concurrent writes run one at a time, each in its own savepoint
/// of a transaction that several of them may share; the transaction commits (durably) when
/// no other write is waiting or the batch is full, and every write in it returns only then.
/// A write whose work is discarded changes nothing, whatever the others do; when a commit
/// fails, every write in it fails. `on_commit` callbacks run in commit order, one write at
/// a time, so a caller can keep derived state (the authorization snapshot) in step with
/// exactly what is durable.
///
/// Use the generic forms in [`StoreExt`]; these two are the object-safe core a backend
/// implements. Synchronous by design: call it from `tokio::task::spawn_blocking`.
pub trait Store: Send + Sync {
    /// Runs `work` in a read transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the transaction cannot be opened or closed.
    fn run_read(&self, work: &mut dyn FnMut(&dyn Tx)) -> Result<(), StoreError>;

    /// Runs `work` in a savepoint of a (possibly shared) write transaction and returns once
    /// that transaction has committed — or at once when `work` discarded its writes. Works
    /// run one at a time; the generation is bumped for every kept one.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the transaction cannot be opened or committed (kept
    /// writes are then lost, and `on_commit` is told so).
    fn run_write(&self, work: &mut WriteWork<'_>, on_commit: OnCommit) -> Result<(), StoreError>;

    /// A counter bumped by every kept write; compare it with [`SnapshotSource::generation`]
    /// to know whether a snapshot is stale.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn generation(&self) -> Result<u64, StoreError>;

    /// How many write transactions committed since the store was opened, and how many kept
    /// writes they carried (their ratio is the group commit's batch size).
    fn commit_stats(&self) -> CommitStats;
}

/// Commits made by a [`Store`] since it was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Write transactions committed.
    pub commits: u64,
    /// Kept writes those transactions carried.
    pub writes: u64,
}

/// The generic forms of [`Store`]'s transactions.
pub trait StoreExt: Store {
    /// Runs `read` in one read transaction.
    ///
    /// # Errors
    ///
    /// `read`'s error, or [`StoreError::Backend`] converted into `E`.
    fn read<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce(&dyn Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut read = Some(read);
        let mut result = None;
        self.run_read(&mut |tx| {
            if let Some(read) = read.take() {
                result = Some(read(tx));
            }
        })?;
        result.unwrap_or_else(|| Err(StoreError::Backend("read did not run".to_owned()).into()))
    }

    /// Runs `write` in a write transaction and returns once it is durable; an `Err` from
    /// `write` discards everything it wrote.
    ///
    /// # Errors
    ///
    /// `write`'s error, or [`StoreError::Backend`] (as `E`) if the commit failed.
    fn write<T, E: From<StoreError>>(
        &self,
        write: impl FnOnce(&dyn Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_then(write, Box::new(|_| {}))
    }

    /// [`StoreExt::write`], telling `on_commit` whether the kept write became durable.
    ///
    /// # Errors
    ///
    /// As [`StoreExt::write`].
    fn write_then<T, E: From<StoreError>>(
        &self,
        write: impl FnOnce(&dyn Tx) -> Result<T, E>,
        on_commit: OnCommit,
    ) -> Result<T, E> {
        let mut write = Some(write);
        let mut result = None;
        self.run_write(
            &mut |tx| {
                let Some(write) = write.take() else {
                    return false;
                };
                let outcome = write(tx);
                let keep = outcome.is_ok();
                result = Some(outcome);
                keep
            },
            on_commit,
        )?;
        result.unwrap_or_else(|| Err(StoreError::Backend("write did not run".to_owned()).into()))
    }
}

impl<S: Store + ?Sized> StoreExt for S {}
