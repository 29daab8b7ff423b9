//! Local buckets: the directory tree CloudTrail files are delivered into, and the read-only
//! view the S3 endpoint serves from it.
//!
//! Layout under the buckets root:
//!
//! - `<root>/<bucket>/<key>`: the object's bytes (a key's `/` are directories);
//! - `<root>/.meta/<bucket>/<key>`: its user metadata (`x-amz-meta-*`), as a JSON object;
//! - `<root>/.tmp/`: files being written, renamed into place once complete.
//!
//! Bucket names never start with `.`, so neither hidden tree is ever a bucket or an object.
//!
//! # Invariants
//!
//! - **No path escapes the root.** Bucket names follow S3's rules and keys are checked
//!   segment by segment ([`object_path`]): no empty, `.` or `..` segment, no leading `/`, no
//!   NUL or backslash. Only regular files are objects; symbolic links are never followed.
//! - **Writes are atomic and durable**: temp file, fsync, rename, fsync of the directory.
//!   A reader sees the old object or the new one, never a part.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use md5::{Digest, Md5};

/// The hidden tree of object metadata.
const META_DIR: &str = ".meta";
/// The hidden directory of files being written.
const TMP_DIR: &str = ".tmp";
/// The most keys one listing returns (S3's limit).
pub const MAX_KEYS: usize = 1000;

/// Why a bucket operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BucketError {
    /// The bucket name is not a valid S3 bucket name.
    #[error("invalid bucket name {0:?}")]
    InvalidBucketName(String),
    /// The key cannot name a file under the bucket (empty, `..`, absolute, NUL, …).
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    /// The bucket does not exist.
    #[error("the bucket {0:?} does not exist")]
    NoSuchBucket(String),
    /// The object does not exist.
    #[error("the object {0:?} does not exist")]
    NoSuchKey(String),
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Stored metadata is not a JSON object of strings.
    #[error("corrupt object metadata at {0}")]
    CorruptMetadata(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BucketError + '_ {
    move |source| BucketError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Whether `name` is a valid S3 bucket name: 3–63 characters of lowercase letters, digits,
/// `.` and `-`, starting and ending with a letter or digit, with no `..`.
#[must_use]
pub fn is_valid_bucket_name(name: &str) -> bool {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last())
        && !name.contains("..")
}

/// The directory of `bucket` under `root`.
///
/// # Errors
///
/// [`BucketError::InvalidBucketName`].
pub fn bucket_path(root: &Path, bucket: &str) -> Result<PathBuf, BucketError> {
    if is_valid_bucket_name(bucket) {
        Ok(root.join(bucket))
    } else {
        Err(BucketError::InvalidBucketName(bucket.to_owned()))
    }
}

/// The file of `key` under `base`, or an error if the key could name anything outside it.
///
/// # Errors
///
/// [`BucketError::InvalidKey`].
pub fn object_path(base: &Path, key: &str) -> Result<PathBuf, BucketError> {
    let invalid = || BucketError::InvalidKey(key.to_owned());
    if key.is_empty() || key.len() > 1024 || key.contains(['\0', '\\']) {
        return Err(invalid());
    }
    let mut path = base.to_owned();
    for segment in key.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(invalid());
        }
        path.push(segment);
    }
    Ok(path)
}

/// An object's listing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSummary {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written.
    pub last_modified: Timestamp,
    /// Its ETag: the quoted hex MD5 of its bytes.
    pub etag: String,
}

/// A listing request (ListObjects and ListObjectsV2 both map to it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRequest {
    /// Only keys starting with this.
    pub prefix: String,
    /// Group keys by the part up to the first delimiter after the prefix.
    pub delimiter: Option<String>,
    /// Only keys (and common prefixes) after this one: V1's `Marker`, V2's `StartAfter` or
    /// the decoded `ContinuationToken`.
    pub after: Option<String>,
    /// The most entries (keys plus common prefixes) to return, at most [`MAX_KEYS`].
    pub max_keys: usize,
}

/// One page of a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListResult {
    /// The objects, in key order.
    pub objects: Vec<ObjectSummary>,
    /// The common prefixes (with a delimiter), in order.
    pub common_prefixes: Vec<String>,
    /// Whether more entries follow.
    pub is_truncated: bool,
    /// The last key or common prefix returned, from which the next page starts (when
    /// truncated).
    pub next_after: Option<String>,
}

/// A fetched object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its user metadata (`x-amz-meta-<name>` → value), names in lowercase.
    pub metadata: BTreeMap<String, String>,
    /// When it was last written.
    pub last_modified: Timestamp,
    /// Its ETag: the quoted hex MD5 of its bytes.
    pub etag: String,
}

