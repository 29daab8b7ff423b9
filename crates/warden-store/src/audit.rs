//! The audit log: the [`AuditLog`] trait and the records it stores.
//!
//! It is separate from [`Store`](crate::Store) because its access pattern is: every API call
//! appends one record, durably, before its reply; reads are rare (LookupEvents, log
//! delivery, verification). Backends batch concurrent appends into one write and one flush
//! (group commit).
//!
//! # Invariants every backend upholds
//!
//! - **Durable before return, fail closed.** [`AuditLog::append`] returns `Ok` only once its
//!   records are on stable storage. If the batch they were committed in fails, every caller
//!   in that batch gets the error (its records may still reach the disk, as with any failed
//!   flush; the calls that produced them failed all the same).
//! - **One hash chain.** The backend assigns consecutive sequences (from 1) in commit order
//!   and links each record to its predecessor with
//!   [`warden_audit::chain::link_hash`]; `prev_hash`/`hash` are stored with the record.
//! - **Pruning keeps verification possible.** [`AuditLog::prune_before`] deletes a prefix of
//!   the chain and records the last deleted record's sequence and hash as the
//!   [`AuditLog::anchor`], from which what remains verifies.
//! - Audit appends do not bump [`Store::generation`](crate::Store::generation): they change
//!   no authorization state.

use warden_audit::AuditEvent;
use warden_audit::chain::{self, Anchor, ChainBreak, ChainHash};

use crate::StoreError;

/// The most records [`AuditLog::lookup`] returns per page (CloudTrail's `MaxResults` limit).
pub const LOOKUP_MAX_RESULTS: u32 = 50;

/// An audit record to append: the record's bytes plus the fields LookupEvents filters on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditRecord {
    /// The account that received the call (`recipientAccountId`); lookups are per account.
    pub account_id: String,
    /// `eventTime`, epoch milliseconds.
    pub event_time: i64,
    /// `eventID`.
    pub event_id: String,
    /// `eventName`.
    pub event_name: String,
    /// `eventSource`.
    pub event_source: String,
    /// `readOnly`.
    pub read_only: bool,
    /// The `Username` lookup attribute ([`AuditEvent::username`]).
    pub username: Option<String>,
    /// `userIdentity.accessKeyId`.
    pub access_key_id: Option<String>,
    /// The `resources` of the record, as LookupEvents reports them.
    pub resources: Vec<AuditResource>,
    /// The record's canonical bytes ([`AuditEvent::to_json`]); stored and hashed as is.
    pub body: Vec<u8>,
}

/// One resource of a record, as LookupEvents reports and filters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditResource {
    /// e.g. `AWS::IAM::User`.
    pub resource_type: String,
    /// The resource's name: the last `/`-separated part of its ARN (`alice` for
    /// `arn:aws:iam::111122223333:user/alice`).
    pub resource_name: String,
}

impl NewAuditRecord {
    /// The record to append for `event`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the event cannot be encoded (which fails the call: the
    /// audit trail fails closed).
    pub fn from_event(event: &AuditEvent) -> Result<Self, StoreError> {
        let body = event
            .to_json()
            .map_err(|error| StoreError::Backend(format!("cannot encode audit event: {error}")))?;
        Ok(Self {
            account_id: event.recipient_account_id.clone(),
            event_time: event.event_time.as_millisecond(),
            event_id: event.event_id.clone(),
            event_name: event.event_name.clone(),
            event_source: event.event_source.clone(),
            read_only: event.read_only,
            username: event.username().map(str::to_owned),
            access_key_id: event.user_identity.access_key_id.clone(),
            resources: event
                .resources
                .iter()
                .map(|resource| AuditResource {
                    resource_type: resource.resource_type.clone(),
                    resource_name: resource
                        .arn
                        .rsplit_once('/')
                        .map_or(resource.arn.as_str(), |(_, name)| name)
                        .to_owned(),
                })
                .collect(),
            body,
        })
    }
}

/// A record as stored: its place in the chain plus what was appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuditRecord {
    /// Its position in the chain (consecutive from 1).
    pub sequence: u64,
    /// The hash of the record before it.
    pub prev_hash: ChainHash,
    /// Its own chain hash.
    pub hash: ChainHash,
    /// What was appended.
    pub record: NewAuditRecord,
}

