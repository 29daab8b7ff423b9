//! Offline verification of a delivered trail (for `warden audit verify`): digests, log
//! file hashes and the record chain, reporting problems oldest first so that the first one
//! names the first file that was altered, removed or inserted.
//!
//! It checks what `aws cloudtrail validate-logs` checks (signature metadata present, digest
//! not moved, public key known by fingerprint, SHA256withRSA signature, each listed log
//! file present with its SHA-256), and more:
//!
//! - every digest's `previousDigest*` fields must name the digest just before it, with
//!   that digest's hash and signature (a removed, inserted or replaced digest is named);
//! - every log file older than the newest digest must be listed by a digest (an inserted
//!   log file is named);
//! - the records inside the verified log files must form one hash chain
//!   ([`crate::logfile`]'s `wardenChain`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::Timestamp;

use crate::chain::{self, Anchor, ChainBreak, ChainHash};
use crate::digest::{DigestFile, fingerprint, signature_is_valid};
use crate::logfile::{ParsedLogFile, TrailLocation, gunzip, sha256_hex};

/// Read access to the objects of one bucket (a directory, an S3 client, a test map).
pub trait FileSource {
    /// The keys of every object whose key starts with `prefix`, in any order.
    ///
    /// # Errors
    ///
    /// [`SourceError`] if the listing fails.
    fn list(&self, prefix: &str) -> Result<Vec<String>, SourceError>;

    /// The object's bytes, or `None` if there is no such object.
    ///
    /// # Errors
    ///
    /// [`SourceError`] if reading fails.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SourceError>;

    /// The object's `x-amz-meta-signature` metadata (a digest's hex signature), if any.
    ///
    /// # Errors
    ///
    /// [`SourceError`] if reading fails.
    fn signature(&self, key: &str) -> Result<Option<String>, SourceError>;
}

/// A [`FileSource`] failure (I/O), which stops verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the trail: {0}")]
pub struct SourceError(pub String);

/// The public keys digests may be signed with, by fingerprint (ListPublicKeys' result).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicKeys(BTreeMap<String, Vec<u8>>);

impl PublicKeys {
    /// The keys (DER PKCS#1), each under its [`fingerprint`].
    #[must_use]
    pub fn from_der(keys: impl IntoIterator<Item = Vec<u8>>) -> Self {
        Self(
            keys.into_iter()
                .map(|der| (fingerprint(&der), der))
                .collect(),
        )
    }
}

/// One thing wrong with the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A digest named as `previousDigestS3Object` by a later digest does not exist.
    DigestMissing {
        /// The missing digest's key.
        key: String,
    },
    /// A digest cannot be trusted (unreadable, unsigned, moved, unknown key, bad signature).
    DigestInvalid {
        /// The digest's key.
        key: String,
        /// Why, in the aws-cli's words where it has them.
        reason: String,
    },
    /// A digest does not chain to the digest before it: one was inserted or replaced.
    DigestChainBroken {
        /// The digest whose `previousDigest*` fields do not match.
        key: String,
        /// What does not match.
        reason: String,
    },
    /// A log file listed by a valid digest does not exist.
    LogFileMissing {
        /// Its key.
        key: String,
    },
    /// A log file's content does not match its digest's hash.
    LogFileAltered {
        /// Its key.
        key: String,
    },
    /// A log file older than the newest digest is listed by no digest.
    LogFileInserted {
        /// Its key.
        key: String,
    },
    /// The records in the verified log files do not chain.
    RecordChainBroken {
        /// The log file the break is in.
        key: String,
        /// The first broken record.
        chain_break: ChainBreak,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DigestMissing { key } => write!(f, "Digest file {key}: INVALID: not found"),
            Self::DigestInvalid { key, reason } => {
                write!(f, "Digest file {key}: INVALID: {reason}")
            }
            Self::DigestChainBroken { key, reason } => {
                write!(
                    f,
                    "Digest file {key}: INVALID: does not follow the previous digest: {reason}"
                )
            }
            Self::LogFileMissing { key } => write!(f, "Log file {key}: INVALID: not found"),
            Self::LogFileAltered { key } => {
                write!(f, "Log file {key}: INVALID: hash value doesn't match")
            }
            Self::LogFileInserted { key } => {
                write!(f, "Log file {key}: INVALID: not listed in any digest")
            }
            Self::RecordChainBroken { key, chain_break } => {
                write!(f, "Log file {key}: INVALID: {chain_break}")
            }
        }
    }
}

