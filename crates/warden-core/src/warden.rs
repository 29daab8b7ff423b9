//! [`Warden`]: the services' shared state — the store, the published authorization snapshot,
//! the sealer for secrets at rest, the clock and the random source.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use arc_swap::ArcSwap;
use warden_crypto::{DATA_KEY_PURPOSE, DataKey, RootKey, Sealer, SecureRandom};
use warden_store::{AuditLog, Store, StoreError, StoreExt, Tx, WrappedKeyRecord};

use crate::clock::Clock;
use crate::error::ServiceError;
use crate::operation::Principal;
use crate::snapshot::Snapshot;
use crate::snapshot_build;

/// The name under which the wrapped data-encryption key for secrets at rest is stored.
const SECRETS_KEY_NAME: &str = "secrets-at-rest";

/// Why Warden could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The root key or the data key could not be used.
    #[error("crypto: {0}")]
    Crypto(#[from] warden_crypto::CryptoError),
    /// The stored state is not usable (for example a secret that no longer decrypts).
    #[error("{0}")]
    State(String),
    /// An option given by the operator is invalid.
    #[error("{0}")]
    Config(String),
    /// A file Warden writes could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// The services' shared state. Cheap to share behind an `Arc`; every method is synchronous
/// (call writers from `spawn_blocking`).
pub struct Warden {
    pub(crate) store: Arc<dyn Store>,
    /// The audit log every call is recorded in.
    pub(crate) audit: Arc<dyn AuditLog>,
    /// The key that signs trail digest files (ListPublicKeys publishes its public half).
    digest_keys: Arc<warden_audit::digest::DigestKeys>,
    /// Whether calls are recorded (on unless turned off to measure auditing's cost).
    recording: AtomicBool,
    snapshots: Arc<Snapshots>,
    pub(crate) sealer: Sealer,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) rng: Arc<dyn SecureRandom>,
    /// The account created on first start ([`Warden::bootstrap`]); it receives the audit
    /// records of calls that name no known account.
    pub(crate) default_account: OnceLock<String>,
    /// The partition resource ARNs are built in (`aws`, `aws-cn`, …).
    partition: &'static str,
    /// Failed guesses at users' old passwords and MFA codes, per user or device.
    pub(crate) attempts: crate::attempts::Attempts,
    /// Access keys' last uses not yet written to the store.
    pub(crate) key_uses: crate::key_uses::KeyUses,
    /// Principals' last attempts per action not yet written to the store.
    pub(crate) service_accesses: crate::service_accesses::ServiceAccesses,
    /// Each account's latest credential report.
    pub(crate) credential_reports: crate::iam::account::CredentialReports,
    /// Service last accessed reports, by job id.
    pub(crate) last_accessed_jobs: crate::iam::LastAccessedJobs,
    /// Session tokens opened recently.
    opened_sessions: crate::session_token::OpenedSessions,
    /// Whether refusals carry an encoded authorization message.
    encode_authorization_messages: bool,
    /// OpenID Connect issuers' signing keys (AssumeRoleWithWebIdentity).
    pub(crate) issuer_keys: crate::sts::IssuerKeys,
    /// Warden's own JWT signing keys (GetWebIdentityToken), loaded on first use.
    token_keys: OnceLock<Arc<crate::sts::TokenKeys>>,
    /// The URL clients reach this server at (the issuer URLs of GetWebIdentityToken).
    public_url: OnceLock<String>,
}

