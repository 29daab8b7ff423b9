//! Random (version 4) UUIDs drawn from the injected [`SecureRandom`]: request ids and
//! CloudTrail event ids.

use std::fmt;

use crate::{CryptoError, SecureRandom};

/// The version field (bits 76..80): 4, random.
const VERSION_MASK: u128 = 0xF << 76;
const VERSION_4: u128 = 0x4 << 76;
/// The variant field (bits 62..64): `10`, RFC 9562.
const VARIANT_MASK: u128 = 0x3 << 62;
const VARIANT_RFC: u128 = 0x2 << 62;

/// A version 4 UUID. `Display` writes the hyphenated lowercase form
/// (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Uuid(u128);

impl Uuid {
    /// 122 random bits from `rng`, with the version and variant fields set.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Random`] when the generator fails.
    pub fn new_v4(rng: &dyn SecureRandom) -> Result<Self, CryptoError> {
        let mut bytes = [0u8; 16];
        rng.fill(&mut bytes)?;
        Ok(Self::from_random(u128::from_be_bytes(bytes)))
    }

    /// The version 4 UUID made of `random`'s bits, with the version and variant fields set
    /// (for ids that must not come from a generator, such as a fallback counter).
    #[must_use]
    pub const fn from_random(random: u128) -> Self {
        Self((random & !VERSION_MASK & !VARIANT_MASK) | VERSION_4 | VARIANT_RFC)
    }

    /// The 32 hex digits, uppercase, without hyphens (the S3 request-id shape).
    #[must_use]
    pub fn simple_upper(&self) -> String {
        format!("{:032X}", self.0)
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            value >> 96,
            (value >> 80) & 0xFFFF,
            (value >> 64) & 0xFFFF,
            (value >> 48) & 0xFFFF,
            value & 0xFFFF_FFFF_FFFF
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Uuid;
    use crate::{CryptoError, DeterministicRandom, SecureRandom};

    struct Constant(u8);

    impl SecureRandom for Constant {
        fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
            dest.fill(self.0);
            Ok(())
        }
    }

    #[test]
    fn version_and_variant_are_set_whatever_the_bits() {
        let ones = Uuid::new_v4(&Constant(0xFF)).unwrap();
        assert_eq!(ones.to_string(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(ones.simple_upper(), "FFFFFFFFFFFF4FFFBFFFFFFFFFFFFFFF");
        let zeros = Uuid::new_v4(&Constant(0)).unwrap();
        assert_eq!(zeros.to_string(), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn fields_come_from_the_generator_in_order() {
        let mut bytes = [0u8; 16];
        DeterministicRandom::new(3).fill(&mut bytes).unwrap();
        let id = Uuid::new_v4(&DeterministicRandom::new(3)).unwrap();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let text = id.to_string().replace('-', "");
        // Same digits except the version nibble (12) and the variant's top bits (16).
        for (index, (got, want)) in text.chars().zip(hex.chars()).enumerate() {
            if index != 12 && index != 16 {
                assert_eq!(got, want, "digit {index}");
            }
        }
        assert_eq!(text.chars().nth(12), Some('4'));
        assert!(matches!(text.chars().nth(16), Some('8' | '9' | 'a' | 'b')));
        assert_ne!(id, Uuid::new_v4(&DeterministicRandom::new(4)).unwrap());
    }
}
