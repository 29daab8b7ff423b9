//! Credential and identifier generation in AWS's shapes.
//!
//! - Access key ids are 20 characters: a 4-character prefix (`AKIA` long-term, `ASIA`
//!   temporary), then 8 characters that encode the account as AWS does (base32 of
//!   `account / 2 + 2^39`), then one character whose high bit carries the account's parity,
//!   then 7 random characters. [`account_id_from_access_key_id`] inverts the encoding, which
//!   is how `sts:GetAccessKeyInfo` answers without a lookup.
//! - Secret access keys are 40 characters of standard base64 (30 random bytes).
//! - Unique ids (`AIDA…`, `AROA…`) are 21 characters: prefix plus 17 random characters.
//! - Signing certificate ids are 32 random characters (no prefix).
//! - Account ids are 12 random digits, the first not `0`.
//!
//! All random characters come from the base32 alphabet `A–Z2–7`, the alphabet AWS uses.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::{CryptoError, SecretString, SecureRandom};

/// The RFC 4648 base32 alphabet, which AWS ids are drawn from.
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Added to `account / 2` before encoding; it sets the top bit of the 40-bit field, which
/// distinguishes account-encoding ("new generation") key ids from older ones.
const ACCOUNT_OFFSET: u64 = 1 << 39;
/// The largest 12-digit account id.
const MAX_ACCOUNT_ID: u64 = 999_999_999_999;
/// Length of an access key id.
const ACCESS_KEY_ID_LEN: usize = 20;
/// Length of a unique id such as `AIDA…`.
const UNIQUE_ID_LEN: usize = 21;
/// Number of random bytes in a secret access key (base64-encoded to 40 characters).
const SECRET_BYTES: usize = 30;

/// Which kind of access key an id is generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKeyKind {
    /// A long-term key of a user or root (`AKIA`).
    LongTerm,
    /// A temporary STS credential (`ASIA`).
    Temporary,
}

impl AccessKeyKind {
    /// The 4-character prefix of this kind's key ids.
    #[must_use]
    pub fn prefix(self) -> &'static str {
        match self {
            Self::LongTerm => "AKIA",
            Self::Temporary => "ASIA",
        }
    }
}

/// The kinds of IAM unique ids, by their documented 4-character prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueIdPrefix {
    /// A context-specific credential (`ACCA`).
    ContextSpecificCredential,
    /// A certificate (`ASCA`).
    Certificate,
    /// A group (`AGPA`).
    Group,
    /// An instance profile (`AIPA`).
    InstanceProfile,
    /// A managed policy (`ANPA`).
    ManagedPolicy,
    /// A managed policy version (`ANVA`).
    PolicyVersion,
    /// A public key (`APKA`).
    PublicKey,
    /// A role (`AROA`).
    Role,
    /// An IAM user (`AIDA`).
    User,
}

impl UniqueIdPrefix {
    /// The 4-character prefix.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ContextSpecificCredential => "ACCA",
            Self::Certificate => "ASCA",
            Self::Group => "AGPA",
            Self::InstanceProfile => "AIPA",
            Self::ManagedPolicy => "ANPA",
            Self::PolicyVersion => "ANVA",
            Self::PublicKey => "APKA",
            Self::Role => "AROA",
            Self::User => "AIDA",
        }
    }
}

/// A new access key id of `kind` that encodes `account_id` (12 digits).
///
/// # Errors
///
/// [`CryptoError::InvalidAccountId`] unless `account_id` is 12 ASCII digits;
/// [`CryptoError::Random`] when the generator fails.
pub fn access_key_id(
    kind: AccessKeyKind,
    account_id: &str,
    rng: &dyn SecureRandom,
) -> Result<String, CryptoError> {
    let account = parse_account_id(account_id)?;
    let encoded = account / 2 + ACCOUNT_OFFSET;
    let mut random = [0u8; 8];
    rng.fill(&mut random)?;
    let [parity_random, rest @ ..] = random;

    let mut id = String::with_capacity(ACCESS_KEY_ID_LEN);
    id.push_str(kind.prefix());
    for shift in (0..8).rev() {
        id.push(base32_char(encoded >> (5 * shift)));
    }
    // The high bit of the 5-bit value is the account's parity; the low 4 bits are random.
    id.push(base32_char(
        ((account % 2) << 4) | u64::from(parity_random & 0x0f),
    ));
    id.extend(rest.iter().map(|&byte| base32_char(u64::from(byte))));
    Ok(id)
}