impl Warden {
    /// Build the services over `store`, unwrapping (or creating) the data key with `root_key`
    /// and loading the authorization snapshot.
    ///
    /// # Errors
    ///
    /// When the store fails, the data key does not unwrap (wrong root key), or a stored
    /// secret does not decrypt.
    pub fn new(
        store: Arc<dyn Store>,
        audit: Arc<dyn AuditLog>,
        root_key: &RootKey,
        clock: Arc<dyn Clock>,
        rng: Arc<dyn SecureRandom>,
    ) -> Result<Self, StartError> {
        let data_key =
            load_or_create_data_key(store.as_ref(), root_key, clock.as_ref(), rng.as_ref())?;
        let sealer = Sealer::new(&data_key, Arc::clone(&rng))?;
        let digest_keys =
            crate::digest_key::load_or_create(store.as_ref(), &sealer, clock.now())
                .map_err(|error| StartError::State(format!("digest signing key: {error}")))?;
        let source = store.read(|tx| tx.snapshot_source())?;
        let mut snapshot = snapshot_build::from_source(&source, &sealer)?;
        for organization in store.read(|tx| tx.organizations().load_all())? {
            snapshot.put_organization(&organization.organization.org_id, Some(&organization));
        }
        let snapshot = Arc::new(snapshot);
        Ok(Self {
            store,
            audit,
            digest_keys: Arc::new(digest_keys),
            recording: AtomicBool::new(true),
            snapshots: Arc::new(Snapshots {
                published: ArcSwap::new(Arc::clone(&snapshot)),
                staged: Mutex::new(snapshot),
            }),
            sealer,
            clock,
            rng,
            default_account: OnceLock::new(),
            partition: "aws",
            attempts: crate::attempts::Attempts::default(),
            key_uses: crate::key_uses::KeyUses::default(),
            service_accesses: crate::service_accesses::ServiceAccesses::default(),
            credential_reports: crate::iam::account::CredentialReports::default(),
            last_accessed_jobs: crate::iam::LastAccessedJobs::default(),
            opened_sessions: crate::session_token::OpenedSessions::default(),
            encode_authorization_messages: false,
            issuer_keys: crate::sts::IssuerKeys::default(),
            token_keys: OnceLock::new(),
            public_url: OnceLock::new(),
        })
    }

    /// Appends an encoded authorization message (readable with STS's
    /// DecodeAuthorizationMessage) to the AccessDenied answers of refused calls, as some AWS
    /// services do (`warden serve --encode-authorization-messages`).
    #[must_use]
    pub fn encoding_authorization_messages(mut self, on: bool) -> Self {
        self.encode_authorization_messages = on;
        self
    }

    /// The sealer to encode authorization messages with, when they are encoded.
    pub(crate) fn authorization_message_sealer(&self) -> Option<&Sealer> {
        self.encode_authorization_messages.then_some(&self.sealer)
    }

    /// These services answering for `region`: resource ARNs are built in its partition.
    #[must_use]
    pub fn in_region(mut self, region: &str) -> Self {
        self.partition = warden_protocol::partition_of(region);
        self
    }

    /// Notes that `access_key_id` just authenticated a call to `service` in `region`
    /// (GetAccessKeyLastUsed); written to the store by [`Warden::flush_last_used`].
    pub fn note_key_use(&self, access_key_id: &str, service: &str, region: &str) {
        self.key_uses
            .note(access_key_id, self.now().as_millisecond(), service, region);
    }

    /// Writes the access-key uses and the principals' attempts per action (with each role's
    /// last use) noted since the last flush (call every few seconds from a blocking task, and
    /// at shutdown); how many were written.
    ///
    /// # Errors
    ///
    /// The store's error (what was not written is kept for the next flush).
    pub fn flush_last_used(&self) -> Result<usize, StoreError> {
        let keys = self.key_uses.flush(self.store.as_ref())?;
        let snapshot = self.snapshot();
        let role_name_of = |principal_id: &str| {
            let arn = snapshot.arn_of_unique_id(principal_id)?;
            let (_, resource) = arn.split_once(":role/")?;
            resource.rsplit('/').next().map(str::to_owned)
        };
        let accesses = self
            .service_accesses
            .flush(self.store.as_ref(), role_name_of)?;
        Ok(keys + accesses)
    }