impl StoredAuditRecord {
    /// This record as a chain link, for [`chain::verify`].
    #[must_use]
    pub fn link(&self) -> chain::Link<'_> {
        chain::Link {
            sequence: self.sequence,
            prev_hash: self.prev_hash,
            hash: self.hash,
            record: &self.record.body,
        }
    }
}

/// The one LookupEvents attribute a query may filter on (exact match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupAttribute {
    /// `eventID`.
    EventId(String),
    /// `eventName`.
    EventName(String),
    /// `readOnly`.
    ReadOnly(bool),
    /// The `Username` attribute.
    Username(String),
    /// Any resource of this type.
    ResourceType(String),
    /// Any resource of this name.
    ResourceName(String),
    /// `eventSource`.
    EventSource(String),
    /// `userIdentity.accessKeyId`.
    AccessKeyId(String),
}

/// A LookupEvents query: one account's records, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    /// Whose records (`recipientAccountId`).
    pub account_id: String,
    /// Only records at or after this time (epoch ms, inclusive).
    pub start_time: Option<i64>,
    /// Only records at or before this time (epoch ms, inclusive).
    pub end_time: Option<i64>,
    /// At most one attribute filter.
    pub attribute: Option<LookupAttribute>,
    /// Page size, clamped to 1..=[`LOOKUP_MAX_RESULTS`] (validate it before, to return
    /// CloudTrail's `InvalidMaxResultsException`).
    pub max_results: u32,
    /// The `next_token` of the previous page of the same query.
    pub next_token: Option<String>,
}

/// One page of a lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The records, newest first (by event time, then by sequence).
    pub records: Vec<StoredAuditRecord>,
    /// Present when more records may follow; pass it back in [`AuditQuery::next_token`].
    pub next_token: Option<String>,
}

/// Where a backend's lookup pages resume: after (`event_time`, `sequence`) going back in
/// time. Backends encode it as `<event_time>.<sequence>` so every backend accepts every
/// other's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookupCursor {
    /// The event time of the last record returned.
    pub event_time: i64,
    /// Its sequence.
    pub sequence: u64,
}

impl LookupCursor {
    /// The token for this cursor.
    #[must_use]
    pub fn to_token(&self) -> String {
        format!("{}.{}", self.event_time, self.sequence)
    }

    /// Parses a token made by [`LookupCursor::to_token`].
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] with [`EntityKind::AuditPageToken`](crate::EntityKind::AuditPageToken)
    /// if `token` is malformed (CloudTrail's `InvalidNextTokenException`).
    pub fn from_token(token: &str) -> Result<Self, StoreError> {
        let invalid = || StoreError::not_found(crate::EntityKind::AuditPageToken, token);
        let (time, sequence) = token.split_once('.').ok_or_else(invalid)?;
        Ok(Self {
            event_time: time.parse().map_err(|_| invalid())?,
            sequence: sequence.parse().map_err(|_| invalid())?,
        })
    }
}

/// An append handed to the log and not yet durable: wait for it from a thread
/// ([`PendingAppend::wait`]) or from async code ([`PendingAppend::finish`]) without holding
/// a thread while the disk flushes.
#[derive(Debug)]
pub struct PendingAppend(PendingState);

#[derive(Debug)]
enum PendingState {
    /// Waiting for the backend's answer.
    Waiting(tokio::sync::oneshot::Receiver<Result<Vec<u64>, StoreError>>),
    /// Answered at once (an empty append, or a log that refused before queueing).
    Ready(Result<Vec<u64>, StoreError>),
}

/// The sending half of a [`PendingAppend`], kept by the backend until the records are durable.
pub type AppendReply = tokio::sync::oneshot::Sender<Result<Vec<u64>, StoreError>>;

impl PendingAppend {
    /// A pending append and the reply its backend answers through.
    #[must_use]
    pub fn channel() -> (AppendReply, Self) {
        let (reply, answer) = tokio::sync::oneshot::channel();
        (reply, Self(PendingState::Waiting(answer)))
    }

