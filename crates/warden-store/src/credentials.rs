//! The records of credentials other than access keys: the account's password policy,
//! users' console passwords (login profiles) and virtual MFA devices, and the record of an
//! access key's last use, users' SSH public keys and signing certificates. Plain data, no behaviour; secrets only ever sealed.

use std::fmt;

/// AWS's quota of SSH public keys of one user.
pub const SSH_PUBLIC_KEYS_PER_USER: usize = 5;

/// AWS's quota of signing certificates of one user (or root user).
pub const SIGNING_CERTIFICATES_PER_USER: usize = 2;

/// AWS's quota of MFA devices assigned to one user.
pub const MFA_DEVICES_PER_USER: usize = 8;

/// An account's password policy, stored whole (UpdateAccountPasswordPolicy has no partial
/// updates). Absent when the account has none (GetAccountPasswordPolicy: NoSuchEntity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicyRecord {
    /// The owning account.
    pub account_id: String,
    /// 6–128.
    pub minimum_password_length: i32,
    /// At least one of `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`.
    pub require_symbols: bool,
    /// At least one of 0–9.
    pub require_numbers: bool,
    /// At least one of A–Z.
    pub require_uppercase_characters: bool,
    /// At least one of a–z.
    pub require_lowercase_characters: bool,
    /// Whether users may change their own password.
    pub allow_users_to_change_password: bool,
    /// Days a password stays valid (1–1095); `None`: never expires.
    pub max_password_age: Option<i32>,
    /// How many previous passwords may not be reused (1–24); `None`: no check.
    pub password_reuse_prevention: Option<i32>,
    /// Whether an expired password can only be reset by an administrator.
    pub hard_expiry: bool,
}

/// A user's console password. The password exists only as argon2id hashes (PHC strings),
/// each sealed by `warden-crypto`.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginProfileRecord {
    /// The owning account.
    pub account_id: String,
    /// The user, as stored (case-insensitive lookups).
    pub user_name: String,
    /// The sealed hash of the current password.
    pub password_hash_sealed: Vec<u8>,
    /// The sealed hashes of earlier passwords, newest first (for reuse prevention; the
    /// caller decides how many to keep).
    pub previous_hashes_sealed: Vec<Vec<u8>>,
    /// Whether the user must set a new password at next sign-in.
    pub password_reset_required: bool,
    /// When the login profile was created (epoch milliseconds).
    pub create_date: i64,
    /// When the current password was set (epoch milliseconds).
    pub password_last_changed: i64,
    /// When the password was last used to sign in, if ever (epoch milliseconds).
    pub password_last_used: Option<i64>,
}

impl fmt::Debug for LoginProfileRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginProfileRecord")
            .field("account_id", &self.account_id)
            .field("user_name", &self.user_name)
            .field("previous_passwords", &self.previous_hashes_sealed.len())
            .field("password_reset_required", &self.password_reset_required)
            .field("create_date", &self.create_date)
            .field("password_last_changed", &self.password_last_changed)
            .field("password_last_used", &self.password_last_used)
            .finish_non_exhaustive()
    }
}

/// Whom an MFA device is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MfaAssignment {
    /// The account's root user.
    Root,
    /// An IAM user, by name as stored.
    User(String),
}

/// A virtual MFA device: a TOTP seed (RFC 6238), sealed, with the device's name, path and
/// assignment.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaDeviceRecord {
    /// The owning account.
    pub account_id: String,
    /// The device's ARN (`arn:aws:iam::ACCOUNT:mfa/path/name`), AWS's `SerialNumber`.
    pub serial_number: String,
    /// The device name, unique case-insensitively within the account.
    pub name: String,
    /// The IAM path, `/` by default.
    pub path: String,
    /// The sealed TOTP seed (raw bytes before sealing).
    pub seed_sealed: Vec<u8>,
    /// When the device was created (epoch milliseconds).
    pub create_date: i64,
    /// Whom it is assigned to (enabled for), if anyone.
    pub assignment: Option<MfaAssignment>,
    /// When it was enabled (epoch milliseconds), while assigned.
    pub enable_date: Option<i64>,
    /// The last TOTP time step accepted from it (a code is never accepted twice).
    pub last_step: Option<i64>,
    /// Tags as (key, value) pairs, in the order given.
    pub tags: Vec<(String, String)>,
}

impl fmt::Debug for MfaDeviceRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaDeviceRecord")
            .field("account_id", &self.account_id)
            .field("serial_number", &self.serial_number)
            .field("assignment", &self.assignment)
            .field("enable_date", &self.enable_date)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// The last authenticated use of an access key (GetAccessKeyLastUsed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeyUse {
    /// The access key id.
    pub access_key_id: String,
    /// When (epoch milliseconds).
    pub when: i64,
    /// The service called (`iam`, `sts`, …).
    pub service: String,
    /// The Region of the request.
    pub region: String,
}

/// An SSH public key of a user (for CodeCommit), kept in both of GetSSHPublicKey's
/// encodings. Public material: nothing here is secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPublicKeyRecord {
    /// The owning account.
    pub account_id: String,
    /// The user, as stored (case-insensitive lookups).
    pub user_name: String,
    /// `APKA…`, unique across accounts.
    pub ssh_public_key_id: String,
    /// The MD5 fingerprint (`xx:xx:…`); unique per user.
    pub fingerprint: String,
    /// OpenSSH text (`ssh-rsa AAAA…`).
    pub body_ssh: String,
    /// PEM `PUBLIC KEY`.
    pub body_pem: String,
    /// `Active` or `Inactive`.
    pub status: crate::AccessKeyStatus,
    /// When it was uploaded (epoch milliseconds).
    pub upload_date: i64,
}

/// An X.509 signing certificate of a user or of the root user. Public material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCertificateRecord {
    /// The owning account.
    pub account_id: String,
    /// The user as stored; `None` for the root user.
    pub user_name: Option<String>,
    /// The certificate id, unique across accounts.
    pub certificate_id: String,
    /// The PEM body as uploaded.
    pub certificate_body: String,
    /// A digest of the certificate's DER (hex SHA-256); unique within the account.
    pub digest: String,
    /// `Active` or `Inactive`.
    pub status: crate::AccessKeyStatus,
    /// When it was uploaded (epoch milliseconds).
    pub upload_date: i64,
}
