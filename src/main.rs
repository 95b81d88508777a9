//! The `vestibule` binary: parse the command line and hand over to the server.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    vestibule::server::cli::main()
}

#[cfg(not(feature = "ssr"))]
fn main() {}