/// What [`verify_trail`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Digests whose signature verified.
    pub digests_valid: usize,
    /// Digests examined.
    pub digests_total: usize,
    /// Log files present with the right hash.
    pub log_files_valid: usize,
    /// Log files listed by valid digests.
    pub log_files_total: usize,
    /// Log files newer than the newest digest, not yet covered by one (not a problem).
    pub uncovered_log_files: Vec<String>,
    /// Everything wrong, in trail order: digest by digest (oldest first, each followed by
    /// the problems of the log files it lists), then log files no digest lists, then the
    /// record chain.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether the trail verified completely.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// The first problem: the oldest digest or listed log file that was altered, removed or
    /// inserted (else an unlisted log file, else a record-chain break).
    #[must_use]
    pub fn first_problem(&self) -> Option<&Problem> {
        self.problems.first()
    }
}

/// A digest already examined: what the next one must name.
struct PreviousDigest {
    key: String,
    hash_hex: String,
    signature_hex: Option<String>,
}

/// Verifies the trail at `location` in `source` against `keys`.
///
/// # Errors
///
/// [`SourceError`] if the source cannot be read; everything wrong with the trail itself is
/// a [`Problem`] in the [`Report`].
pub fn verify_trail(
    source: &impl FileSource,
    location: &TrailLocation,
    keys: &PublicKeys,
) -> Result<Report, SourceError> {
    let mut report = Report::default();
    let mut digest_keys: Vec<String> = source
        .list(&location.digest_prefix())?
        .into_iter()
        .filter(|key| key.ends_with(".json.gz"))
        .collect();
    digest_keys.sort_by(|a, b| {
        digest_key_time(a)
            .cmp(&digest_key_time(b))
            .then_with(|| a.cmp(b))
    });
    let listed: BTreeSet<&str> = digest_keys.iter().map(String::as_str).collect();

    let mut previous: Option<PreviousDigest> = None;
    let mut covered = BTreeSet::new();
    let mut verified_logs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut newest_end: Option<Timestamp> = None;
    for key in &digest_keys {
        report.digests_total += 1;
        let Some(gzipped) = source.get(key)? else {
            report
                .problems
                .push(Problem::DigestMissing { key: key.clone() });
            continue;
        };
        let (json, digest) = match parse_digest(&gzipped) {
            Ok(parsed) => parsed,
            Err(reason) => {
                report.problems.push(Problem::DigestInvalid {
                    key: key.clone(),
                    reason,
                });
                previous = None;
                continue;
            }
        };
        let signature = source.signature(key)?;
        let checked = check_digest(&digest, &json, key, signature.as_deref(), location, keys);
        let before = previous.replace(PreviousDigest {
            key: key.clone(),
            hash_hex: sha256_hex(&json),
            signature_hex: signature,
        });
        if let Err(reason) = checked {
            report.problems.push(Problem::DigestInvalid {
                key: key.clone(),
                reason,
            });
            continue;
        }
        // Only a digest whose signature verified is trusted about its predecessor.
        check_previous(&digest, key, before.as_ref(), &listed, &mut report.problems);
        report.digests_valid += 1;
        newest_end = newest_end.max(Some(digest.digest_end_time));
        for log in &digest.log_files {
            report.log_files_total += 1;
            covered.insert(log.s3_object.clone());
            let content = source.get(&log.s3_object)?;
            match content.map(|bytes| gunzip(&bytes)) {
                None => report.problems.push(Problem::LogFileMissing {
                    key: log.s3_object.clone(),
                }),
                Some(Ok(json)) if sha256_hex(&json) == log.hash_value => {
                    report.log_files_valid += 1;
                    verified_logs.push((log.s3_object.clone(), json));
                }
                Some(_) => report.problems.push(Problem::LogFileAltered {
                    key: log.s3_object.clone(),
                }),
            }
        }
    }
    check_uncovered_logs(source, location, &covered, newest_end, &mut report)?;
    check_record_chain(&verified_logs, &mut report.problems);
    Ok(report)
}

