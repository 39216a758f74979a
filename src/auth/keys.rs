//! API keys and secrets: random, shown once, stored as SHA-256 hashes.
//!
//! They carry 128 and 192 bits of randomness, so a fast hash is enough (no password KDF):
//! nobody can search that space, and lookups by hash stay one index probe.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A freshly made key pair of a resource, in clear (to show once) and hashed (to store).
pub struct KeyPair {
    pub api_key: String,
    pub api_secret: String,
    pub api_key_hash: String,
    pub secret_hash: String,
}

impl KeyPair {
    pub fn generate() -> KeyPair {
        let api_key = format!("pk_{}", random_hex(16));
        let api_secret = format!("sk_{}", random_hex(24));
        KeyPair {
            api_key_hash: hash(&api_key),
            secret_hash: hash(&api_secret),
            api_key,
            api_secret,
        }
    }
}

/// Lowercase hex of `bytes` random bytes from the OS-seeded CSPRNG.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buffer);
    to_hex(&buffer)
}

/// SHA-256 of a key or secret, as lowercase hex.
pub fn hash(value: &str) -> String {
    to_hex(&Sha256::digest(value.as_bytes()))
}

/// Whether `given` hashes to `expected_hash`, compared in constant time.
pub fn matches_hash(given: &str, expected_hash: &str) -> bool {
    constant_time_eq(&hash(given), expected_hash)
}

/// Equality that takes the same time wherever the strings differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_match_only_their_hash() {
        let a = KeyPair::generate();
        let b = KeyPair::generate();
        assert_ne!(a.api_key, b.api_key);
        assert_eq!(a.api_key.len(), 3 + 32);
        assert_eq!(a.api_secret.len(), 3 + 48);
        assert!(matches_hash(&a.api_secret, &a.secret_hash));
        assert!(!matches_hash(&b.api_secret, &a.secret_hash));
    }
}
