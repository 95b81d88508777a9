//! Password hashing (argon2id, m=19456 KiB, t=2, p=1) with a cap on how many
//! hashes run at once (S12), a dummy verify for unknown accounts (S9), and
//! the strength rules of S4.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

pub const M_COST: u32 = 19456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn hasher() -> Result<Argon2<'static>, argon2::Error> {
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(M_COST, T_COST, P_COST, None)?,
    ))
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("hashing task failed")]
    Join,
}

/// Result of checking a password against a stored hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, but the hash was made with other parameters: store a new one (S7).
    YesRehash,
}

/// A job for the hashing threads.
enum Job {
    Hash(
        SecretString,
        tokio::sync::oneshot::Sender<Result<String, HashError>>,
    ),
    Verify(
        SecretString,
        String,
        bool,
        tokio::sync::oneshot::Sender<Verified>,
    ),
}

/// Password hashing on a fixed set of threads, one per permitted concurrent
/// hash (S12). Each thread keeps reusing its own 19 MiB work area, so a burst
/// of sign-ins waits in the queue instead of growing memory, and no thread
/// pays for fresh pages on every hash.
#[derive(Clone)]
pub struct Passwords {
    jobs: std::sync::mpsc::SyncSender<Job>,
    dummy: Arc<String>,
}

impl Passwords {
    pub fn new(concurrency: usize) -> Result<Self, HashError> {
        let dummy = hash_now("not a real password, only for timing")?;
        let threads = concurrency.max(1);
        // The queue holds waiting requests; memory per waiting job is tiny.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(4096);
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    let mut work = WorkArea::default();
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => match guard.recv() {
                                Ok(job) => job,
                                Err(_) => return,
                            },
                            Err(_) => return,
                        };
                        match job {
                            Job::Hash(pw, reply) => {
                                let _ = reply.send(hash_now(pw.expose_secret()));
                            }
                            Job::Verify(pw, hash, real, reply) => {
                                let ok = work.verify(pw.expose_secret(), &hash);
                                let v = match (ok, real) {
                                    (true, true) if needs_rehash(&hash) => Verified::YesRehash,
                                    (true, true) => Verified::Yes,
                                    _ => Verified::No,
                                };
                                let _ = reply.send(v);
                            }
                        }
                    }
                })
                .map_err(|e| HashError::Hash(e.to_string()))?;
        }
        Ok(Self {
            jobs: tx,
            dummy: Arc::new(dummy),
        })
    }

    async fn submit<T>(
        &self,
        job: impl FnOnce(tokio::sync::oneshot::Sender<T>) -> Job,
    ) -> Result<T, HashError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let jobs = self.jobs.clone();
        let job = job(reply);
        match jobs.try_send(job) {
            Ok(()) => {}
            // A full queue blocks the sender; wait for room off the async threads.
            Err(std::sync::mpsc::TrySendError::Full(job)) => {
                tokio::task::spawn_blocking(move || jobs.send(job))
                    .await
                    .map_err(|_| HashError::Join)?
                    .map_err(|_| HashError::Join)?;
            }
            Err(std::sync::mpsc::TrySendError::Disconnected(_)) => return Err(HashError::Join),
        }
        answer.await.map_err(|_| HashError::Join)
    }

    pub async fn hash(&self, password: &SecretString) -> Result<String, HashError> {
        let pw = password.clone();
        self.submit(|reply| Job::Hash(pw, reply)).await?
    }

    /// Verifies `password` against `stored`, or against a dummy hash when
    /// there is no account, so both take the same time.
    pub async fn verify(
        &self,
        password: &SecretString,
        stored: Option<&str>,
    ) -> Result<Verified, HashError> {
        let pw = password.clone();
        let (hash, real) = match stored {
            Some(h) => (h.to_string(), true),
            None => (self.dummy.as_ref().clone(), false),
        };
        self.submit(|reply| Job::Verify(pw, hash, real, reply))
            .await
    }
}

