//! The journal's frame format: one audit record with its place in the chain, and a checksum
//! that makes a torn or corrupted frame detectable.
//!
//! ```text
//! offset  size  field
//!      0     4  payload length (little endian)
//!      4     4  CRC-32C of the length, and of bytes 8.. to the end of the payload
//!      8     8  sequence
//!     16    32  prev_hash
//!     48    32  hash
//!     80     n  payload: the record's fields (see `encode_payload`)
//! ```
//!
//! The payload holds every field of [`NewAuditRecord`], so the SQLite index can be rebuilt
//! from the journal alone. Integers are little endian; strings and byte strings are a `u32`
//! length and the bytes; an optional string is a `0`/`1` tag and, if `1`, the string.

use warden_audit::chain::{ChainHash, Link};
use warden_store::{AuditResource, NewAuditRecord, StoredAuditRecord};

use super::crc32c::crc32c;

/// The size of a frame's fixed header.
pub(super) const HEADER_BYTES: usize = 80;

/// The largest payload a frame may carry; larger lengths are corruption (or refused).
pub(super) const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

/// Why bytes are not a valid frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum FrameError {
    /// Fewer bytes than the frame needs: the end of the written journal, or a torn tail.
    #[error("the frame is incomplete")]
    Incomplete,
    /// The length is impossible or the checksum does not match.
    #[error("the frame fails its checksum")]
    Checksum,
    /// The checksum matches but the payload does not decode.
    #[error("the frame's payload is malformed: {0}")]
    Malformed(&'static str),
}

/// The fixed header of a frame, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    /// The payload's length in bytes.
    pub(super) payload_len: usize,
    /// The checksum stored in the frame.
    checksum: u32,
}

impl Header {
    /// The whole frame's length.
    pub(super) fn frame_len(&self) -> usize {
        HEADER_BYTES.saturating_add(self.payload_len)
    }
}

/// Appends the frame of `link` (whose record is `record`'s body) to `out`.
///
/// # Errors
///
/// [`FrameError::Malformed`] if the record is larger than [`MAX_PAYLOAD_BYTES`] or a field
/// is longer than a `u32` length can say.
pub(super) fn encode(
    out: &mut Vec<u8>,
    link: &Link<'_>,
    record: &NewAuditRecord,
) -> Result<(), FrameError> {
    let start = out.len();
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&link.sequence.to_le_bytes());
    out.extend_from_slice(&link.prev_hash.0);
    out.extend_from_slice(&link.hash.0);
    let encoded = encode_payload(out, record);
    let payload_len = out.len().saturating_sub(start).saturating_sub(HEADER_BYTES);
    let length = match encoded.and_then(|()| small_len(payload_len)) {
        Ok(length) if payload_len <= MAX_PAYLOAD_BYTES => length,
        Ok(_) | Err(_) => {
            out.truncate(start);
            return Err(FrameError::Malformed("the record is too large"));
        }
    };
    let length = length.to_le_bytes();
    let checksum = out
        .get(start.saturating_add(8)..)
        .map_or(0, |covered| checksum(length, covered));
    if let Some(header) = out.get_mut(start..start.saturating_add(8)) {
        header.copy_from_slice(&[length, checksum.to_le_bytes()].concat());
    }
    Ok(())
}

/// Decodes the fixed header at the start of `bytes`.
///
/// # Errors
///
/// [`FrameError::Incomplete`] if `bytes` is shorter than a header; [`FrameError::Checksum`]
/// if the length is impossible.
pub(super) fn decode_header(bytes: &[u8]) -> Result<Header, FrameError> {
    let length = le_u32(bytes, 0).ok_or(FrameError::Incomplete)?;
    let checksum = le_u32(bytes, 4).ok_or(FrameError::Incomplete)?;
    let payload_len = usize::try_from(length).map_err(|_| FrameError::Checksum)?;
    if payload_len > MAX_PAYLOAD_BYTES {
        return Err(FrameError::Checksum);
    }
    Ok(Header {
        payload_len,
        checksum,
    })
}

/// Whether decoding copies the record's body (readers) or leaves it empty (the indexer and
/// recovery, which need only the other fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    /// Copy it.
    Keep,
    /// Check it (the checksum covers it) but leave it out.
    Skip,
}

/// Decodes a whole frame (`bytes` is exactly [`Header::frame_len`] long, header included).
///
/// # Errors
///
/// [`FrameError`] if it is short, fails its checksum or does not decode.
pub(super) fn decode(
    header: &Header,
    bytes: &[u8],
    body: Body,
) -> Result<StoredAuditRecord, FrameError> {
    let covered = bytes
        .get(8..header.frame_len())
        .ok_or(FrameError::Incomplete)?;
    let length = u32::try_from(header.payload_len).map_err(|_| FrameError::Checksum)?;
    if checksum(length.to_le_bytes(), covered) != header.checksum {
        return Err(FrameError::Checksum);
    }
    let mut reader = Reader(covered);
    let sequence = u64::from_le_bytes(reader.array()?);
    let prev_hash = ChainHash(reader.array()?);
    let hash = ChainHash(reader.array()?);
    let record = decode_payload(&mut reader, body)?;
    if !reader.0.is_empty() {
        return Err(FrameError::Malformed("trailing bytes"));
    }
    Ok(StoredAuditRecord {
        sequence,
        prev_hash,
        hash,
        record,
    })
}

fn checksum(length: [u8; 4], covered: &[u8]) -> u32 {
    crc32c(crc32c(0, &length), covered)
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(word.try_into().ok()?))
}

fn small_len(len: usize) -> Result<u32, FrameError> {
    u32::try_from(len).map_err(|_| FrameError::Malformed("a field is too long"))
}

