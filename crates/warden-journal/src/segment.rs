//! Segment files: naming, listing, creating, and reading frames back in order.
//!
//! A segment is `journal-<sequence of its first record, 20 digits>.log`: an 8-byte magic
//! followed by frames (see `frame.rs`) with consecutive sequences.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, ErrorKind, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use warden_store::StoredAuditRecord;

use super::JournalError;
use super::frame::{self, Body, FrameError, HEADER_BYTES};

/// The first bytes of every segment: the format and its version.
pub(super) const MAGIC: &[u8; 8] = b"WRDNAJ01";

/// The byte length of [`MAGIC`], where a segment's first frame starts.
pub(super) const FIRST_FRAME: u64 = 8;

/// A segment file: where it is and the sequence of its first record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SegmentFile {
    /// The sequence of its first record (also its name).
    pub(super) first: u64,
    /// Its path.
    pub(super) path: PathBuf,
}

/// The path of the segment whose first record is `first`.
pub(super) fn path_of(directory: &Path, first: u64) -> PathBuf {
    directory.join(format!("journal-{first:020}.log"))
}

/// The segments in `directory`, in chain order. Other files are ignored.
pub(super) fn list(directory: &Path) -> Result<Vec<SegmentFile>, JournalError> {
    let mut segments = Vec::new();
    for entry in std::fs::read_dir(directory).map_err(JournalError::io(directory))? {
        let entry = entry.map_err(JournalError::io(directory))?;
        let name = entry.file_name();
        let first = name
            .to_str()
            .and_then(|name| name.strip_prefix("journal-"))
            .and_then(|name| name.strip_suffix(".log"))
            .filter(|digits| digits.len() == 20)
            .and_then(|digits| digits.parse::<u64>().ok());
        if let Some(first) = first {
            segments.push(SegmentFile {
                first,
                path: entry.path(),
            });
        }
    }
    segments.sort_by_key(|segment| segment.first);
    Ok(segments)
}

/// Creates the segment whose first record is `first` and makes its creation durable
/// (file and directory flushed, unless `durable` is false); returns it open for appending.
pub(super) fn create(directory: &Path, first: u64, durable: bool) -> Result<File, JournalError> {
    let path = path_of(directory, first);
    let file = OpenOptions::new()
        .create_new(true)
        .write(true)
        .read(true)
        .open(&path)
        .map_err(JournalError::io(&path))?;
    file.write_all_at(MAGIC, 0)
        .map_err(JournalError::io(&path))?;
    if durable {
        file.sync_all().map_err(JournalError::io(&path))?;
        sync_directory(directory)?;
    }
    Ok(file)
}

/// The name of the next segment while it is being prepared.
pub(super) const PREPARED: &str = "journal-next.tmp";

/// How much of a prepared segment is zero-filled and flushed at a time.
const PREPARE_CHUNK: usize = 128 * 1024;

/// The pause between two prepared chunks, leaving the device to the journal's flushes.
const PREPARE_PAUSE: std::time::Duration = std::time::Duration::from_millis(1);

/// Prepares the next segment: [`PREPARED`] with the magic and zeros up to `bytes`,
/// flushed. Overwriting allocated, initialized blocks makes each flush a pure data flush;
/// appending to a file also has to commit its new size (a file system journal commit per
/// flush), which measured markedly slower.
///
/// The zeros go out a chunk at a time, each flushed, with a pause between: a device flush
/// waits for every write in flight, so 64 MiB written at once held the journal's flushes
/// for milliseconds. Preparing a segment this way takes much longer, off the commit path.
/// (Figures: docs/BENCHMARKS.md, "Figures behind design choices".)
pub(super) fn prepare(directory: &Path, bytes: u64) -> Result<File, JournalError> {
    let path = directory.join(PREPARED);
    let file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .read(true)
        .open(&path)
        .map_err(JournalError::io(&path))?;
    file.write_all_at(MAGIC, 0)
        .map_err(JournalError::io(&path))?;
    let zeros = vec![0; PREPARE_CHUNK];
    let mut offset = FIRST_FRAME;
    while offset < bytes {
        let chunk = zeros
            .get(
                ..usize::try_from(bytes.saturating_sub(offset))
                    .unwrap_or(usize::MAX)
                    .min(zeros.len()),
            )
            .unwrap_or(&zeros);
        file.write_all_at(chunk, offset)
            .map_err(JournalError::io(&path))?;
        file.sync_data().map_err(JournalError::io(&path))?;
        offset = offset.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        std::thread::sleep(PREPARE_PAUSE);
    }
    file.sync_all().map_err(JournalError::io(&path))?;
    Ok(file)
}

/// Makes the prepared segment the one whose first record is `first`, durably.
pub(super) fn install(directory: &Path, first: u64) -> Result<(), JournalError> {
    let path = path_of(directory, first);
    std::fs::rename(directory.join(PREPARED), &path).map_err(JournalError::io(&path))?;
    sync_directory(directory)
}

