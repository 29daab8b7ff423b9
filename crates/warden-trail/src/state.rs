//! What the delivery worker remembers about one trail between rounds, stored as JSON in
//! [`TrailDelivery::state`](warden_store::TrailDelivery::state).
//!
//! Every round that writes files first records its *plan* (which records go into which log
//! file under which key, or the end time of the digest to write), then writes the files,
//! then records the outcome. A round interrupted by a crash is finished from its plan, which
//! rebuilds the same files byte for byte (log files from the same consecutive records, and
//! digests from the same inputs; PKCS#1 v1.5 signatures are deterministic). So files are
//! never duplicated, and no event is skipped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use warden_audit::digest::{DigestLogFile, PreviousDigest};

/// The persisted state of one trail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrailState {
    /// The `start_logging_time` (epoch ms) of the logging period this state follows.
    pub(crate) epoch: Option<i64>,
    /// The logging period ended (StopLogging) and everything in it was delivered.
    pub(crate) closed: bool,
    /// Every audit record up to this sequence was considered for this trail.
    pub(crate) delivered_through: u64,
    /// Log files planned and possibly partly written (finish them before anything else).
    pub(crate) in_flight_logs: Vec<PlannedLog>,
    /// `delivered_through` once the in-flight log files are written.
    pub(crate) in_flight_through: u64,
    /// The digest chain, while log file validation is enabled.
    pub(crate) digest: Option<DigestState>,
}

/// One log file to write: the consecutive audit records `first..=last` of `region`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PlannedLog {
    /// The events' Region (the file lies under `CloudTrail/<region>/`).
    pub(crate) region: String,
    /// The first record's sequence.
    pub(crate) first: u64,
    /// The last record's sequence.
    pub(crate) last: u64,
    /// The object key.
    pub(crate) key: String,
}

/// The open digest period and the chain so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DigestState {
    /// The start of the open period (epoch seconds).
    pub(crate) start: i64,
    /// Log files delivered in the open period, with their Region.
    pub(crate) pending: Vec<PendingLog>,
    /// The last digest written per Region.
    pub(crate) previous: BTreeMap<String, PreviousState>,
    /// The end (epoch seconds) of the digests planned and possibly partly written.
    pub(crate) in_flight_end: Option<i64>,
}

/// A delivered log file not yet listed by a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PendingLog {
    /// Its Region.
    pub(crate) region: String,
    /// Its digest entry.
    pub(crate) entry: DigestLogFile,
}

/// [`PreviousDigest`], persisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PreviousState {
    pub(crate) bucket: String,
    pub(crate) object: String,
    pub(crate) hash_hex: String,
    pub(crate) signature_hex: String,
}

impl From<PreviousDigest> for PreviousState {
    fn from(previous: PreviousDigest) -> Self {
        Self {
            bucket: previous.bucket,
            object: previous.object,
            hash_hex: previous.hash_hex,
            signature_hex: previous.signature_hex,
        }
    }
}

impl From<&PreviousState> for PreviousDigest {
    fn from(previous: &PreviousState) -> Self {
        Self {
            bucket: previous.bucket.clone(),
            object: previous.object.clone(),
            hash_hex: previous.hash_hex.clone(),
            signature_hex: previous.signature_hex.clone(),
        }
    }
}

impl TrailState {
    /// Decodes stored state (empty: nothing delivered yet).
    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        if bytes.is_empty() {
            Ok(Self::default())
        } else {
            serde_json::from_slice(bytes)
        }
    }

    /// Encodes the state for storage.
    pub(crate) fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}
