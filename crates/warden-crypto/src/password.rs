//! Console passwords: argon2id hashes in the PHC string format, with OWASP's parameters
//! (m = 19 MiB, t = 2, p = 1; about 30 ms per hash on this project's 2-core VM). The hash
//! is what is stored (and sealed by the caller); the password itself is never kept.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::{CryptoError, SecureRandom};

/// Memory cost in KiB (OWASP: 19,456).
pub const MEMORY_KIB: u32 = 19_456;
/// Iterations (OWASP: 2).
pub const ITERATIONS: u32 = 2;
/// Lanes (OWASP: 1).
pub const LANES: u32 = 1;
/// Bytes of random salt per hash.
const SALT_BYTES: usize = 16;

fn hasher() -> Result<Argon2<'static>, CryptoError> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, LANES, None).map_err(|_| CryptoError::PasswordHash)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The argon2id hash of `password` with a fresh salt, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`).
///
/// # Errors
///
/// [`CryptoError::Random`] if no salt can be drawn; [`CryptoError::PasswordHash`] if argon2
/// refuses the input.
pub fn hash(password: &str, rng: &dyn SecureRandom) -> Result<Zeroizing<String>, CryptoError> {
    let mut salt = [0u8; SALT_BYTES];
    rng.fill(&mut salt)?;
    let hash = hasher()?
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map_err(|_| CryptoError::PasswordHash)?;
    Ok(Zeroizing::new(hash.to_string()))
}

/// Whether `password` matches the PHC string `phc` (argon2's comparison is constant-time).
/// A malformed `phc` matches nothing.
#[must_use]
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().is_ok_and(|argon| argon.verify_password(password.as_bytes(), phc).is_ok())
}

#[cfg(test)]
mod tests {
    use super::{hash, verify};
    use crate::DeterministicRandom;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let rng = DeterministicRandom::new(7);
        let phc = hash("correct horse battery staple", &rng).unwrap();
        assert!(
            phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            *phc
        );
        assert!(verify("correct horse battery staple", &phc));
        assert!(!verify("correct horse battery stapler", &phc));
        assert!(!verify("anything", "not a phc string"));
        let again = hash("correct horse battery staple", &rng).unwrap();
        assert_ne!(*phc, *again, "every hash has its own salt");
    }
}