/// Lists `bucket` under `root` as S3 ListObjects does.
///
/// # Errors
///
/// [`BucketError::InvalidBucketName`], [`BucketError::NoSuchBucket`], or an I/O failure.
pub fn list_objects(
    root: &Path,
    bucket: &str,
    request: &ListRequest,
) -> Result<ListResult, BucketError> {
    let base = bucket_path(root, bucket)?;
    if !is_dir(&base)? {
        return Err(BucketError::NoSuchBucket(bucket.to_owned()));
    }
    // Only the directory the prefix points into can hold matching keys.
    let directory = request
        .prefix
        .rfind('/')
        .and_then(|end| request.prefix.get(..=end))
        .unwrap_or("");
    let mut keys = Vec::new();
    if !directory.is_empty() {
        let Ok(start) = object_path(&base, directory.trim_end_matches('/')) else {
            return Ok(ListResult::default()); // No key lies under such a prefix.
        };
        if is_dir(&start)? {
            collect_keys(&start, directory, &mut keys)?;
        }
    } else {
        collect_keys(&base, "", &mut keys)?;
    }
    keys.retain(|key| object_path(&base, key).is_ok());
    keys.sort();
    let max_keys = request.max_keys.min(MAX_KEYS);
    let mut result = ListResult::default();
    let mut count = 0;
    for key in keys.iter().filter(|key| key.starts_with(&request.prefix)) {
        if let Some(after) = &request.after
            && (key.as_str() <= after.as_str()
                || (is_group(request, after) && key.starts_with(after.as_str())))
        {
            continue;
        }
        let group = group_of(request, key);
        if let Some(group) = &group
            && result.common_prefixes.last() == Some(group)
        {
            continue;
        }
        if count == max_keys {
            result.is_truncated = true;
            break;
        }
        count += 1;
        match group {
            Some(group) => {
                result.next_after = Some(group.clone());
                result.common_prefixes.push(group);
            }
            None => {
                let path = object_path(&base, key)?;
                let bytes = fs::read(&path).map_err(io(&path))?;
                result.next_after = Some(key.clone());
                result.objects.push(ObjectSummary {
                    key: key.clone(),
                    size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                    last_modified: modified(&path)?,
                    etag: etag(&bytes),
                });
            }
        }
    }
    if !result.is_truncated {
        result.next_after = None;
    }
    Ok(result)
}

/// Whether `after` is a common prefix of this request (so everything under it was returned).
fn is_group(request: &ListRequest, after: &str) -> bool {
    request
        .delimiter
        .as_deref()
        .is_some_and(|delimiter| !delimiter.is_empty() && after.ends_with(delimiter))
}

/// The common prefix `key` rolls up into, if the request has a delimiter that occurs in the
/// key after the prefix.
fn group_of(request: &ListRequest, key: &str) -> Option<String> {
    let delimiter = request.delimiter.as_deref().filter(|d| !d.is_empty())?;
    let rest = key.strip_prefix(request.prefix.as_str())?;
    let (head, _) = rest.split_once(delimiter)?;
    Some(format!("{}{head}{delimiter}", request.prefix))
}

/// Appends every regular file under `dir` as a key (`prefix` + relative path).
fn collect_keys(dir: &Path, prefix: &str, keys: &mut Vec<String>) -> Result<(), BucketError> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let Ok(name) = entry.file_name().into_string() else {
            continue; // Not UTF-8: not a key Warden wrote.
        };
        let kind = entry.file_type().map_err(io(&entry.path()))?;
        if kind.is_dir() {
            collect_keys(&entry.path(), &format!("{prefix}{name}/"), keys)?;
        } else if kind.is_file() {
            keys.push(format!("{prefix}{name}"));
        }
    }
    Ok(())
}

/// Reads one object with its metadata.
///
/// # Errors
///
/// [`BucketError::InvalidBucketName`], [`BucketError::NoSuchBucket`],
/// [`BucketError::InvalidKey`], [`BucketError::NoSuchKey`], or an I/O failure.
pub fn get_object(root: &Path, bucket: &str, key: &str) -> Result<Object, BucketError> {
    let base = bucket_path(root, bucket)?;
    if !is_dir(&base)? {
        return Err(BucketError::NoSuchBucket(bucket.to_owned()));
    }
    let no_such_key = || BucketError::NoSuchKey(key.to_owned());
    let path = object_path(&base, key).map_err(|_| no_such_key())?;
    if !is_regular_file_within(&base, &path)? {
        return Err(no_such_key());
    }
    let bytes = fs::read(&path).map_err(io(&path))?;
    let metadata = read_metadata(&object_path(&root.join(META_DIR).join(bucket), key)?)?;
    Ok(Object {
        last_modified: modified(&path)?,
        etag: etag(&bytes),
        metadata,
        bytes,
    })
}