    /// An append already answered.
    #[must_use]
    pub fn ready(result: Result<Vec<u64>, StoreError>) -> Self {
        Self(PendingState::Ready(result))
    }

    /// Blocks the thread until the records are durable; returns their sequences.
    ///
    /// # Errors
    ///
    /// As [`AuditLog::append`].
    pub fn wait(self) -> Result<Vec<u64>, StoreError> {
        match self.0 {
            PendingState::Ready(result) => result,
            PendingState::Waiting(answer) => answer
                .blocking_recv()
                .unwrap_or_else(|_| Err(writer_stopped())),
        }
    }

    /// Waits, without blocking a thread, until the records are durable.
    ///
    /// # Errors
    ///
    /// As [`AuditLog::append`].
    pub async fn finish(self) -> Result<Vec<u64>, StoreError> {
        match self.0 {
            PendingState::Ready(result) => result,
            PendingState::Waiting(answer) => answer.await.unwrap_or_else(|_| Err(writer_stopped())),
        }
    }
}

fn writer_stopped() -> StoreError {
    StoreError::Backend("the audit log writer stopped before answering".to_owned())
}

/// The durable, hash-chained, queryable audit log.
///
/// Appends are asynchronous ([`AuditLog::submit`]); reads are synchronous (call them from
/// `tokio::task::spawn_blocking`).
pub trait AuditLog: Send + Sync {
    /// Hands records to the log, which appends them durably (see the module invariants);
    /// the returned [`PendingAppend`] yields their sequences, in order, once they are on
    /// stable storage. Concurrent submissions share one commit.
    fn submit(&self, records: Vec<NewAuditRecord>) -> PendingAppend;

    /// A hint from the submitters (a server's runtime, when its workers run out of work):
    /// every call they have in flight is waiting, so a backend that holds submissions to
    /// commit more of them at once should commit now. Backends that commit at once ignore it.
    fn submitters_idle(&self) {}

    /// Appends records durably and returns their sequences, blocking until they are.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the records could not be made durable; then none of them
    /// is stored and the call that produced them must fail.
    fn append(&self, records: &[NewAuditRecord]) -> Result<Vec<u64>, StoreError> {
        self.submit(records.to_vec()).wait()
    }

    /// One page of an account's records matching `query`, newest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] ([`EntityKind::AuditPageToken`](crate::EntityKind::AuditPageToken))
    /// for a malformed `next_token`; otherwise [`StoreError::Backend`] only.
    fn lookup(&self, query: &AuditQuery) -> Result<AuditPage, StoreError>;

    /// Up to `limit` records with sequences greater than `after`, in chain order (for log
    /// delivery and verification).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn records_after(&self, after: u64, limit: usize)
    -> Result<Vec<StoredAuditRecord>, StoreError>;

    /// Where the stored chain starts: [`Anchor::GENESIS`] until something is pruned.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn anchor(&self) -> Result<Anchor, StoreError>;

    /// Deletes the longest prefix of the chain whose records are all older than `before`
    /// (epoch ms), moves the [`AuditLog::anchor`] to its last record, and returns how many
    /// records were deleted. Records are pruned in chain order, so a record older than
    /// `before` that follows a younger one is kept.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] only.
    fn prune_before(&self, before: i64) -> Result<u64, StoreError>;

    /// Commit sizes and how far the journal and its index have got, for monitoring (cheap:
    /// a metrics scrape calls it). Backends that keep no statistics report zeros.
    fn stats(&self) -> crate::AuditStats {
        crate::AuditStats::default()
    }
}

/// Why [`verify_audit_log`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditVerifyError {
    /// The chain is broken.
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    /// The log could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Verifies the whole stored chain from its anchor, reading `batch` records at a time;
/// returns the head (the last record's sequence and hash).
///
/// # Errors
///
/// The first [`ChainBreak`], or the store's error.
pub fn verify_audit_log(log: &dyn AuditLog, batch: usize) -> Result<Anchor, AuditVerifyError> {
    let mut head = log.anchor()?;
    loop {
        let records = log.records_after(head.sequence, batch.max(1))?;
        if records.is_empty() {
            return Ok(head);
        }
        head = chain::verify(head, records.iter().map(StoredAuditRecord::link))?;
    }
}
