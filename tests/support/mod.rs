//! What the integration tests share: items and instances ([`items`]) and
//! a real moto server with the scheduler wired to it ([`moto`]), the
//! Lambda binary under a local Runtime API ([`lambda`]).
#![allow(dead_code, unused_imports)]

pub mod items;
pub mod lambda;
pub mod moto;
pub mod scaled;
pub mod stack;
pub mod template;

pub use items::*;
pub use moto::{test_env, venv_bin, Moto, World, REGION};

/// A child process's standard output, once it is known to have succeeded
/// (else the test fails with its standard error).
pub fn succeeded(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}