/// Whether `bucket` exists under `root`.
///
/// # Errors
///
/// [`BucketError::InvalidBucketName`] or an I/O failure.
pub fn bucket_exists(root: &Path, bucket: &str) -> Result<bool, BucketError> {
    is_dir(&bucket_path(root, bucket)?)
}

/// Writes an object (and its metadata, first) atomically and durably, creating the bucket
/// directory if needed.
///
/// # Errors
///
/// [`BucketError::InvalidBucketName`], [`BucketError::InvalidKey`], or an I/O failure.
pub fn put_object(
    root: &Path,
    bucket: &str,
    key: &str,
    bytes: &[u8],
    metadata: &BTreeMap<String, String>,
) -> Result<(), BucketError> {
    let path = object_path(&bucket_path(root, bucket)?, key)?;
    let meta_path = object_path(&root.join(META_DIR).join(bucket), key)?;
    if metadata.is_empty() {
        remove_if_present(&meta_path)?;
    } else {
        let json = serde_json::to_vec(metadata)
            .map_err(|_| BucketError::CorruptMetadata(meta_path.clone()))?;
        write_atomically(root, &meta_path, &json)?;
    }
    write_atomically(root, &path, bytes)
}

/// Removes temp files a crash left behind; returns how many. Call it before the first
/// write of a process (writes in progress would lose their temp file).
///
/// # Errors
///
/// An I/O failure.
pub fn remove_temporary_files(root: &Path) -> Result<usize, BucketError> {
    let tmp_dir = root.join(TMP_DIR);
    let entries = match fs::read_dir(&tmp_dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(io(&tmp_dir)(error)),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry.map_err(io(&tmp_dir))?.path();
        remove_if_present(&path)?;
        removed += 1;
    }
    Ok(removed)
}

/// Each temp file gets a distinct name within the process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// temp file in `<root>/.tmp`, fsync, rename onto `path`, fsync `path`'s directory.
fn write_atomically(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), BucketError> {
    let tmp_dir = root.join(TMP_DIR);
    fs::create_dir_all(&tmp_dir).map_err(io(&tmp_dir))?;
    let parent = path
        .parent()
        .ok_or_else(|| BucketError::InvalidKey(path.display().to_string()))?;
    fs::create_dir_all(parent).map_err(io(parent))?;
    let temp = tmp_dir.join(format!(
        "{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = fs::File::create(&temp).map_err(io(&temp))?;
    file.write_all(bytes).map_err(io(&temp))?;
    file.sync_all().map_err(io(&temp))?;
    drop(file);
    fs::rename(&temp, path).map_err(io(path))?;
    fs::File::open(parent)
        .and_then(|dir| dir.sync_all())
        .map_err(io(parent))
}

fn remove_if_present(path: &Path) -> Result<(), BucketError> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io(path)(error)),
        _ => Ok(()),
    }
}

fn read_metadata(path: &Path) -> Result<BTreeMap<String, String>, BucketError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|_| BucketError::CorruptMetadata(path.to_owned())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(io(path)(error)),
    }
}

/// Whether `path` is a directory (not through a symbolic link).
fn is_dir(path: &Path) -> Result<bool, BucketError> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(meta.is_dir()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(io(path)(error)),
    }
}

/// Whether `path` is a regular file reached from `base` through real directories only.
fn is_regular_file_within(base: &Path, path: &Path) -> Result<bool, BucketError> {
    let Ok(relative) = path.strip_prefix(base) else {
        return Ok(false);
    };
    let mut current = base.to_owned();
    let mut components = relative.components().peekable();
    while let Some(component) = components.next() {
        current.push(component);
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(error) => return Err(io(&current)(error)),
        };
        let expected = if components.peek().is_some() {
            meta.is_dir()
        } else {
            meta.is_file()
        };
        if !expected {
            return Ok(false);
        }
    }
    Ok(true)
}

fn modified(path: &Path) -> Result<Timestamp, BucketError> {
    let time = fs::metadata(path)
        .and_then(|meta| meta.modified())
        .map_err(io(path))?;
    Timestamp::try_from(time).map_err(|error| io(path)(std::io::Error::other(error)))
}

/// S3's ETag of a single-part object: the quoted hex MD5 of its bytes.
fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(Md5::digest(bytes)))
}

#[cfg(test)]
mod tests;