    /// Opens the session token of a request signed with `access_key_id`: the session's
    /// caller and secret, without a store read. The caller checks the signature with the
    /// secret, then the expiry (`Caller::session`'s `expires_at`).
    ///
    /// # Errors
    ///
    /// [`TokenError::Invalid`](crate::session_token::TokenError) when the token does not
    /// open or belongs to another key.
    pub fn open_session(
        &self,
        access_key_id: &str,
        token: &str,
    ) -> Result<crate::session_token::OpenedSession, crate::session_token::TokenError> {
        self.opened_sessions
            .open(&self.sealer, self.partition, access_key_id, token)
    }

    /// The partition resource ARNs are built in.
    pub fn partition(&self) -> &'static str {
        self.partition
    }

    /// The current authorization snapshot (never blocks).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshots.published.load_full()
    }

    /// How many authorization snapshots were published since start (0: the one loaded at
    /// start). Grows by one per successful write; for monitoring.
    pub fn snapshot_generation(&self) -> u64 {
        self.snapshots.published.load().generation()
    }

    /// The current time from the injected clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// The store, for operations that only read.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The default account (set by [`Warden::bootstrap`]).
    pub fn default_account(&self) -> Option<&str> {
        self.default_account.get().map(String::as_str)
    }

    /// The digest signing key, shared with the trail delivery worker.
    pub fn digest_keys(&self) -> &Arc<warden_audit::digest::DigestKeys> {
        &self.digest_keys
    }

    /// Fetches OpenID Connect issuers' key sets with `fetcher` (the server's HTTP client)
    /// from now on; until one is set, AssumeRoleWithWebIdentity answers
    /// `IDPCommunicationError`. The first fetcher set stays.
    pub fn use_key_set_fetcher(&self, fetcher: Arc<dyn crate::sts::KeySetFetcher>) {
        self.issuer_keys.set_fetcher(fetcher);
    }

    /// Sets the URL clients reach this server at (`http://127.0.0.1:4566`, no trailing
    /// slash): the base of the issuer URLs GetWebIdentityToken's tokens name. The first
    /// one set stays.
    pub fn use_public_url(&self, url: &str) {
        // A second call (the same server building its router twice) changes nothing.
        let _ = self.public_url.set(url.trim_end_matches('/').to_owned());
    }

    /// The URL clients reach this server at; `http://localhost` until one is set.
    pub(crate) fn public_url(&self) -> &str {
        self.public_url
            .get()
            .map_or("http://localhost", String::as_str)
    }

    /// Warden's JWT signing keys, loaded (or generated and stored) on first use.
    pub(crate) fn token_keys(&self) -> Result<Arc<crate::sts::TokenKeys>, ServiceError> {
        if let Some(keys) = self.token_keys.get() {
            return Ok(Arc::clone(keys));
        }
        let keys = crate::sts::load_token_keys(self.store.as_ref(), &self.sealer, self.now())
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        Ok(Arc::clone(self.token_keys.get_or_init(|| Arc::new(keys))))
    }

    /// Turns recording of calls off (or back on). Off exists only to measure what auditing
    /// costs; [`Warden::record`] then accepts every record without writing it.
    pub fn set_recording(&self, on: bool) {
        self.recording.store(on, Ordering::Relaxed);
    }

    /// Whether calls are recorded.
    pub fn is_recording(&self) -> bool {
        self.recording.load(Ordering::Relaxed)
    }

    /// The audit log, for operations that read it (LookupEvents, delivery).
    pub fn audit_log(&self) -> &Arc<dyn AuditLog> {
        &self.audit
    }

    /// The shared store handle (for background workers such as log delivery).
    pub fn store_handle(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    /// Runs `work` (an operation's writes) in a write transaction. When it succeeds, the
    /// principals of `account` it reported touching are re-read inside that transaction
    /// into the staged snapshot, which is published once the transaction has committed; when
    /// it fails, nothing it wrote is kept. Readers use the previous generation until then.
    pub(crate) fn write<T>(
        &self,
        account: &str,
        work: impl FnOnce(&dyn Tx, &mut Vec<Principal>) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let snapshots = Arc::clone(&self.snapshots);
        self.store.write_then(
            |tx| {
                let mut touched = Vec::new();
                let value = work(tx, &mut touched)?;
                if !touched.is_empty() {
                    self.snapshots.stage(|next| {
                        for principal in &touched {
                            match principal {
                                Principal::User(name) => snapshot_build::refresh_user(
                                    tx,
                                    &self.sealer,
                                    next,
                                    account,
                                    name,
                                )?,
                                Principal::Group(name) => {
                                    snapshot_build::refresh_group(tx, next, account, name)?;
                                }
                                Principal::Role(name) => {
                                    snapshot_build::refresh_role(tx, next, account, name)?;
                                }
                                Principal::ManagedPolicy(arn) => {
                                    snapshot_build::refresh_managed(tx, next, arn)?;
                                }
                                Principal::Root => snapshot_build::refresh_root_keys(
                                    tx,
                                    &self.sealer,
                                    next,
                                    account,
                                )?,
                                Principal::AccountRole { account, name } => {
                                    snapshot_build::refresh_role(tx, next, account, name)?;
                                }
                                Principal::Organization(org_id) => {
                                    let state = tx.organizations().load(org_id)?;
                                    next.put_organization(org_id, state.as_ref());
                                }
                            }
                        }
                        Ok(())
                    })?;
                }
                Ok(value)
            },
            Box::new(move |committed| snapshots.settle(committed)),
        )
    }
}

