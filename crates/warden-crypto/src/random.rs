//! Injected randomness: the [`SecureRandom`] trait, the operating system's generator and a
//! deterministic generator for tests.

use crate::CryptoError;

/// A source of cryptographically secure random bytes.
///
/// Everything in Warden that needs randomness takes one of these, so tests can substitute a
/// deterministic source.
pub trait SecureRandom: Send + Sync {
    /// Fills `dest` entirely with random bytes.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Random`] when the generator fails.
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError>;
}

/// The operating system's generator (through aws-lc). The one to use in production.
#[derive(Debug, Default)]
pub struct SystemRandom(aws_lc_rs::rand::SystemRandom);

impl SystemRandom {
    /// Creates a handle to the system generator.
    #[must_use]
    pub fn new() -> Self {
        Self(aws_lc_rs::rand::SystemRandom::new())
    }
}

impl SecureRandom for SystemRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
        aws_lc_rs::rand::SecureRandom::fill(&self.0, dest).map_err(|_| CryptoError::Random)
    }
}

#[cfg(any(test, feature = "test-util"))]
pub use deterministic::DeterministicRandom;

#[cfg(any(test, feature = "test-util"))]
mod deterministic {
    use std::sync::Mutex;

    use aws_lc_rs::digest;

    use super::SecureRandom;
    use crate::CryptoError;

    /// A reproducible byte stream (SHA-256 of seed and counter) for tests.
    ///
    /// **Not secure**: anyone who knows the seed knows every output. Only available with the
    /// `test-util` feature.
    #[derive(Debug)]
    pub struct DeterministicRandom {
        seed: u64,
        counter: Mutex<u64>,
    }

    impl DeterministicRandom {
        /// A generator whose whole output is determined by `seed`.
        #[must_use]
        pub fn new(seed: u64) -> Self {
            Self {
                seed,
                counter: Mutex::new(0),
            }
        }
    }

    impl SecureRandom for DeterministicRandom {
        fn fill(&self, dest: &mut [u8]) -> Result<(), CryptoError> {
            let mut counter = self.counter.lock().map_err(|_| CryptoError::Random)?;
            for chunk in dest.chunks_mut(digest::SHA256_OUTPUT_LEN) {
                let mut input = [0u8; 16];
                let (seed_part, counter_part) = input.split_at_mut(8);
                seed_part.copy_from_slice(&self.seed.to_be_bytes());
                counter_part.copy_from_slice(&counter.to_be_bytes());
                *counter = counter.wrapping_add(1);
                let block = digest::digest(&digest::SHA256, &input);
                for (out, byte) in chunk.iter_mut().zip(block.as_ref()) {
                    *out = *byte;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{DeterministicRandom, SecureRandom, SystemRandom};

    #[test]
    fn system_random_fills_the_buffer() {
        let rng = SystemRandom::new();
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        rng.fill(&mut a).unwrap();
        rng.fill(&mut b).unwrap();
        assert_ne!(a, [0u8; 32]);
        assert_ne!(a, b);
    }

    #[test]
    fn deterministic_random_is_reproducible_and_advances() {
        let fill = |rng: &DeterministicRandom, len: usize| {
            let mut buf = vec![0u8; len];
            rng.fill(&mut buf).unwrap();
            buf
        };
        let first = DeterministicRandom::new(7);
        let second = DeterministicRandom::new(7);
        let other = DeterministicRandom::new(8);
        let a = fill(&first, 70);
        assert_eq!(a, fill(&second, 70));
        assert_ne!(a, fill(&other, 70));
        assert_ne!(a, fill(&first, 70));
        // Blocks within one long fill differ from each other.
        assert_ne!(a[..32], a[32..64]);
    }
}