/// Appends the record's fields (see the module docs).
fn encode_payload(out: &mut Vec<u8>, record: &NewAuditRecord) -> Result<(), FrameError> {
    put_bytes(out, record.account_id.as_bytes())?;
    out.extend_from_slice(&record.event_time.to_le_bytes());
    put_bytes(out, record.event_id.as_bytes())?;
    put_bytes(out, record.event_name.as_bytes())?;
    put_bytes(out, record.event_source.as_bytes())?;
    out.push(u8::from(record.read_only));
    put_optional(out, record.username.as_deref())?;
    put_optional(out, record.access_key_id.as_deref())?;
    out.extend_from_slice(&small_len(record.resources.len())?.to_le_bytes());
    for resource in &record.resources {
        put_bytes(out, resource.resource_type.as_bytes())?;
        put_bytes(out, resource.resource_name.as_bytes())?;
    }
    put_bytes(out, &record.body)
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), FrameError> {
    out.extend_from_slice(&small_len(bytes.len())?.to_le_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

fn put_optional(out: &mut Vec<u8>, text: Option<&str>) -> Result<(), FrameError> {
    match text {
        None => {
            out.push(0);
            Ok(())
        }
        Some(text) => {
            out.push(1);
            put_bytes(out, text.as_bytes())
        }
    }
}

fn decode_payload(reader: &mut Reader<'_>, body: Body) -> Result<NewAuditRecord, FrameError> {
    let account_id = reader.string()?;
    let event_time = i64::from_le_bytes(reader.array()?);
    let event_id = reader.string()?;
    let event_name = reader.string()?;
    let event_source = reader.string()?;
    let read_only = match reader.array::<1>()? {
        [0] => false,
        [1] => true,
        _ => return Err(FrameError::Malformed("readOnly is not 0 or 1")),
    };
    let username = reader.optional_string()?;
    let access_key_id = reader.optional_string()?;
    let count = u32::from_le_bytes(reader.array()?);
    let mut resources = Vec::new();
    for _ in 0..count {
        resources.push(AuditResource {
            resource_type: reader.string()?,
            resource_name: reader.string()?,
        });
    }
    let body = match (reader.bytes()?, body) {
        (bytes, Body::Keep) => bytes.to_vec(),
        (_, Body::Skip) => Vec::new(),
    };
    Ok(NewAuditRecord {
        account_id,
        event_time,
        event_id,
        event_name,
        event_source,
        read_only,
        username,
        access_key_id,
        resources,
        body,
    })
}

/// Reads fields off the front of a byte string.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], FrameError> {
        let (taken, rest) = self
            .0
            .split_at_checked(count)
            .ok_or(FrameError::Malformed("a field runs past the frame"))?;
        self.0 = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FrameError> {
        self.take(N)?
            .try_into()
            .map_err(|_| FrameError::Malformed("a field runs past the frame"))
    }

    fn bytes(&mut self) -> Result<&'a [u8], FrameError> {
        let len = u32::from_le_bytes(self.array()?);
        self.take(usize::try_from(len).map_err(|_| FrameError::Malformed("a field is too long"))?)
    }

    fn string(&mut self) -> Result<String, FrameError> {
        String::from_utf8(self.bytes()?.to_vec())
            .map_err(|_| FrameError::Malformed("a text field is not UTF-8"))
    }

    fn optional_string(&mut self) -> Result<Option<String>, FrameError> {
        match self.array::<1>()? {
            [0] => Ok(None),
            [1] => self.string().map(Some),
            _ => Err(FrameError::Malformed("an optional field has a bad tag")),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use warden_audit::chain::{Anchor, Link};
    use warden_store::{AuditResource, NewAuditRecord};

    use super::{Body, FrameError, HEADER_BYTES, decode, decode_header, encode};

    /// A small record for unit tests.
    pub(crate) fn record() -> NewAuditRecord {
        NewAuditRecord {
            account_id: "111122223333".to_owned(),
            event_time: -5,
            event_id: "id".to_owned(),
            event_name: "GetUser".to_owned(),
            event_source: "iam.amazonaws.com".to_owned(),
            read_only: true,
            username: None,
            access_key_id: Some("AKIA".to_owned()),
            resources: vec![AuditResource {
                resource_type: "AWS::IAM::User".to_owned(),
                resource_name: "bob".to_owned(),
            }],
            body: b"{}".to_vec(),
        }
    }

    #[test]
    fn a_frame_round_trips_and_any_flipped_byte_is_detected() {
        let record = record();
        let link = Link::after(&Anchor::GENESIS, &record.body);
        let mut bytes = vec![7_u8]; // frames are appended after what the buffer holds
        encode(&mut bytes, &link, &record).unwrap();
        let frame = &bytes[1..];
        let header = decode_header(frame).unwrap();
        assert_eq!(header.frame_len(), frame.len());
        let stored = decode(&header, frame, Body::Keep).unwrap();
        assert_eq!((stored.sequence, stored.hash), (1, link.hash));
        assert_eq!(stored.record, record);
        let skipped = decode(&header, frame, Body::Skip).unwrap();
        assert!(skipped.record.body.is_empty());
        assert_eq!(skipped.record.resources, record.resources);
        for at in 0..frame.len() {
            let mut damaged = frame.to_vec();
            damaged[at] ^= 0x10;
            let result =
                decode_header(&damaged).and_then(|header| decode(&header, &damaged, Body::Keep));
            assert!(result.is_err(), "flipping byte {at} went unnoticed");
        }
        assert_eq!(
            decode(&header, &frame[..frame.len() - 1], Body::Keep),
            Err(FrameError::Incomplete)
        );
        assert_eq!(
            decode_header(&frame[..HEADER_BYTES - 77]),
            Err(FrameError::Incomplete)
        );
    }
}
