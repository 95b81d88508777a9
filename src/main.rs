//! The `vestibule` binary: parse the command line and hand over to the server.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// mimalloc hands the 19 MiB work areas of argon2 back to the system instead
/// of letting them pile up in fragmented arenas (measured: glibc grew to
/// 650 MB under 100 concurrent sign-ins).
#[cfg(feature = "ssr")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Commit arena memory only when it is used, and return freed memory at once
/// while the server starts: start-up compresses the assets and computes a
/// dummy hash, which left 38–46 MB resident with mimalloc's defaults and
/// about 26 MB with this. mimalloc reserves its first arena before `main`
/// runs, so this is a constructor that runs before mimalloc's own
/// (`.init_array` priority 100; mimalloc's has the default priority). Once
/// started, the server puts the purge delay back to mimalloc's default
/// (`server::web::memory`): with no delay every argon2 hash faulted its 19 MiB in
/// again and the hash rate halved. Option numbers: `server::web::memory`; `MIMALLOC_*` environment variables still override.
#[cfg(all(feature = "ssr", target_os = "linux"))]
#[used]
#[link_section = ".init_array.00100"]
static TUNE_ALLOCATOR: extern "C" fn() = {
    extern "C" fn tune() {
        for (option, env, value) in [
            (
                vestibule::server::web::memory::ARENA_EAGER_COMMIT,
                c"MIMALLOC_ARENA_EAGER_COMMIT",
                0,
            ),
            (
                vestibule::server::web::memory::PURGE_DELAY,
                c"MIMALLOC_PURGE_DELAY",
                0,
            ),
        ] {
            // SAFETY: runs single-threaded before main; getenv only reads the
            // environment and mi_option_set stores a plain value.
            unsafe {
                if libc::getenv(env.as_ptr()).is_null() {
                    libmimalloc_sys::mi_option_set(option, value);
                }
            }
        }
    }
    tune
};

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    vestibule::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {}