/// Gunzips and parses a digest.
fn parse_digest(gzipped: &[u8]) -> Result<(Vec<u8>, DigestFile), String> {
    let json = gunzip(gzipped).map_err(|error| format!("cannot decompress: {error}"))?;
    let digest =
        serde_json::from_slice(&json).map_err(|error| format!("invalid format: {error}"))?;
    Ok((json, digest))
}

/// The aws-cli's checks of one digest.
fn check_digest(
    digest: &DigestFile,
    json: &[u8],
    key: &str,
    signature: Option<&str>,
    location: &TrailLocation,
    keys: &PublicKeys,
) -> Result<(), String> {
    let signature =
        signature.ok_or("signature verification failed: no x-amz-meta-signature metadata")?;
    if digest.digest_s3_bucket != location.bucket || digest.digest_s3_object != key {
        return Err("has been moved from its original location".to_owned());
    }
    let public_key = keys
        .0
        .get(&digest.digest_public_key_fingerprint)
        .ok_or_else(|| {
            format!(
                "public key not found for fingerprint {}",
                digest.digest_public_key_fingerprint
            )
        })?;
    if signature_is_valid(json, signature, public_key) {
        Ok(())
    } else {
        Err("signature verification failed".to_owned())
    }
}

/// Checks that `digest` names the digest examined just before it.
fn check_previous(
    digest: &DigestFile,
    key: &str,
    previous: Option<&PreviousDigest>,
    listed: &BTreeSet<&str>,
    problems: &mut Vec<Problem>,
) {
    let Some(named) = &digest.previous_digest_s3_object else {
        return; // A starting digest: logging (re)started here.
    };
    if !listed.contains(named.as_str()) {
        problems.push(Problem::DigestMissing { key: named.clone() });
        return;
    }
    let Some(previous) = previous else {
        return; // Its predecessor exists but could not be read; already reported.
    };
    let broken = |reason: String| Problem::DigestChainBroken {
        key: key.to_owned(),
        reason,
    };
    if *named != previous.key {
        problems.push(broken(format!(
            "it names {named}, but {} precedes it",
            previous.key
        )));
    } else if digest.previous_digest_hash_value.as_deref() != Some(previous.hash_hex.as_str()) {
        problems.push(broken(format!(
            "{named} is not the digest it was chained to (hash differs)"
        )));
    } else if digest.previous_digest_signature != previous.signature_hex {
        problems.push(broken(format!(
            "{named} carries another signature than the one chained"
        )));
    }
}

/// Reports log files older than the newest digest that no digest lists.
fn check_uncovered_logs(
    source: &impl FileSource,
    location: &TrailLocation,
    covered: &BTreeSet<String>,
    newest_end: Option<Timestamp>,
    report: &mut Report,
) -> Result<(), SourceError> {
    let mut keys: Vec<String> = source
        .list(&location.log_prefix())?
        .into_iter()
        .filter(|key| key.ends_with(".json.gz") && !covered.contains(key))
        .collect();
    keys.sort();
    for key in keys {
        // Key times have minute precision: a file is surely older than a digest only if
        // its whole minute ended before the digest's end.
        let surely_older = match (log_key_time(&key), newest_end) {
            (Some(delivered), Some(end)) => delivered
                .checked_add(jiff::SignedDuration::from_secs(60))
                .is_ok_and(|t| t <= end),
            (None, _) => true,
            (Some(_), None) => false,
        };
        if surely_older {
            report.problems.push(Problem::LogFileInserted { key });
        } else {
            report.uncovered_log_files.push(key);
        }
    }
    Ok(())
}

