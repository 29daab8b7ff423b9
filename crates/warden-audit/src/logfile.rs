//! CloudTrail log files: gzipped `{"Records":[…]}` under CloudTrail's key layout.
//!
//! Warden adds one top-level member, `wardenChain`, beside `Records`: the chain position of
//! the file's first record, the hash before it and each record's chain hash. CloudTrail
//! consumers read `Records` only (and `aws cloudtrail validate-logs` hashes the whole file),
//! so the extra member costs them nothing, while [`crate::verify`] uses it to name the first
//! altered, removed or inserted *record* even across files.
//!
//! Records are embedded byte for byte as stored (no re-serialisation), so their chain
//! hashes recompute from the file.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use jiff::Timestamp;
use jiff::fmt::strtime;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::chain::{Anchor, ChainHash, Link};

/// Why a log file could not be built or read.
#[derive(Debug, thiserror::Error)]
pub enum LogFileError {
    /// The records handed to [`LogFile::build`] do not form one consecutive chain segment.
    #[error("log file records are not consecutive at sequence {0}")]
    NotConsecutive(u64),
    /// A file has no records.
    #[error("a log file needs at least one record")]
    Empty,
    /// A record or the file is not JSON of the expected shape.
    #[error("malformed log file JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// gzip (de)compression failed.
    #[error("gzip: {0}")]
    Gzip(#[from] std::io::Error),
    /// A chain hash is not 64 hex digits.
    #[error("malformed chain hash in log file")]
    Hash,
}

/// One record to put in a log file: its chain link and its event time.
#[derive(Debug, Clone, Copy)]
pub struct LogEntry<'a> {
    /// The record's stored bytes and chain position.
    pub link: Link<'a>,
    /// Its `eventTime`.
    pub event_time: Timestamp,
}

/// Where a trail writes: the S3 bucket, an optional key prefix, the account and the Region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailLocation {
    /// The bucket name (`digestS3Bucket`, `s3Bucket`).
    pub bucket: String,
    /// The key prefix without a trailing `/` (`None`: keys start at `AWSLogs/`).
    pub prefix: Option<String>,
    /// The 12-digit account id.
    pub account_id: String,
    /// The Region the events happened in.
    pub region: String,
    /// The trail's name (used in digest file names).
    pub trail_name: String,
    /// The trail's home Region (used in digest file names).
    pub home_region: String,
}

impl TrailLocation {
    /// `[prefix/]AWSLogs/<account>/`.
    fn root(&self) -> String {
        match &self.prefix {
            Some(prefix) => format!("{prefix}/AWSLogs/{}/", self.account_id),
            None => format!("AWSLogs/{}/", self.account_id),
        }
    }

    /// The prefix under which all log files of this trail and Region lie.
    #[must_use]
    pub fn log_prefix(&self) -> String {
        format!("{}CloudTrail/{}/", self.root(), self.region)
    }

    /// The prefix under which all digest files of this trail and Region lie.
    #[must_use]
    pub fn digest_prefix(&self) -> String {
        format!("{}CloudTrail-Digest/{}/", self.root(), self.region)
    }

    /// A log file's key:
    /// `…/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`,
    /// dated by `delivered` (UTC). `unique` is CloudTrail's 16-character random part.
    #[must_use]
    pub fn log_file_key(&self, delivered: Timestamp, unique: &str) -> String {
        format!(
            "{}{}/{}_CloudTrail_{}_{}_{unique}.json.gz",
            self.log_prefix(),
            date_path(delivered),
            self.account_id,
            self.region,
            strtime::format("%Y%m%dT%H%MZ", delivered).unwrap_or_default(),
        )
    }

    /// A digest file's key:
    /// `…/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHMMSSZ>.json.gz`,
    /// dated by the digest's end time (the aws-cli reads it back from the key's characters
    /// `[-24:-8]`).
    #[must_use]
    pub fn digest_file_key(&self, end: Timestamp) -> String {
        format!(
            "{}{}/{}_CloudTrail-Digest_{}_{}_{}_{}.json.gz",
            self.digest_prefix(),
            date_path(end),
            self.account_id,
            self.region,
            self.trail_name,
            self.home_region,
            key_timestamp(end),
        )
    }
}

/// `YYYYMMDDTHHMMSSZ`, the timestamp at the end of a digest key.
#[must_use]
pub fn key_timestamp(time: Timestamp) -> String {
    strtime::format("%Y%m%dT%H%M%SZ", time).unwrap_or_default()
}

/// `YYYY/MM/DD` in UTC.
fn date_path(time: Timestamp) -> String {
    strtime::format("%Y/%m/%d", time).unwrap_or_default()
}

/// The chain metadata Warden adds to each log file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChain {
    /// The sequence of the first record in the file.
    pub first_sequence: u64,
    /// The chain hash before the first record (hex).
    pub prev_hash: String,
    /// Each record's chain hash (hex), in order.
    pub hashes: Vec<String>,
}