/// The published authorization snapshot, and the staged one: the published one plus the
/// kept writes of the transaction now open.
struct Snapshots {
    published: ArcSwap<Snapshot>,
    /// Used only by write transactions' work and commit callbacks, which the store runs
    /// one at a time: never contended.
    staged: Mutex<Arc<Snapshot>>,
}

impl Snapshots {
    /// Applies `change` to the next generation of the staged snapshot; a failed change
    /// leaves the staged snapshot as it was.
    fn stage(
        &self,
        change: impl FnOnce(&mut Snapshot) -> Result<(), ServiceError>,
    ) -> Result<(), ServiceError> {
        let mut staged = self.staged.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = Snapshot::clone(&staged);
        next.follow(&staged);
        change(&mut next)?;
        *staged = Arc::new(next);
        Ok(())
    }

    /// Publishes the staged snapshot once its transaction committed; forgets it otherwise.
    fn settle(&self, committed: bool) {
        let mut staged = self.staged.lock().unwrap_or_else(PoisonError::into_inner);
        if committed {
            self.published.store(Arc::clone(&staged));
        } else {
            *staged = self.published.load_full();
        }
    }
}

fn load_or_create_data_key(
    store: &dyn Store,
    root_key: &RootKey,
    clock: &dyn Clock,
    rng: &dyn SecureRandom,
) -> Result<DataKey, StartError> {
    if let Some(record) = store.read(|tx| tx.wrapped_keys().get(SECRETS_KEY_NAME))? {
        return root_key
            .unwrap_data_key(&record.wrapped, DATA_KEY_PURPOSE)
            .map_err(|_| {
                StartError::State(
                    "the data key does not unwrap with this root key (wrong root.key for this data directory?)"
                        .to_owned(),
                )
            });
    }
    let data_key = DataKey::generate(rng)?;
    let wrapped = root_key.wrap_data_key(&data_key, DATA_KEY_PURPOSE, rng)?;
    match store.write(|tx| {
        tx.wrapped_keys().create(&WrappedKeyRecord {
            name: SECRETS_KEY_NAME.to_owned(),
            wrapped,
            create_date: clock.now().as_millisecond(),
        })
    }) {
        Ok(()) => Ok(data_key),
        // Another node stored its key first: the first writer wins, use that one.
        Err(StoreError::AlreadyExists { .. }) => {
            load_or_create_data_key(store, root_key, clock, rng)
        }
        Err(error) => Err(error.into()),
    }
}