/// Verifies the record chain through the verified log files, in chain order.
fn check_record_chain(logs: &[(String, Vec<u8>)], problems: &mut Vec<Problem>) {
    let mut files = Vec::new();
    for (key, json) in logs {
        match ParsedLogFile::parse(json)
            .map(|parsed| parsed.links().map(|links| (parsed.chain.clone(), links)))
        {
            Ok(Ok((Some(chain), Some(links)))) => {
                files.push((chain.first_sequence, key, links, chain.prev_hash))
            }
            Ok(Ok(_)) => {} // A log file without Warden's chain metadata.
            Ok(Err(_)) | Err(_) => problems.push(Problem::RecordChainBroken {
                key: key.clone(),
                chain_break: ChainBreak::Altered { sequence: 0 },
            }),
        }
    }
    files.sort_by_key(|(first, ..)| *first);
    let mut head: Option<Anchor> = None;
    for (first, key, links, prev_hash) in files {
        let start = match head {
            Some(head) => head,
            None => Anchor {
                sequence: first.saturating_sub(1),
                hash: ChainHash::from_hex(&prev_hash).unwrap_or(ChainHash::GENESIS),
            },
        };
        match chain::verify(start, links) {
            Ok(end) => head = Some(end),
            Err(chain_break) => {
                problems.push(Problem::RecordChainBroken {
                    key: key.clone(),
                    chain_break,
                });
                return;
            }
        }
    }
}

/// The end time in a digest key (`…_YYYYMMDDTHHMMSSZ.json.gz`, the aws-cli's `[-24:-8]`).
fn digest_key_time(key: &str) -> Option<Timestamp> {
    let stem = key.strip_suffix(".json.gz")?;
    let (_, stamp) = stem.rsplit_once('_')?;
    compact_time(stamp)
}

/// The delivery minute in a log file key (`…_YYYYMMDDTHHmmZ_<unique>.json.gz`).
fn log_key_time(key: &str) -> Option<Timestamp> {
    let stem = key.strip_suffix(".json.gz")?;
    let (rest, _unique) = stem.rsplit_once('_')?;
    let (_, stamp) = rest.rsplit_once('_')?;
    compact_time(stamp)
}

/// `YYYYMMDDTHHMMSSZ` or `YYYYMMDDTHHMMZ` (fixed width, UTC) as a timestamp.
fn compact_time(stamp: &str) -> Option<Timestamp> {
    let part = |range: std::ops::Range<usize>| stamp.get(range);
    let seconds = match stamp.len() {
        16 => part(13..15)?,
        14 => "00",
        _ => return None,
    };
    if !stamp.ends_with('Z') || part(8..9)? != "T" {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{seconds}Z",
        part(0..4)?,
        part(4..6)?,
        part(6..8)?,
        part(9..11)?,
        part(11..13)?
    );
    iso.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{digest_key_time, log_key_time};

    #[test]
    fn reads_times_from_keys() {
        let digest = "AWSLogs/1/CloudTrail-Digest/r/2015/08/17/1_CloudTrail-Digest_r_t_r_20150817T150131Z.json.gz";
        assert_eq!(
            digest_key_time(digest).map(crate::time::format).as_deref(),
            Some("2015-08-17T15:01:31Z")
        );
        let log = "AWSLogs/1/CloudTrail/r/2015/08/17/1_CloudTrail_r_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz";
        assert_eq!(
            log_key_time(log).map(crate::time::format).as_deref(),
            Some("2015-08-17T14:45:00Z")
        );
        assert_eq!(log_key_time("x.json.gz"), None);
    }
}