/// A log file as written: its uncompressed JSON, its gzipped bytes and what a digest says
/// about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// The object key ([`TrailLocation::log_file_key`]).
    pub key: String,
    /// The uncompressed JSON.
    pub json: Vec<u8>,
    /// The bytes to store (gzip of `json`).
    pub gzipped: Vec<u8>,
    /// Lowercase hex SHA-256 of `json` (the digest's `hashValue`).
    pub sha256_hex: String,
    /// The oldest `eventTime` in the file.
    pub oldest_event_time: Timestamp,
    /// The newest `eventTime` in the file.
    pub newest_event_time: Timestamp,
    /// The chain anchor after the file's last record (the next file continues from it).
    pub end: Anchor,
}

impl LogFile {
    /// Builds the log file `key` from consecutive chained records.
    ///
    /// # Errors
    ///
    /// [`LogFileError::Empty`], [`LogFileError::NotConsecutive`], or a JSON/gzip failure.
    pub fn build(key: String, entries: &[LogEntry<'_>]) -> Result<Self, LogFileError> {
        let first = entries.first().ok_or(LogFileError::Empty)?;
        let mut json = b"{\"Records\":[".to_vec();
        let mut hashes = Vec::with_capacity(entries.len());
        let mut expected = first.link.sequence;
        let mut previous = first.link.prev_hash;
        let (mut oldest, mut newest) = (first.event_time, first.event_time);
        for (index, entry) in entries.iter().enumerate() {
            if entry.link.sequence != expected || entry.link.prev_hash != previous {
                return Err(LogFileError::NotConsecutive(entry.link.sequence));
            }
            if index > 0 {
                json.push(b',');
            }
            // Each record must be one JSON value for the file to parse back byte for byte.
            let raw: &RawValue = serde_json::from_slice(entry.link.record)?;
            json.extend_from_slice(raw.get().as_bytes());
            hashes.push(entry.link.hash.to_hex());
            oldest = oldest.min(entry.event_time);
            newest = newest.max(entry.event_time);
            expected = expected.saturating_add(1);
            previous = entry.link.hash;
        }
        json.extend_from_slice(b"],\"wardenChain\":");
        let chain = FileChain {
            first_sequence: first.link.sequence,
            prev_hash: first.link.prev_hash.to_hex(),
            hashes,
        };
        serde_json::to_writer(&mut json, &chain)?;
        json.push(b'}');
        let gzipped = gzip(&json)?;
        Ok(Self {
            key,
            sha256_hex: sha256_hex(&json),
            json,
            gzipped,
            oldest_event_time: oldest,
            newest_event_time: newest,
            end: Anchor {
                sequence: expected.saturating_sub(1),
                hash: previous,
            },
        })
    }
}

/// A log file read back: each record's exact bytes and the chain metadata.
#[derive(Debug)]
pub struct ParsedLogFile<'a> {
    /// The records, byte for byte.
    pub records: Vec<&'a [u8]>,
    /// The chain metadata, when the file is Warden's.
    pub chain: Option<FileChain>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogFileShape<'a> {
    #[serde(borrow, rename = "Records")]
    records: Vec<&'a RawValue>,
    #[serde(default)]
    warden_chain: Option<FileChain>,
}

impl<'a> ParsedLogFile<'a> {
    /// Parses uncompressed log file JSON.
    ///
    /// # Errors
    ///
    /// [`LogFileError::Json`] if it is not `{"Records":[…]}`.
    pub fn parse(json: &'a [u8]) -> Result<Self, LogFileError> {
        let shape: LogFileShape<'a> = serde_json::from_slice(json)?;
        Ok(Self {
            records: shape
                .records
                .into_iter()
                .map(|raw| raw.get().as_bytes())
                .collect(),
            chain: shape.warden_chain,
        })
    }

    /// The file's records as chain links (from its `wardenChain`), or `None` for a file
    /// without chain metadata.
    ///
    /// # Errors
    ///
    /// [`LogFileError::Hash`] if a hash is malformed or the counts differ.
    pub fn links(&self) -> Result<Option<Vec<Link<'a>>>, LogFileError> {
        let Some(chain) = &self.chain else {
            return Ok(None);
        };
        if chain.hashes.len() != self.records.len() {
            return Err(LogFileError::Hash);
        }
        let mut previous = ChainHash::from_hex(&chain.prev_hash).map_err(|_| LogFileError::Hash)?;
        let mut links = Vec::with_capacity(self.records.len());
        for (offset, (record, hash)) in (0_u64..).zip(self.records.iter().zip(&chain.hashes)) {
            let hash = ChainHash::from_hex(hash).map_err(|_| LogFileError::Hash)?;
            links.push(Link {
                sequence: chain.first_sequence.saturating_add(offset),
                prev_hash: previous,
                hash,
                record,
            });
            previous = hash;
        }
        Ok(Some(links))
    }
}

/// gzip with a zero modification time (deterministic output).
///
/// # Errors
///
/// [`std::io::Error`] from the encoder (writing to memory does not fail in practice).
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Decompresses a single-member gzip stream.
///
/// # Errors
///
/// [`std::io::Error`] if `bytes` is not valid gzip.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

/// Lowercase hex SHA-256.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes))
}

#[cfg(test)]
mod tests;
