//! Sealing small values (the form flash cookie; later second-factor secrets
//! and provider tokens, S41) with XChaCha20-Poly1305 under keys derived from
//! `VESTIBULE_SECRET_KEY` by HKDF-SHA256, one key per purpose.
//!
//! A sealed value is base64url of: a key id (4 bytes: the start of
//! SHA-256 of the secret, so a value names the secret it was sealed
//! under), a 24-byte random nonce, and the ciphertext with its tag. The
//! purpose is bound in as associated data as well, so a value sealed for
//! one purpose never opens for another. Rotation: set the new secret as
//! `VESTIBULE_SECRET_KEY` and the old one as `VESTIBULE_SECRET_KEY_PREVIOUS`;
//! values sealed under either open, new ones are sealed under the new.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

const KEY_ID: usize = 4;
const NONCE: usize = 24;

#[derive(Clone)]
struct Secret {
    id: [u8; KEY_ID],
    bytes: Vec<u8>,
}

impl Secret {
    fn new(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let mut id = [0u8; KEY_ID];
        id.copy_from_slice(&digest[..KEY_ID]);
        Secret {
            id,
            bytes: bytes.to_vec(),
        }
    }

    fn cipher(&self, purpose: &str) -> Option<XChaCha20Poly1305> {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"vestibule-seal-v1"), &self.bytes);
        let mut key = [0u8; 32];
        hk.expand(purpose.as_bytes(), &mut key).ok()?;
        Some(XChaCha20Poly1305::new(&key.into()))
    }
}

/// Seals and opens values under the current secret (and opens those
/// sealed under the previous one).
#[derive(Clone)]
pub struct Sealer {
    current: Secret,
    previous: Option<Secret>,
}

impl Sealer {
    pub fn new(current: &[u8], previous: Option<&[u8]>) -> Self {
        Sealer {
            current: Secret::new(current),
            previous: previous.map(Secret::new),
        }
    }

    /// `plaintext` sealed for `purpose`, as URL-safe text.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Option<String> {
        let cipher = self.current.cipher(purpose)?;
        let mut nonce = [0u8; NONCE];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose.as_bytes(),
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(KEY_ID + NONCE + sealed.len());
        out.extend_from_slice(&self.current.id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Some(URL_SAFE_NO_PAD.encode(out))
    }

    /// What [`Sealer::seal`] sealed for `purpose`; `None` for anything else
    /// (another purpose, another key, a changed byte, garbage).
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if raw.len() < KEY_ID + NONCE + 16 {
            return None;
        }
        let (id, rest) = raw.split_at(KEY_ID);
        let (nonce, body) = rest.split_at(NONCE);
        let secret = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|s| s.id == id)?;
        secret
            .cipher(purpose)?
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: purpose.as_bytes(),
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Sealer;

    #[test]
    fn sealed_values_open_only_for_their_purpose_and_key() {
        let s = Sealer::new(b"0123456789abcdef0123456789abcdef", None);
        let sealed = s.seal("flash", b"hello").unwrap();
        assert!(!sealed.contains("hello"));
        assert_eq!(s.open("flash", &sealed).as_deref(), Some(&b"hello"[..]));
        assert_eq!(s.open("totp", &sealed), None);
        assert_ne!(
            s.seal("flash", b"hello").unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(s.open("flash", &String::from_utf8(tampered).unwrap()), None);
        assert_eq!(s.open("flash", "garbage"), None);
        // Rotation: the new key opens what the old one sealed.
        let rotated = Sealer::new(
            b"another secret of thirty-two bytes!!",
            Some(b"0123456789abcdef0123456789abcdef"),
        );
        assert_eq!(
            rotated.open("flash", &sealed).as_deref(),
            Some(&b"hello"[..])
        );
        let other = Sealer::new(b"another secret of thirty-two bytes!!", None);
        assert_eq!(other.open("flash", &sealed), None);
    }
}