fn hash_now(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let h = hasher().map_err(|e| HashError::Hash(e.to_string()))?;
    h.hash_password(password.as_bytes(), &salt)
        .map(|p| p.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// One hashing thread's argon2 memory, kept between verifications: the
/// crate's own `verify_password` allocates and zeroes 19 MiB every time, which
/// argon2 then overwrites in full anyway. Same result, same constant-time
/// comparison; the area grows only for a hash with more memory than today's.
#[derive(Default)]
pub struct WorkArea {
    blocks: Vec<argon2::Block>,
}

impl WorkArea {
    pub fn verify(&mut self, password: &str, stored: &str) -> bool {
        use subtle::ConstantTimeEq;
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from) {
            None => Version::V0x13,
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
            return false;
        };
        let need = params.block_count();
        if self.blocks.len() < need {
            self.blocks.resize(need, argon2::Block::default());
        }
        let mut out = vec![0u8; expected.len()];
        let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut out,
            &mut self.blocks[..need],
        );
        hashed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
    }
}

#[cfg(test)]
fn verify_now(password: &str, stored: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    // Verify with the parameters the hash itself names (older hashes too).
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// True when `stored` is not argon2id v19 with today's parameters.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(19) {
        return true;
    }
    let get = |k: &str| parsed.params.get_decimal(k);
    get("m") != Some(M_COST) || get("t") != Some(T_COST) || get("p") != Some(P_COST)
}

/// Hashes with chosen parameters: only for tests of S7.
pub fn hash_with_params(password: &str, m: u32, t: u32, p: u32) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::new(m, t, p, None).map_err(|e| HashError::Hash(e.to_string()))?;
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|p| p.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// Refuses common passwords and ones built from the username or email (S4).
/// Length is checked before this (S1–S3).
pub fn strength_problem(password: &str, username: &str, email: &str) -> Option<String> {
    let lower = password.to_lowercase();
    let compact: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    let user = username.to_lowercase();
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    for ident in [user.as_str(), local.as_str()] {
        if ident.chars().count() >= 3 {
            let ident_compact: String = ident.chars().filter(|c| c.is_alphanumeric()).collect();
            let rest = compact.replace(&ident_compact, "");
            if !ident_compact.is_empty()
                && compact.contains(&ident_compact)
                && rest.chars().count() < 6
            {
                return Some("This password is too similar to your username or email.".into());
            }
        }
    }
    let inputs: Vec<&str> = vec![username, email, local.as_str()];
    let score = zxcvbn::zxcvbn(password, &inputs).score();
    if (score as u8) < 2 {
        return Some(
            "This password is too common or easy to guess. Try a longer phrase of unrelated words."
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_has_the_required_parameters() {
        let h = hash_now("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(!needs_rehash(&h));
        assert!(verify_now("correct horse battery staple", &h));
        assert!(!verify_now("correct horse battery stapl", &h));
        // The reusing verifier agrees, also on other parameters and garbage.
        let mut w = WorkArea::default();
        assert!(w.verify("correct horse battery staple", &h));
        assert!(!w.verify("correct horse battery stapl", &h));
        let old = hash_with_params("correct horse battery staple", 4096, 1, 1).unwrap();
        assert!(w.verify("correct horse battery staple", &old));
        assert!(!w.verify("correct horse battery staplE", &old));
        assert!(
            w.verify("correct horse battery staple", &h),
            "after a smaller hash"
        );
        assert!(!w.verify("x", "not a hash"));
        assert!(!w.verify("x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$"));
    }

    #[test]
    fn weaker_hashes_need_rehash() {
        let h = hash_with_params("pw-for-test-only", 4096, 1, 1).unwrap();
        assert!(needs_rehash(&h));
        assert!(verify_now("pw-for-test-only", &h));
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for pw in ["password1", "12345678", "qwertyuiop", "iloveyou1"] {
            assert!(
                strength_problem(pw, "someone", "someone@example.com").is_some(),
                "{pw}"
            );
        }
        assert!(strength_problem("alice2024", "alice", "a@example.com").is_some());
        assert!(strength_problem("alicealice!", "alice", "a@example.com").is_some());
        assert!(strength_problem("bobsmith99", "x_user", "bobsmith@example.com").is_some());
        assert!(strength_problem("violet-ocean-lantern-42", "alice", "a@example.com").is_none());
    }
}
