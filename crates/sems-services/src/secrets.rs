//! Random secrets and password hashing.

use crate::{Result, ServiceError};
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| ServiceError::Internal(format!("no randomness from the OS: {e}")))?;
    Ok(buf)
}

/// A random token of `bytes` bytes, hex-encoded.
pub fn random_token(bytes: usize) -> Result<String> {
    Ok(sems_domain::util::hex(&random_bytes(bytes)?))
}

/// The gate every password hash and verification passes: they run on `threads` threads of
/// their own (each Argon2id run holds 19 MiB and a core for its length, and the allocator
/// keeps what a thread used, so few threads bound the memory), and at most `capacity` are
/// inside — running or waiting — so a flood of sign-ins waits its turn or is told to come
/// back, and neither memory nor the cores other requests need run out.
pub struct HashingGate {
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    inside: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    capacity: usize,
}

type Job = Box<dyn FnOnce() + Send>;

impl HashingGate {
    pub fn new(threads: usize, capacity: usize) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        let mut started = 0;
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("sems-hashing-{n}"))
                .spawn(move || loop {
                    // The lock is held only to take the next job, never while it runs.
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::warn!(error = %e, "could not start a password hashing thread"),
            }
        }
        Self {
            // Without a thread of its own, hashing falls back to the runtime's blocking pool.
            jobs: (started > 0).then_some(jobs),
            inside: Default::default(),
            capacity: capacity.max(threads.max(1)),
        }
    }

    /// The process's gate: one hashing thread per core, and 32 waiting per core.
    pub fn global() -> &'static HashingGate {
        static GATE: std::sync::OnceLock<HashingGate> = std::sync::OnceLock::new();
        GATE.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            HashingGate::new(cores, cores * 33)
        })
    }

    /// Runs `work` on a hashing thread, in turn; refused with `ServiceError::Busy` when the
    /// gate is full. A request dropped meanwhile leaves its work to finish, counted inside.
    #[tracing::instrument(skip_all)]
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        use std::sync::atomic::Ordering;
        if self.inside.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.inside.fetch_sub(1, Ordering::SeqCst);
            return Err(ServiceError::Busy {
                retry_after_seconds: 2,
            });
        }
        let inside = self.inside.clone();
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let out = work();
            // Out of the gate before the answer: whoever is answered finds the place free.
            inside.fetch_sub(1, Ordering::SeqCst);
            let _ = done.send(out);
        });
        let job = match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => None,
                Err(refused) => Some(refused.0),
            },
            None => Some(job),
        };
        if let Some(job) = job {
            tokio::task::spawn_blocking(job)
                .await
                .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))?;
        }
        result
            .await
            .map_err(|e| ServiceError::Internal(format!("hashing thread: {e}")))
    }
}

/// Hashes a password with Argon2id (the crate's defaults follow OWASP's parameters), through
/// the hashing gate, off the async runtime since it is deliberately slow.
#[tracing::instrument(skip_all)]
pub async fn hash_password(password: String) -> Result<String> {
    let salt_bytes = random_bytes(16)?;
    HashingGate::global()
        .run(move || {
            let salt = SaltString::encode_b64(&salt_bytes)
                .map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))
        })
        .await?
}

/// A hash of a random password, verified against when the user name is unknown so that
/// unknown and known names take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"sems-dummy-salt!").ok();
        salt.and_then(|salt| {
            Argon2::default()
                .hash_password(b"no account has this password", &salt)
                .ok()
                .map(|h| h.to_string())
        })
        .unwrap_or_default()
    })
}

/// Checks a password against a stored hash (or against a dummy when `hash` is `None`).
#[tracing::instrument(skip_all)]
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool> {
    HashingGate::global()
        .run(move || {
            let stored = hash.as_deref().unwrap_or_else(|| dummy_hash());
            verify_in_reused_memory(password.as_bytes(), stored) && hash.is_some()
        })
        .await
}

/// Most Argon2id memory a hashing thread keeps for the next run (256 MiB): a stored hash
/// asking for more is verified with memory of its own, given back at once.
const KEPT_BLOCKS: usize = 256 * 1024;

/// Verifies `password` against a PHC string as Argon2's `verify_password` does, in the
/// thread's own Argon2 memory, kept from one run to the next: allocating 19 MiB per sign-in
/// fragments the allocator's heap, and a flood of a thousand sign-ins then held 400–750 MB.
fn verify_in_reused_memory(password: &[u8], stored: &str) -> bool {
    use argon2::{Algorithm, Block, Params, Version};
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(params), Ok(algorithm), Some(expected), Some(salt)) = (
        Params::try_from(&parsed),
        Algorithm::try_from(parsed.algorithm),
        parsed.hash,
        parsed.salt,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let computed = if blocks > KEPT_BLOCKS {
        argon
            .hash_password_into_with_memory(
                password,
                salt,
                &mut out,
                vec![Block::default(); blocks],
            )
            .is_ok()
    } else {
        MEMORY.with(|memory| {
            let mut memory = memory.borrow_mut();
            if memory.len() < blocks {
                memory.resize(blocks, Block::default());
            }
            argon
                .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..blocks])
                .is_ok()
        })
    };
    computed && sems_domain::util::constant_time_eq(&out, expected.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_in_reused_memory_as_argon2_verifies_it() {
        use argon2::password_hash::PasswordVerifier;
        let stored = hash_password("correct horse".into()).await.unwrap();
        for (password, right) in [
            ("correct horse", true),
            ("correct horsf", false),
            ("", false),
        ] {
            let parsed = PasswordHash::new(&stored).unwrap();
            let by_the_crate = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            assert_eq!(by_the_crate, right);
            // Twice: the second run reuses the first's memory.
            for _ in 0..2 {
                assert_eq!(verify_in_reused_memory(password.as_bytes(), &stored), right);
            }
            assert_eq!(
                verify_password(password.into(), Some(stored.clone()))
                    .await
                    .unwrap(),
                right
            );
        }
        assert!(
            !verify_password("correct horse".into(), None).await.unwrap(),
            "no account"
        );
        assert!(!verify_in_reused_memory(b"x", "not a hash"));
    }
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn the_gate_runs_one_per_thread_and_turns_away_what_does_not_fit() {
        let gate = Arc::new(HashingGate::new(1, 3));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let work = || {
            let (running, most) = (running.clone(), most.clone());
            move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
            }
        };
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..6 {
            let (gate, work) = (gate.clone(), work());
            tasks.spawn(async move { gate.run(work).await });
        }
        let mut results = Vec::new();
        while let Some(done) = tasks.join_next().await {
            results.push(done.expect("the task ran"));
        }
        let busy = results
            .iter()
            .filter(|r| matches!(r, Err(ServiceError::Busy { .. })))
            .count();
        assert_eq!(busy, 3, "three fit: one running, two waiting");
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
        assert_eq!(most.load(Ordering::SeqCst), 1, "one at a time");
        // Once they have left, the gate lets the next in.
        assert!(gate.run(work()).await.is_ok());
        assert_eq!(gate.inside.load(Ordering::SeqCst), 0);
    }
}
