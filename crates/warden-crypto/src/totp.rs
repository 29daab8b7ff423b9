//! The one-time codes of virtual MFA devices, as AWS's work: RFC 6238 TOTP with HMAC-SHA-1,
//! 30-second steps and 6 digits (the `otpauth://` defaults; AWS's URI names no others),
//! computed by `totp-rs`. Callers keep the last accepted step per device so that no code
//! is ever accepted twice.

use totp_rs::{Algorithm, Builder, Totp};
use zeroize::Zeroizing;

use crate::{CryptoError, SecureRandom};

/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: u8 = 6;
/// Bytes of a new device's seed: 40, whose Base32 form is the 64 characters AWS shows.
pub const SEED_BYTES: usize = 40;

/// A fresh random seed for a new device.
///
/// # Errors
///
/// [`CryptoError::Random`] when the generator fails.
pub fn new_seed(rng: &dyn SecureRandom) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut seed = Zeroizing::new(vec![0u8; SEED_BYTES]);
    rng.fill(&mut seed)?;
    Ok(seed)
}

/// The RFC 4648 Base32 form of a seed (no padding), as authenticator apps take it.
#[must_use]
pub fn base32(seed: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(totp_rs::Secret::from(seed.to_vec()).to_base32())
}

/// The time step of a Unix time in seconds.
#[must_use]
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// A device's code generator.
pub struct Device {
    totp: Totp,
}

impl Device {
    /// The generator for `seed`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::TotpSeed`] if the seed is shorter than 128 bits.
    pub fn new(seed: &[u8]) -> Result<Self, CryptoError> {
        let totp = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            .with_step_duration(STEP_SECONDS)
            .with_skew(0)
            .with_secret(seed.to_vec())
            .build()
            .map_err(|_| CryptoError::TotpSeed)?;
        Ok(Self { totp })
    }

    /// The code of time step `step`, zero-padded to six digits.
    #[must_use]
    pub fn code(&self, step: u64) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{:0>width$}",
            self.totp
                .generate(step.saturating_mul(STEP_SECONDS))
                .to_string(),
            width = usize::from(DIGITS)
        ))
    }

    /// The first step among `steps` whose code is `code` (compared in constant time).
    pub fn step_of(&self, code: &str, steps: impl IntoIterator<Item = u64>) -> Option<u64> {
        let mut found = None;
        for step in steps {
            let matches = crate::constant_time_eq(self.code(step).as_bytes(), code.as_bytes());
            if matches && found.is_none() {
                found = Some(step);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::{Device, base32, step_at};

    /// RFC 6238 Appendix B, SHA-1 row, reduced to 6 digits (the low digits of the 8-digit
    /// codes), and RFC 4226's seed in Base32.
    #[test]
    fn rfc_6238_vectors() {
        let seed = b"12345678901234567890";
        assert_eq!(*base32(seed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let device = Device::new(seed).unwrap();
        for (time, eight_digits) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            let six_digits = eight_digits.get(2..).unwrap();
            assert_eq!(*device.code(step_at(time)), six_digits, "t={time}");
        }
        let step = step_at(1_234_567_890);
        let code = device.code(step);
        assert_eq!(device.step_of(&code, step - 1..=step + 1), Some(step));
        assert_eq!(device.step_of("000000", [step]), None);
    }
}