/// The account id encoded in an access key id, or `None` if the id is malformed or an older
/// id that does not encode its account.
#[must_use]
pub fn account_id_from_access_key_id(access_key_id: &str) -> Option<String> {
    let bytes = access_key_id.as_bytes();
    if bytes.len() < 16 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let encoded_chars = bytes.get(4..12)?;
    let parity_char = bytes.get(12)?;
    let encoded = encoded_chars
        .iter()
        .try_fold(0u64, |acc, &c| Some((acc << 5) | base32_value(c)?))?;
    let half = encoded.checked_sub(ACCOUNT_OFFSET)?;
    let account = half * 2 + (base32_value(*parity_char)? >> 4);
    (account <= MAX_ACCOUNT_ID).then(|| format!("{account:012}"))
}

/// A new 40-character secret access key.
///
/// # Errors
///
/// [`CryptoError::Random`] when the generator fails.
pub fn secret_access_key(rng: &dyn SecureRandom) -> Result<SecretString, CryptoError> {
    let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
    rng.fill(bytes.as_mut())?;
    Ok(SecretString::new(STANDARD.encode(bytes.as_ref())))
}

/// A new 21-character unique id with `prefix` (for example `AIDA…` for a user).
///
/// # Errors
///
/// [`CryptoError::Random`] when the generator fails.
pub fn unique_id(prefix: UniqueIdPrefix, rng: &dyn SecureRandom) -> Result<String, CryptoError> {
    let mut random = [0u8; UNIQUE_ID_LEN - 4];
    rng.fill(&mut random)?;
    let mut id = String::with_capacity(UNIQUE_ID_LEN);
    id.push_str(prefix.as_str());
    id.extend(random.iter().map(|&byte| base32_char(u64::from(byte))));
    Ok(id)
}

/// Length of a signing certificate id (AWS's are 24 or more `\w` characters without a
/// documented prefix).
const SIGNING_CERTIFICATE_ID_LEN: usize = 32;

/// A new signing certificate id: 32 random characters of the base32 alphabet.
///
/// # Errors
///
/// [`CryptoError::Random`] when the generator fails.
pub fn signing_certificate_id(rng: &dyn SecureRandom) -> Result<String, CryptoError> {
    let mut random = [0u8; SIGNING_CERTIFICATE_ID_LEN];
    rng.fill(&mut random)?;
    Ok(random
        .iter()
        .map(|&byte| base32_char(u64::from(byte)))
        .collect())
}

/// A unique id in AWS's shape derived from `seed` (its SHA-256), for entities every Warden
/// has and must name the same way everywhere: the AWS managed policies (`ANPA…` from their
/// ARN). Not secret and not random: never use it for an entity a caller creates.
pub fn derived_unique_id(prefix: UniqueIdPrefix, seed: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, seed);
    let mut id = String::with_capacity(UNIQUE_ID_LEN);
    id.push_str(prefix.as_str());
    id.extend(
        digest
            .as_ref()
            .iter()
            .take(UNIQUE_ID_LEN - 4)
            .map(|&byte| base32_char(u64::from(byte))),
    );
    id
}

/// A new random 12-digit account id whose first digit is not `0`.
///
/// # Errors
///
/// [`CryptoError::Random`] when the generator fails.
pub fn account_id(rng: &dyn SecureRandom) -> Result<String, CryptoError> {
    let mut id = String::with_capacity(12);
    id.push(random_digit(rng, 1)?);
    for _ in 1..12 {
        id.push(random_digit(rng, 0)?);
    }
    Ok(id)
}

/// A uniformly random digit in `lowest..=9`, by rejection sampling.
fn random_digit(rng: &dyn SecureRandom, lowest: u8) -> Result<char, CryptoError> {
    let choices = 10 - lowest;
    // The largest multiple of `choices` that fits in a byte; bytes at or above it are redrawn.
    let limit = 256 - (256 % u16::from(choices));
    loop {
        let mut byte = [0u8; 1];
        rng.fill(&mut byte)?;
        let [value] = byte;
        if u16::from(value) < limit {
            return Ok(char::from(b'0' + lowest + value % choices));
        }
    }
}

/// Parses a 12-digit account id.
fn parse_account_id(account_id: &str) -> Result<u64, CryptoError> {
    if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CryptoError::InvalidAccountId);
    }
    account_id
        .parse()
        .map_err(|_| CryptoError::InvalidAccountId)
}

/// The base32 character for the low 5 bits of `value`.
fn base32_char(value: u64) -> char {
    // INVARIANT: the mask keeps the index below 32, the alphabet's length.
    let index = (value & 0x1f) as usize;
    BASE32_ALPHABET.get(index).map_or('A', |&c| char::from(c))
}

/// The 5-bit value of a base32 character, or `None` outside the alphabet.
fn base32_value(c: u8) -> Option<u64> {
    match c {
        b'A'..=b'Z' => Some(u64::from(c - b'A')),
        b'2'..=b'7' => Some(u64::from(c - b'2') + 26),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
