//! The hash chain that makes stored records tamper-evident.
//!
//! Record `n` (sequences start at 1, consecutive) carries `prev_hash` (the hash of record
//! `n-1`, or [`ChainHash::GENESIS`] for the first) and
//!
//! ```text
//! hash = SHA-256( "warden-audit-chain-v1" 0x00 || sequence as u64 big-endian || prev_hash || record bytes )
//! ```
//!
//! where the record bytes are exactly the stored bytes ([`AuditEvent::to_json`](crate::AuditEvent::to_json)),
//! never a re-serialisation. Putting the sequence under the hash (beyond `prev_hash ||
//! record`) means a record cannot be moved to another position, and the domain prefix keeps
//! the hash from being confused with any other SHA-256 Warden computes.
//!
//! After pruning, the chain restarts from an [`Anchor`]: the sequence and hash of the last
//! pruned record, kept by the store so that what remains still verifies.

use std::fmt;

use aws_lc_rs::digest::{Context, SHA256};

/// The domain-separation prefix of every chain hash.
const DOMAIN: &[u8] = b"warden-audit-chain-v1\0";

/// A SHA-256 chain hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The `prev_hash` of the very first record.
    pub const GENESIS: Self = Self([0; 32]);

    /// Lowercase hex.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    ///
    /// # Errors
    ///
    /// [`hex::FromHexError`] if `text` is not 32 bytes of hex.
    pub fn from_hex(text: &str) -> Result<Self, hex::FromHexError> {
        let mut bytes = [0; 32];
        hex::decode_to_slice(text, &mut bytes)?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The hash of the record at `sequence` whose predecessor's hash is `prev_hash`.
#[must_use]
pub fn link_hash(sequence: u64, prev_hash: &ChainHash, record: &[u8]) -> ChainHash {
    let mut context = Context::new(&SHA256);
    context.update(DOMAIN);
    context.update(&sequence.to_be_bytes());
    context.update(&prev_hash.0);
    context.update(record);
    let mut hash = [0; 32];
    hash.copy_from_slice(context.finish().as_ref());
    ChainHash(hash)
}

/// Where a chain starts: the sequence and hash of the record just before the first one
/// present (sequence 0 and [`ChainHash::GENESIS`] when nothing was ever pruned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The sequence of the last record before the chain (0 for the genesis).
    pub sequence: u64,
    /// Its hash.
    pub hash: ChainHash,
}

impl Anchor {
    /// The start of a chain nothing was pruned from.
    pub const GENESIS: Self = Self {
        sequence: 0,
        hash: ChainHash::GENESIS,
    };
}

/// One stored record as the verifier sees it.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    /// Its position in the chain.
    pub sequence: u64,
    /// The hash of its predecessor, as stored.
    pub prev_hash: ChainHash,
    /// Its own hash, as stored.
    pub hash: ChainHash,
    /// Its stored bytes.
    pub record: &'a [u8],
}

impl<'a> Link<'a> {
    /// Links `record` after `previous`: the sequence and hashes a writer stores with it.
    #[must_use]
    pub fn after(previous: &Anchor, record: &'a [u8]) -> Self {
        let sequence = previous.sequence.saturating_add(1);
        Self {
            sequence,
            prev_hash: previous.hash,
            hash: link_hash(sequence, &previous.hash, record),
            record,
        }
    }

    /// This link as the anchor of the next one.
    #[must_use]
    pub fn as_anchor(&self) -> Anchor {
        Anchor {
            sequence: self.sequence,
            hash: self.hash,
        }
    }
}

/// The first place a chain stops verifying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The record's bytes (or its stored hash) were changed: its hash does not recompute.
    #[error("audit record {sequence} was altered: its hash does not match its contents")]
    Altered {
        /// The altered record.
        sequence: u64,
    },
    /// Records are missing: `expected` was due, `found` came next.
    #[error("audit records {expected}..{found} are missing (removed)")]
    Removed {
        /// The first missing sequence.
        expected: u64,
        /// The sequence found in its place.
        found: u64,
    },
    /// A record appears where it does not belong: its sequence was already passed
    /// (a duplicate or an insertion).
    #[error("audit record {sequence} was inserted: sequence {expected} was due")]
    Inserted {
        /// The sequence the inserted record carries.
        sequence: u64,
        /// The sequence that was due.
        expected: u64,
    },
    /// The record does not point at its predecessor: the predecessor was replaced, or this
    /// record was inserted with a forged sequence.
    #[error(
        "audit record {sequence} does not follow its predecessor (the chain is broken before it)"
    )]
    Unlinked {
        /// The record whose `prev_hash` does not match.
        sequence: u64,
    },
}

