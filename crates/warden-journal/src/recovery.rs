//! Opening the journal: find its head, cut off a torn tail, and get the last segment
//! ready for appending.
//!
//! A segment is started only once every frame of the one before is durable (see
//! `writer.rs`), so only the last segment can end in a torn or incomplete frame: the
//! remains of a batch whose flush never completed, none of whose records was acknowledged.
//! Everything from the first bad frame of the last segment on is truncated; a bad frame in
//! an earlier segment is corruption and the journal is refused.
//!
//! Only the last segment (and the one before, if the last is still empty) is read here,
//! so opening costs one segment, not the whole journal; frames of older segments are
//! checked whenever they are read (by lookups, log delivery and verification).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use warden_audit::chain::Anchor;

use super::segment::{self, FrameReader, OpenSegment, SegmentFile, Stop};
use super::writer::Appender;
use super::{JournalError, SYNCERS, anchor};

/// What opening the journal found.
pub(super) struct Recovered {
    /// Where the stored chain starts.
    pub(super) anchor: Anchor,
    /// The end of the journal, ready for appending.
    pub(super) appender: Appender,
}

/// Opens (creating if needed) the journal in `directory`.
pub(super) fn open(
    directory: &Path,
    durable: bool,
    segment_bytes: u64,
) -> Result<Recovered, JournalError> {
    let appender = |first, file, len, head| Appender {
        directory: directory.to_owned(),
        durable,
        segment_bytes,
        first,
        file: Arc::new(file),
        len,
        head,
        next: None,
    };
    std::fs::create_dir_all(directory).map_err(JournalError::io(directory))?;
    // A segment whose preparation was interrupted.
    match std::fs::remove_file(directory.join(segment::PREPARED)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(JournalError::io(directory)(error));
        }
        Ok(()) | Err(_) => {}
    }
    let anchor = anchor::read(directory)?;
    let mut segments = segment::list(directory)?;
    let Some(last) = segments.pop() else {
        let first = anchor.sequence.saturating_add(1);
        let file = segment::create(directory, first, durable)?;
        let file = OpenSegment::new(file, &segment::path_of(directory, first), SYNCERS)?;
        return Ok(Recovered {
            anchor,
            appender: appender(first, file, segment::FIRST_FRAME, anchor),
        });
    };
    let (tail, valid_len) = scan(&last, true)?;
    let file = OpenSegment::new(reopen(&last, valid_len, durable)?, &last.path, SYNCERS)?;
    let head = match tail {
        Some(head) => head,
        // The last segment holds no record yet: the chain ends in the one before.
        None => match segments.last() {
            Some(previous) => scan(previous, false)?.0.unwrap_or(anchor),
            None => anchor,
        },
    };
    let expected_first = head.sequence.saturating_add(1);
    if tail.is_none() && last.first != expected_first {
        return Err(JournalError::corrupt(
            &last.path,
            0,
            format!("an empty segment should start at record {expected_first}"),
        ));
    }
    if head.sequence < anchor.sequence {
        return Err(JournalError::corrupt(
            &last.path,
            0,
            format!(
                "the journal ends at record {}, before its anchor {}",
                head.sequence, anchor.sequence
            ),
        ));
    }
    let head = if head.sequence == anchor.sequence {
        anchor
    } else {
        head
    };
    Ok(Recovered {
        anchor,
        appender: appender(last.first, file, valid_len, head),
    })
}

/// Reads every frame of `segment`, checking that they chain; returns the last record (as
/// an anchor) and the length of the valid frames. A bad frame ends the scan if it may be
/// a torn tail (`last` segment), else it is corruption.
fn scan(segment: &SegmentFile, last: bool) -> Result<(Option<Anchor>, u64), JournalError> {
    let mut reader = FrameReader::open(&segment.path, segment::FIRST_FRAME, 1 << 20)?;
    reader.skip_bodies();
    let mut tail: Option<Anchor> = None;
    loop {
        let offset = reader.offset();
        match reader.next_frame()? {
            Ok(record) => {
                let expected = tail.map_or(segment.first, |tail| tail.sequence.saturating_add(1));
                let linked = tail.is_none_or(|tail| tail.hash == record.prev_hash);
                if record.sequence != expected || !linked {
                    return Err(JournalError::corrupt(
                        &segment.path,
                        offset,
                        format!(
                            "record {} does not follow record {}",
                            record.sequence,
                            expected.saturating_sub(1)
                        ),
                    ));
                }
                tail = Some(Anchor {
                    sequence: record.sequence,
                    hash: record.hash,
                });
            }
            Err(Stop::End) => return Ok((tail, offset)),
            Err(Stop::Bad(_)) if last => return Ok((tail, offset)),
            Err(Stop::Bad(error)) => {
                return Err(JournalError::corrupt(&segment.path, offset, error));
            }
        }
    }
}

/// If anything but zeros (a prepared segment's unused space) follows `valid_len`, copies
/// it to `<segment>.torn-at-<valid_len>` and returns `true`: those bytes were never
/// acknowledged and must go, but if they are damage rather than a torn write, this keeps
/// the evidence.
fn keep_cut_bytes(file: &mut File, path: &Path, valid_len: u64) -> Result<bool, JournalError> {
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(valid_len))
        .and_then(|_| file.read_to_end(&mut tail))
        .map_err(JournalError::io(path))?;
    let Some(last) = tail.iter().rposition(|&byte| byte != 0) else {
        return Ok(false);
    };
    tail.truncate(last.saturating_add(1));
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".torn-at-{valid_len}"));
    std::fs::write(&aside, tail).map_err(JournalError::io(Path::new(&aside)))?;
    Ok(true)
}

/// Opens the last segment for appending, cutting it to `valid_len` unless only zeros
/// follow (and restoring its magic if its creation was torn), and flushes it.
fn reopen(segment: &SegmentFile, valid_len: u64, durable: bool) -> Result<File, JournalError> {
    let path = &segment.path;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(JournalError::io(path))?;
    let length = file.metadata().map_err(JournalError::io(path))?.len();
    if length < segment::FIRST_FRAME {
        file.set_len(0).map_err(JournalError::io(path))?;
        file.write_all_at(segment::MAGIC, 0)
            .map_err(JournalError::io(path))?;
    } else if length > valid_len && keep_cut_bytes(&mut file, path, valid_len)? {
        file.set_len(valid_len).map_err(JournalError::io(path))?;
    }
    // Even an intact tail may be unflushed (a process crash leaves it in the page cache,
    // unacknowledged): flush it before chaining acknowledged records after it.
    if durable {
        file.sync_all().map_err(JournalError::io(path))?;
    }
    Ok(file)
}
