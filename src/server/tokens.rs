//! Random session tokens (S14) and signed, expiring links for email.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};

/// A session token: the secret in the browser's cookie. Its `Debug` shows
/// no part of it, and the database only ever sees its hash.
#[derive(Debug, Clone)]
pub struct SessionToken(SecretString);

impl SessionToken {
    /// 32 bytes from the OS random source, base64url without padding (43 chars).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(SecretString::from(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token as a browser sent it, when it has the form of one we issue.
    pub fn parse(raw: &SecretString) -> Option<Self> {
        is_well_formed_token(raw.expose_secret()).then(|| Self(raw.clone()))
    }

    /// The form a token takes in the database: SHA-256, lower-case hex.
    pub fn hash(&self) -> String {
        token_hash(self.0.expose_secret())
    }

    /// The token itself, for the Set-Cookie header and nothing else.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// SHA-256 of a token, lower-case hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Does this look like a token we issue? Anything else is refused before
/// touching the database (a stored 64-char hex hash does not pass).
pub fn is_well_formed_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && URL_SAFE_NO_PAD
            .decode(token)
            .map(|b| b.len() == 32)
            .unwrap_or(false)
}

/// Signs and checks small JSON payloads for links in emails: base64url(payload)
/// "." base64url(HMAC-SHA256). The payload carries its own expiry.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope<T> {
    p: String,
    exp: i64,
    d: T,
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    fn mac(&self, purpose: &str, body: &[u8]) -> Vec<u8> {
        // A key longer than the block is hashed by HMAC itself; any length works.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => return Vec::new(),
        };
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(body);
        mac.finalize().into_bytes().to_vec()
    }

    pub fn sign<T: Serialize>(
        &self,
        purpose: &str,
        data: &T,
        expires: DateTime<Utc>,
    ) -> SecretString {
        let env = Envelope {
            p: purpose.to_string(),
            exp: expires.timestamp(),
            d: data,
        };
        let body = serde_json::to_vec(&env).unwrap_or_default();
        let sig = self.mac(purpose, &body);
        SecretString::from(format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&body),
            URL_SAFE_NO_PAD.encode(sig)
        ))
    }

    /// The payload, if the signature holds, the purpose matches and it has not expired.
    pub fn verify<T: DeserializeOwned>(
        &self,
        purpose: &str,
        token: &SecretString,
        now: DateTime<Utc>,
    ) -> Option<T> {
        let token = token.expose_secret();
        if token.len() > 2048 {
            return None;
        }
        let (body_b64, sig_b64) = token.split_once('.')?;
        let body = URL_SAFE_NO_PAD.decode(body_b64).ok()?;
        let sig = URL_SAFE_NO_PAD.decode(sig_b64).ok()?;
        let expected = self.mac(purpose, &body);
        use subtle::ConstantTimeEq;
        if expected.is_empty() || expected.ct_eq(&sig).unwrap_u8() != 1 {
            return None;
        }
        let env: Envelope<T> = serde_json::from_slice(&body).ok()?;
        if env.p != purpose || env.exp < now.timestamp() {
            return None;
        }
        Some(env.d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_tokens_are_32_random_bytes() {
        let a = SessionToken::generate();
        let b = SessionToken::generate();
        assert_ne!(a.expose(), b.expose());
        assert!(is_well_formed_token(a.expose()));
        assert_eq!(a.hash().len(), 64);
        assert_eq!(a.hash(), token_hash(a.expose()));
        assert!(!is_well_formed_token(&a.hash()));
        assert!(SessionToken::parse(&SecretString::from(a.hash())).is_none());
        assert!(SessionToken::parse(&SecretString::from(a.expose().to_string())).is_some());
        assert!(!format!("{a:?}").contains(a.expose()));
    }

    #[test]
    fn signed_links_check_signature_purpose_and_expiry() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        let now = Utc::now();
        let t = s.sign(
            "verify",
            &("u1", "a@example.com"),
            now + chrono::Duration::hours(1),
        );
        assert_eq!(
            s.verify::<(String, String)>("verify", &t, now),
            Some(("u1".into(), "a@example.com".into()))
        );
        assert!(s.verify::<(String, String)>("other", &t, now).is_none());
        assert!(s
            .verify::<(String, String)>("verify", &t, now + chrono::Duration::hours(2))
            .is_none());
        let mut tampered = t.expose_secret().to_string();
        let first = if tampered.starts_with('e') { "f" } else { "e" };
        tampered.replace_range(0..1, first);
        let tampered = SecretString::from(tampered);
        assert!(s
            .verify::<(String, String)>("verify", &tampered, now)
            .is_none());
        assert!(Signer::new(b"another key another key another!")
            .verify::<(String, String)>("verify", &t, now)
            .is_none());
    }
}
