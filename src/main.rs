//! The `vestibule` binary: parse the command line and hand over to the server.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// mimalloc hands the 19 MiB work areas of argon2 back to the system instead
/// of letting them pile up in fragmented arenas (measured: glibc grew to
/// 650 MB under 100 concurrent sign-ins).
#[cfg(feature = "ssr")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    vestibule::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {}
