//! The root key: the one key that wraps all others, and the only file this crate touches.
//!
//! The file holds exactly 32 raw bytes and must have no group or other permission bits.
//! Creation is atomic: the key is written and synced to a temporary file in the same
//! directory (mode `0600`), hard-linked to its final name (which fails if another process
//! won the race, in which case that key is loaded), and the directory is synced. A crash at
//! any point leaves either no key file or a complete one.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::envelope::{KEY_LEN, aead_key, key_array, open_with, seal_with};
use crate::{CryptoError, DataKey, SecureRandom};

/// The permission bits the root key file is created with.
const FILE_MODE: u32 = 0o600;
/// Group and other permission bits, none of which a root key file may have.
const GROUP_OTHER_BITS: u32 = 0o077;

/// The 32-byte root key. Zeroized on drop, redacted in `Debug`.
pub struct RootKey(Zeroizing<[u8; KEY_LEN]>);

impl RootKey {
    /// Loads the root key from `path`, or creates it there with fresh random bytes if the
    /// file does not exist.
    ///
    /// # Errors
    ///
    /// - [`CryptoError::RootKeyPermissions`] if the file is accessible to group or others;
    /// - [`CryptoError::RootKeyLength`] if it does not hold exactly 32 bytes;
    /// - [`CryptoError::RootKeyNotAFile`] if the path is a directory or special file;
    /// - [`CryptoError::RootKeyIo`] for I/O failures (missing directory, permissions, …);
    /// - [`CryptoError::Random`] if a new key cannot be generated.
    pub fn load_or_create(path: &Path, rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        match Self::load(path) {
            Err(CryptoError::RootKeyIo { source, .. })
                if source.kind() == io::ErrorKind::NotFound =>
            {
                Self::create(path, rng)
            }
            other => other,
        }
    }

