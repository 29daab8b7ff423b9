//! The anchor file: where the stored chain starts after pruning (`<journal>/anchor`).
//!
//! 44 bytes: the sequence (8, little endian), the hash (32) and the CRC-32C of both (4).
//! It is replaced atomically (written to `anchor.tmp`, flushed, renamed, directory
//! flushed), so it always holds either the old or the new anchor. No file: the genesis.

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::Path;

use warden_audit::chain::{Anchor, ChainHash};

use super::JournalError;
use super::crc32c::crc32c;
use super::segment::sync_directory;

const FILE_NAME: &str = "anchor";
const TEMPORARY_NAME: &str = "anchor.tmp";

/// The anchor stored in `directory` ([`Anchor::GENESIS`] if none is).
pub(super) fn read(directory: &Path) -> Result<Anchor, JournalError> {
    let path = directory.join(FILE_NAME);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(Anchor::GENESIS),
        Err(error) => return Err(JournalError::io(&path)(error)),
    };
    let corrupt = || JournalError::corrupt(&path, 0, "the anchor file is damaged");
    let (stored, checksum) = bytes.split_at_checked(40).ok_or_else(corrupt)?;
    let (sequence, hash) = stored.split_at_checked(8).ok_or_else(corrupt)?;
    if checksum != crc32c(0, stored).to_le_bytes() {
        return Err(corrupt());
    }
    Ok(Anchor {
        sequence: u64::from_le_bytes(sequence.try_into().map_err(|_| corrupt())?),
        hash: ChainHash(hash.try_into().map_err(|_| corrupt())?),
    })
}

/// Replaces the anchor stored in `directory`, durably unless `durable` is false.
pub(super) fn write(directory: &Path, anchor: &Anchor, durable: bool) -> Result<(), JournalError> {
    let mut bytes = Vec::with_capacity(44);
    bytes.extend_from_slice(&anchor.sequence.to_le_bytes());
    bytes.extend_from_slice(&anchor.hash.0);
    bytes.extend_from_slice(&crc32c(0, &bytes).to_le_bytes());
    let temporary = directory.join(TEMPORARY_NAME);
    let mut file = File::create(&temporary).map_err(JournalError::io(&temporary))?;
    file.write_all(&bytes)
        .map_err(JournalError::io(&temporary))?;
    if durable {
        file.sync_all().map_err(JournalError::io(&temporary))?;
    }
    let path = directory.join(FILE_NAME);
    std::fs::rename(&temporary, &path).map_err(JournalError::io(&path))?;
    if durable {
        sync_directory(directory)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use warden_audit::chain::{Anchor, ChainHash};

    use super::{read, write};

    #[test]
    fn the_anchor_round_trips_and_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), Anchor::GENESIS);
        let anchor = Anchor {
            sequence: 42,
            hash: ChainHash([7; 32]),
        };
        write(dir.path(), &anchor, true).unwrap();
        assert_eq!(read(dir.path()).unwrap(), anchor);
        let path = dir.path().join("anchor");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[3] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(
            read(dir.path())
                .unwrap_err()
                .to_string()
                .contains("damaged")
        );
    }
}
