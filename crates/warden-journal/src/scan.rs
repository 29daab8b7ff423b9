//! [`Scan`]: the journal's records in chain order from a given frame, across segments.

use std::path::{Path, PathBuf};

use warden_store::StoredAuditRecord;

use super::JournalError;
use super::segment::{self, FrameReader, SegmentFile, Stop};

/// A record read from the journal, with where its frame is.
pub(super) struct Scanned {
    /// The first sequence of its segment.
    pub(super) segment: u64,
    /// The frame's byte offset in the segment.
    pub(super) offset: u64,
    /// The byte offset just after the frame.
    pub(super) end: u64,
    /// The record.
    pub(super) record: StoredAuditRecord,
}

/// Reads records in chain order. Callers stop at a sequence known to be completely
/// written (the durable head): a bad frame before it is corruption.
pub(super) struct Scan {
    /// The journal directory.
    directory: PathBuf,
    /// The segment being read.
    segment: u64,
    /// Its reader.
    reader: FrameReader,
    /// The sequence the next record must have, once known.
    expected: Option<u64>,
    /// Whether records come without their bodies.
    skip_bodies: bool,
}

impl Scan {
    /// Starts at the frame at `offset` of the segment whose first sequence is `segment`.
    pub(super) fn from(directory: &Path, segment: u64, offset: u64) -> Result<Self, JournalError> {
        let path = segment::path_of(directory, segment);
        Ok(Self {
            directory: directory.to_owned(),
            segment,
            reader: FrameReader::open(&path, offset, 64 * 1024)?,
            expected: None,
            skip_bodies: false,
        })
    }

    /// Makes the records read from now on come without their bodies (for the indexer).
    pub(super) fn skip_bodies(mut self) -> Self {
        self.skip_bodies = true;
        self.reader.skip_bodies();
        self
    }

    /// Starts at the first record of the segment that holds `sequence` (the caller skips
    /// what precedes it); `None` if no segment can hold it.
    pub(super) fn segment_holding(
        directory: &Path,
        sequence: u64,
    ) -> Result<Option<Self>, JournalError> {
        let segments = segment::list(directory)?;
        let holder = segments.iter().rev().find(|s| s.first <= sequence);
        holder
            .map(|holder| Self::from(directory, holder.first, segment::FIRST_FRAME))
            .transpose()
    }

    /// The next record; `None` at the end of the journal.
    pub(super) fn next_record(&mut self) -> Result<Option<Scanned>, JournalError> {
        loop {
            let offset = self.reader.offset();
            match self.reader.next_frame()? {
                Ok(record) => {
                    if self
                        .expected
                        .is_some_and(|expected| expected != record.sequence)
                    {
                        return Err(JournalError::corrupt(
                            self.reader.path(),
                            offset,
                            format!(
                                "record {} follows record {}",
                                record.sequence,
                                self.expected.unwrap_or_default().saturating_sub(1)
                            ),
                        ));
                    }
                    self.expected = Some(record.sequence.saturating_add(1));
                    return Ok(Some(Scanned {
                        segment: self.segment,
                        offset,
                        end: self.reader.offset(),
                        record,
                    }));
                }
                Err(Stop::Bad(error)) => {
                    return Err(JournalError::corrupt(self.reader.path(), offset, error));
                }
                Err(Stop::End) => {
                    let next = segment::list(&self.directory)?
                        .into_iter()
                        .find(|s| s.first > self.segment);
                    let Some(SegmentFile { first, path }) = next else {
                        return Ok(None);
                    };
                    self.reader = FrameReader::open(&path, segment::FIRST_FRAME, 64 * 1024)?;
                    if self.skip_bodies {
                        self.reader.skip_bodies();
                    }
                    self.segment = first;
                }
            }
        }
    }
}
