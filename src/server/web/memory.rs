//! Keeping an idle server small: mimalloc hands freed memory back to the
//! system (see `src/main.rs` for the options set before `main`).

/// mimalloc's `mi_option_arena_eager_commit` (mimalloc.h; the same in v2 and v3).
pub const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// mimalloc's `mi_option_purge_delay` (mimalloc.h; the same in v2 and v3).
pub const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Start-up compresses the assets and computes a dummy argon2 hash; both
/// allocate tens of megabytes that are freed at once. Hands that memory
/// back to the operating system.
pub fn release_freed() {
    // SAFETY: mi_collect only returns free memory to the system; any thread may call it.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// Puts mimalloc's purge delay back to its default (10 ms) once start-up has
/// freed its buffers; `src/main.rs` sets it to 0 before `main`: with no
/// delay every argon2 hash faulted its 19 MiB in again and the hash rate halved.
pub fn restore_purge_delay() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain option value.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) };
    }
}