    /// Takes an operator-supplied root key from its 32 raw bytes.
    ///
    /// # Errors
    ///
    /// [`CryptoError::KeyLength`] unless `bytes` is exactly 32 bytes long.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        Ok(Self(key_array("root key", bytes)?))
    }

    /// Wraps (seals) `data_key` under this root key, bound to the `purpose` label.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Random`] or [`CryptoError::Encrypt`].
    pub fn wrap_data_key(
        &self,
        data_key: &DataKey,
        purpose: &[u8],
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, CryptoError> {
        seal_with(&aead_key(&self.0)?, rng, data_key.bytes(), purpose)
    }

    /// Unwraps a data key produced by [`RootKey::wrap_data_key`] with the same `purpose`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Decrypt`] for a different root key or purpose, or tampered bytes;
    /// [`CryptoError::SealedFormat`] for malformed bytes.
    pub fn unwrap_data_key(&self, wrapped: &[u8], purpose: &[u8]) -> Result<DataKey, CryptoError> {
        let bytes = open_with(&aead_key(&self.0)?, wrapped, purpose)?;
        DataKey::from_bytes(&bytes)
    }

    /// Reads an existing key file, checking its type, permissions and length.
    fn load(path: &Path) -> Result<Self, CryptoError> {
        let io_error = |source| CryptoError::RootKeyIo {
            path: path.to_owned(),
            source,
        };
        let mut file = File::open(path).map_err(io_error)?;
        let metadata = file.metadata().map_err(io_error)?;
        if !metadata.is_file() {
            return Err(CryptoError::RootKeyNotAFile {
                path: path.to_owned(),
            });
        }
        let mode = metadata.mode() & 0o7777;
        if mode & GROUP_OTHER_BITS != 0 {
            return Err(CryptoError::RootKeyPermissions {
                path: path.to_owned(),
                mode,
            });
        }
        if metadata.len() != KEY_LEN as u64 {
            return Err(CryptoError::RootKeyLength {
                path: path.to_owned(),
                len: metadata.len(),
            });
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_LEN + 1));
        // Read one byte more than expected, so a file that grew after `metadata` is noticed.
        Read::by_ref(&mut file)
            .take(KEY_LEN as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        if bytes.len() != KEY_LEN {
            return Err(CryptoError::RootKeyLength {
                path: path.to_owned(),
                len: bytes.len() as u64,
            });
        }
        Self::from_bytes(&bytes)
    }

    /// Creates a new key file atomically (see the module documentation).
    fn create(path: &Path, rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(bytes.as_mut())?;
        let directory = parent_directory(path);
        let temporary = temporary_path(path, rng)?;
        let written = write_synced(&temporary, bytes.as_ref());
        let linked = written.and_then(|()| fs::hard_link(&temporary, path));
        // The temporary name is removed whatever happened; a failure to remove it is harmless.
        let _ignored = fs::remove_file(&temporary);
        match linked {
            Ok(()) => {}
            // Another process created the key first: use theirs.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => return Self::load(path),
            Err(source) => {
                return Err(CryptoError::RootKeyIo {
                    path: path.to_owned(),
                    source,
                });
            }
        }
        sync_directory(&directory)?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for RootKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RootKey(<redacted>)")
    }
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_directory(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A fresh, unpredictable temporary name next to `path`.
fn temporary_path(path: &Path, rng: &dyn SecureRandom) -> Result<PathBuf, CryptoError> {
    let mut suffix = [0u8; 8];
    rng.fill(&mut suffix)?;
    let suffix: String = suffix.iter().map(|byte| format!("{byte:02x}")).collect();
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{suffix}"));
    Ok(parent_directory(path).join(name))
}

/// Creates `path` (mode 0600, failing if it exists), writes `bytes` and syncs the file.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Syncs a directory so that a new entry in it survives a crash.
fn sync_directory(directory: &Path) -> Result<(), CryptoError> {
    File::open(directory)
        .and_then(|dir| dir.sync_all())
        .map_err(|source| CryptoError::RootKeyIo {
            path: directory.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use super::RootKey;
    use crate::{CryptoError, DATA_KEY_PURPOSE, DataKey, DeterministicRandom};

    #[test]
    fn creates_a_0600_key_and_loads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.key");
        let rng = DeterministicRandom::new(1);
        let created = RootKey::load_or_create(&path, &rng).unwrap();
        let metadata = fs::metadata(&path).unwrap();
        assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
        assert_eq!(metadata.len(), 32);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file is left"
        );
        let loaded = RootKey::load_or_create(&path, &DeterministicRandom::new(2)).unwrap();
        assert_eq!(created.0, loaded.0);
        assert_eq!(fs::read(&path).unwrap(), created.0.to_vec());
    }

    #[test]
    fn refuses_group_or_world_accessible_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.key");
        fs::write(&path, [9u8; 32]).unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let error = RootKey::load_or_create(&path, &DeterministicRandom::new(0)).unwrap_err();
            assert!(
                matches!(error, CryptoError::RootKeyPermissions { mode: m, .. } if m == mode),
                "{error}"
            );
            assert!(error.to_string().contains("chmod 600"));
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        let key = RootKey::load_or_create(&path, &DeterministicRandom::new(0)).unwrap();
        assert_eq!(*key.0, [9u8; 32]);
    }

    #[test]
    fn refuses_files_of_the_wrong_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.key");
        for len in [0usize, 31, 33, 64] {
            fs::write(&path, vec![1u8; len]).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
            let error = RootKey::load_or_create(&path, &DeterministicRandom::new(0)).unwrap_err();
            assert!(
                matches!(error, CryptoError::RootKeyLength { len: l, .. } if l == len as u64),
                "{error}"
            );
        }
    }

    #[test]
    fn reports_a_missing_directory_and_a_directory_in_place_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("absent").join("root.key");
        let error = RootKey::load_or_create(&missing, &DeterministicRandom::new(0)).unwrap_err();
        assert!(matches!(error, CryptoError::RootKeyIo { .. }), "{error}");
        let error = RootKey::load_or_create(dir.path(), &DeterministicRandom::new(0)).unwrap_err();
        assert!(
            matches!(error, CryptoError::RootKeyNotAFile { .. }),
            "{error}"
        );
    }

    #[test]
    fn wraps_and_unwraps_data_keys_under_a_purpose() {
        let rng = DeterministicRandom::new(3);
        let root = RootKey::from_bytes(&[5u8; 32]).unwrap();
        let data_key = DataKey::generate(&rng).unwrap();
        let wrapped = root
            .wrap_data_key(&data_key, DATA_KEY_PURPOSE, &rng)
            .unwrap();
        let unwrapped = root.unwrap_data_key(&wrapped, DATA_KEY_PURPOSE).unwrap();
        assert_eq!(unwrapped.bytes(), data_key.bytes());
        assert!(matches!(
            root.unwrap_data_key(&wrapped, b"another purpose"),
            Err(CryptoError::Decrypt)
        ));
        let other_root = RootKey::from_bytes(&[6u8; 32]).unwrap();
        assert!(matches!(
            other_root.unwrap_data_key(&wrapped, DATA_KEY_PURPOSE),
            Err(CryptoError::Decrypt)
        ));
    }

    #[test]
    fn from_bytes_checks_length_and_debug_is_redacted() {
        assert!(matches!(
            RootKey::from_bytes(&[0u8; 16]),
            Err(CryptoError::KeyLength {
                what: "root key",
                ..
            })
        ));
        let key = RootKey::from_bytes(&[0u8; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "RootKey(<redacted>)");
    }
}