impl ChainBreak {
    /// The sequence of the first record the break is reported at.
    #[must_use]
    pub fn sequence(&self) -> u64 {
        match self {
            Self::Altered { sequence }
            | Self::Inserted { sequence, .. }
            | Self::Unlinked { sequence } => *sequence,
            Self::Removed { expected, .. } => *expected,
        }
    }
}

/// Verifies links that should follow `anchor` consecutively, in order; returns the anchor
/// after the last one (to continue verifying a later batch), or the first break.
///
/// # Errors
///
/// The first [`ChainBreak`].
pub fn verify<'a>(
    anchor: Anchor,
    links: impl IntoIterator<Item = Link<'a>>,
) -> Result<Anchor, ChainBreak> {
    let mut head = anchor;
    for link in links {
        let expected = head.sequence.saturating_add(1);
        if link.sequence > expected {
            return Err(ChainBreak::Removed {
                expected,
                found: link.sequence,
            });
        }
        if link.sequence < expected {
            return Err(ChainBreak::Inserted {
                sequence: link.sequence,
                expected,
            });
        }
        if link_hash(link.sequence, &link.prev_hash, link.record) != link.hash {
            return Err(ChainBreak::Altered {
                sequence: link.sequence,
            });
        }
        if link.prev_hash != head.hash {
            return Err(ChainBreak::Unlinked {
                sequence: link.sequence,
            });
        }
        head = link.as_anchor();
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::{Anchor, ChainBreak, ChainHash, Link, link_hash, verify};

    fn chain(records: &[&'static [u8]]) -> Vec<Link<'static>> {
        let mut head = Anchor::GENESIS;
        records
            .iter()
            .map(|record| {
                let link = Link::after(&head, record);
                head = link.as_anchor();
                link
            })
            .collect()
    }

    const RECORDS: &[&[u8]] = &[b"{\"a\":1}", b"{\"b\":2}", b"{\"c\":3}", b"{\"d\":4}"];

    #[test]
    fn golden_hash_is_stable() {
        // Recompute with: python3 -c 'import hashlib;print(hashlib.sha256(b"warden-audit-chain-v1\0"+(1).to_bytes(8,"big")+bytes(32)+b"{}").hexdigest())'
        assert_eq!(
            link_hash(1, &ChainHash::GENESIS, b"{}").to_hex(),
            "9b7054bcc1d67fab7ea1694234157e6b51f1ca28f546af22c07b297da08214f4"
        );
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let links = chain(RECORDS);
        let head = verify(Anchor::GENESIS, links.clone()).unwrap();
        assert_eq!(head.sequence, 4);
        assert_eq!(head.hash, links[3].hash);
        // From a pruning anchor.
        assert_eq!(
            verify(links[1].as_anchor(), links[2..].iter().copied()).unwrap(),
            head
        );
        assert_eq!(ChainHash::from_hex(&head.hash.to_hex()).unwrap(), head.hash);
    }

    #[test]
    fn names_the_altered_record() {
        let mut links = chain(RECORDS);
        links[2].record = b"{\"c\":4}";
        assert_eq!(
            verify(Anchor::GENESIS, links),
            Err(ChainBreak::Altered { sequence: 3 })
        );
    }

    #[test]
    fn names_a_rehashed_record_by_its_successor() {
        let mut links = chain(RECORDS);
        links[1].record = b"{\"b\":3}";
        links[1].hash = link_hash(2, &links[1].prev_hash, links[1].record);
        assert_eq!(
            verify(Anchor::GENESIS, links),
            Err(ChainBreak::Unlinked { sequence: 3 })
        );
    }

    #[test]
    fn names_the_first_removed_record() {
        let mut links = chain(RECORDS);
        links.remove(1);
        assert_eq!(
            verify(Anchor::GENESIS, links),
            Err(ChainBreak::Removed {
                expected: 2,
                found: 3
            })
        );
        let links = chain(RECORDS);
        assert_eq!(
            verify(Anchor::GENESIS, links[1..].iter().copied()),
            Err(ChainBreak::Removed {
                expected: 1,
                found: 2
            })
        );
    }

    #[test]
    fn names_an_inserted_record() {
        let mut links = chain(RECORDS);
        let duplicate = links[1];
        links.insert(2, duplicate);
        assert_eq!(
            verify(Anchor::GENESIS, links),
            Err(ChainBreak::Inserted {
                sequence: 2,
                expected: 3
            })
        );
        // Inserted with a plausible sequence and a correct own hash, pointing nowhere.
        let mut links = chain(RECORDS);
        let forged = Link::after(
            &Anchor {
                sequence: 2,
                hash: ChainHash([7; 32]),
            },
            b"{\"x\":0}",
        );
        links[2] = forged;
        assert_eq!(verify(Anchor::GENESIS, links).unwrap_err().sequence(), 3);
    }
}
