//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong in this crate. No variant carries key material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The random number generator failed.
    #[error("the random number generator failed")]
    Random,
    /// A password could not be hashed (argon2 refused its parameters or input).
    #[error("password hashing failed")]
    PasswordHash,
    /// A TOTP seed is unusable (too short for RFC 4226's 128-bit minimum).
    #[error("the TOTP seed is unusable")]
    TotpSeed,
    /// The root key file could not be read, created or synced.
    #[error("root key file {path}: {source}")]
    RootKeyIo {
        /// The root key file (or its directory).
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The root key file does not hold exactly 32 bytes.
    #[error(
        "root key file {path} holds {len} bytes, expected exactly 32 (is it truncated or not a Warden root key?)"
    )]
    RootKeyLength {
        /// The root key file.
        path: PathBuf,
        /// The file's length in bytes.
        len: u64,
    },
    /// The root key file is readable or writable by its group or by others.
    #[error(
        "root key file {path} has permissions {mode:04o}; it must not be accessible to group or others (chmod 600)"
    )]
    RootKeyPermissions {
        /// The root key file.
        path: PathBuf,
        /// The file's permission bits.
        mode: u32,
    },
    /// The root key path exists but is not a regular file.
    #[error("root key path {path} is not a regular file")]
    RootKeyNotAFile {
        /// The offending path.
        path: PathBuf,
    },
    /// Key bytes of the wrong length were supplied.
    #[error("a {what} must be {expected} bytes, got {actual}")]
    KeyLength {
        /// Which key ("root key", "data key").
        what: &'static str,
        /// The required length.
        expected: usize,
        /// The supplied length.
        actual: usize,
    },
    /// A sealed value is too short or has an unknown format version.
    #[error("sealed value is malformed or has an unsupported format version")]
    SealedFormat,
    /// Decryption failed: wrong key, wrong associated data, or tampered ciphertext.
    #[error("decryption failed: wrong key, wrong associated data, or tampered ciphertext")]
    Decrypt,
    /// Encryption failed inside the crypto library.
    #[error("encryption failed")]
    Encrypt,
    /// An account id is not exactly 12 ASCII digits.
    #[error("account id must be 12 digits")]
    InvalidAccountId,
}