/// The current segment's descriptors: one to write through, and one per syncer.
///
/// Each syncer flushes through its own descriptor, opened before anything was written, so
/// that a write-back error is reported to every syncer's flush (Linux reports it once per
/// open file description) and no flush can succeed after the data it covers was lost.
#[derive(Debug)]
pub(super) struct OpenSegment {
    /// Written to, at explicit offsets.
    pub(super) writer: File,
    /// Flushed through, one per syncer.
    pub(super) flushers: Vec<File>,
}

impl OpenSegment {
    /// Wraps `writer`, the segment at `path`, opening a descriptor for each of `syncers`.
    pub(super) fn new(writer: File, path: &Path, syncers: usize) -> Result<Self, JournalError> {
        let flushers = (0..syncers)
            .map(|_| File::open(path).map_err(JournalError::io(path)))
            .collect::<Result<_, _>>()?;
        Ok(Self { writer, flushers })
    }
}

/// Flushes `directory` itself, so that files created, renamed or removed in it stay so.
pub(super) fn sync_directory(directory: &Path) -> Result<(), JournalError> {
    File::open(directory)
        .and_then(|handle| handle.sync_all())
        .map_err(JournalError::io(directory))
}

/// Reads a segment's frames in order from a byte offset. Zeros where a frame would start
/// end the segment (the unused part of a prepared segment).
pub(super) struct FrameReader {
    /// Where the frames come from.
    file: BufReader<File>,
    /// The segment's path (for errors).
    path: PathBuf,
    /// The offset of the next frame.
    offset: u64,
    /// Reused frame buffer.
    buffer: Vec<u8>,
    /// Whether records come with their bodies.
    body: Body,
}

/// Why a [`FrameReader`] stopped.
#[derive(Debug)]
pub(super) enum Stop {
    /// The segment ends cleanly here.
    End,
    /// A bad frame starts here: a torn tail, or corruption.
    Bad(FrameError),
}

impl FrameReader {
    /// Opens `path` and checks its magic; the first frame read is the one at `offset`
    /// (at least [`FIRST_FRAME`]); `capacity` is the read buffer's size.
    pub(super) fn open(path: &Path, offset: u64, capacity: usize) -> Result<Self, JournalError> {
        let mut file = File::open(path).map_err(JournalError::io(path))?;
        let mut magic = [0; 8];
        match file.read_exact(&mut magic) {
            Ok(()) if &magic == MAGIC => {}
            Ok(()) => {
                return Err(JournalError::corrupt(
                    path,
                    0,
                    "not an audit journal segment",
                ));
            }
            // A segment whose creation was interrupted before its magic reached the disk.
            Err(error) if error.kind() == ErrorKind::UnexpectedEof => {}
            Err(error) => return Err(JournalError::io(path)(error)),
        }
        let offset = offset.max(FIRST_FRAME);
        file.seek(SeekFrom::Start(offset))
            .map_err(JournalError::io(path))?;
        Ok(Self {
            file: BufReader::with_capacity(capacity, file),
            path: path.to_owned(),
            offset,
            buffer: Vec::new(),
            body: Body::Keep,
        })
    }

    /// Makes the records read from now on come without their bodies.
    pub(super) fn skip_bodies(&mut self) {
        self.body = Body::Skip;
    }

    /// The offset of the next frame.
    pub(super) fn offset(&self) -> u64 {
        self.offset
    }

    /// The segment's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The next frame, or why there is none.
    pub(super) fn next_frame(&mut self) -> Result<Result<StoredAuditRecord, Stop>, JournalError> {
        self.buffer.resize(HEADER_BYTES, 0);
        let read = self.fill(0)?;
        // No frame starts with a zero length (and checksum): this is unused space.
        let unused = self
            .buffer
            .get(..read.min(8))
            .is_some_and(|start| start.iter().all(|&byte| byte == 0));
        if read == 0 || unused {
            return Ok(Err(Stop::End));
        }
        if read < HEADER_BYTES {
            return Ok(Err(Stop::Bad(FrameError::Incomplete)));
        }
        let header = match frame::decode_header(&self.buffer) {
            Ok(header) => header,
            Err(error) => return Ok(Err(Stop::Bad(error))),
        };
        self.buffer.resize(header.frame_len(), 0);
        if self.fill(HEADER_BYTES)? < header.payload_len {
            return Ok(Err(Stop::Bad(FrameError::Incomplete)));
        }
        match frame::decode(&header, &self.buffer, self.body) {
            Ok(record) => {
                let length = u64::try_from(header.frame_len()).unwrap_or(u64::MAX);
                self.offset = self.offset.saturating_add(length);
                Ok(Ok(record))
            }
            Err(error) => Ok(Err(Stop::Bad(error))),
        }
    }

    /// Reads into `buffer[from..]` until it is full or the file ends; returns the count.
    fn fill(&mut self, from: usize) -> Result<usize, JournalError> {
        let mut filled = 0;
        while let Some(rest) = self
            .buffer
            .get_mut(from.saturating_add(filled)..)
            .filter(|rest| !rest.is_empty())
        {
            match self.file.read(rest) {
                Ok(0) => break,
                Ok(read) => filled = filled.saturating_add(read),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => return Err(JournalError::io(&self.path)(error)),
            }
        }
        Ok(filled)
    }
}
