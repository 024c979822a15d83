//! Examiners' Ed25519 keys (through the MIT-licensed `ed25519-compact`
//! crate). The private key lives in a file of the examiner's, never in the
//! case; the case records the public key, registered by a custody entry.
//!
//! Key file format (text, one line): `forensics-ed25519-seed-v1 HEX` with the
//! 32-byte seed in lowercase hex; the file is created with mode 0600.

use std::io::Write;
use std::path::Path;

use ed25519_compact::{KeyPair, PublicKey, Seed, Signature};

use super::{Error, Result};
use crate::hash::{from_hex, to_hex};

/// First word of a key file.
const KEY_FILE_TAG: &str = "forensics-ed25519-seed-v1";
/// Largest key file read, in bytes.
const MAX_KEY_FILE_BYTES: u64 = 4096;

/// An examiner's signing key.
pub struct SigningKey {
    key_pair: KeyPair,
}

impl SigningKey {
    /// A new random key (from the operating system's generator).
    pub fn generate() -> Self {
        Self {
            key_pair: KeyPair::from_seed(Seed::generate()),
        }
    }

    /// The key whose seed is `seed` (deterministic; for tests).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            key_pair: KeyPair::from_seed(Seed::new(seed)),
        }
    }

    /// Writes the private key to `path`, which must not exist yet.
    pub fn write_private(&self, path: &Path) -> Result<()> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(io)?;
        let seed = self.key_pair.sk.seed();
        writeln!(file, "{KEY_FILE_TAG} {}", to_hex(seed.as_ref())).map_err(io)?;
        file.sync_all().map_err(io)
    }

    /// Reads a private key written by [`Self::write_private`].
    pub fn read_private(path: &Path) -> Result<Self> {
        let bad = |what: &str| Error::Key {
            path: path.to_path_buf(),
            what: what.to_string(),
        };
        let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if metadata.len() > MAX_KEY_FILE_BYTES {
            return Err(bad("is too large to be a key file"));
        }
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut words = text.split_whitespace();
        if words.next() != Some(KEY_FILE_TAG) {
            return Err(bad("is not a forensics Ed25519 key file"));
        }
        let seed = words
            .next()
            .and_then(from_hex)
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| bad("does not hold a 32-byte hex seed"))?;
        Ok(Self::from_seed(seed))
    }

    /// The public key, lowercase hex.
    pub fn public_key_hex(&self) -> String {
        to_hex(self.key_pair.pk.as_ref())
    }

    /// The key id: the first 16 hex digits of the BLAKE3 of the public key.
    pub fn key_id(&self) -> String {
        key_id_of(self.key_pair.pk.as_ref())
    }

    /// The signature of `message`, lowercase hex (deterministic Ed25519).
    pub fn sign_hex(&self, message: &[u8]) -> String {
        to_hex(self.key_pair.sk.sign(message, None).as_ref())
    }
}

/// The key id of a public key given as bytes.
pub fn key_id_of(public_key: &[u8]) -> String {
    let digest = blake3::hash(public_key);
    to_hex(&digest.as_bytes()[..8])
}

/// Whether `signature_hex` is a valid signature of `message` by
/// `public_key_hex`.
pub fn verify_signature(public_key_hex: &str, message: &[u8], signature_hex: &str) -> bool {
    let Some(public_key) = from_hex(public_key_hex).and_then(|b| PublicKey::from_slice(&b).ok())
    else {
        return false;
    };
    let Some(signature) = from_hex(signature_hex).and_then(|b| Signature::from_slice(&b).ok())
    else {
        return false;
    };
    public_key.verify(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_key_reads_back_and_signs_verifiably() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("examiner.key");
        let key = SigningKey::from_seed([7; 32]);
        key.write_private(&path).unwrap();
        let back = SigningKey::read_private(&path).unwrap();
        assert_eq!(back.public_key_hex(), key.public_key_hex());
        let signature = back.sign_hex(b"entry");
        assert!(verify_signature(
            &key.public_key_hex(),
            b"entry",
            &signature
        ));
        assert!(!verify_signature(
            &key.public_key_hex(),
            b"other",
            &signature
        ));
        assert!(key.write_private(&path).is_err(), "never overwrites");
    }

    #[test]
    fn malformed_key_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.key");
        std::fs::write(&path, "forensics-ed25519-seed-v1 abcd\n").unwrap();
        assert!(matches!(
            SigningKey::read_private(&path),
            Err(Error::Key { .. })
        ));
    }
}
