//! What the integration tests share: items and instances ([`items`]) and
//! a real moto server with the scheduler wired to it ([`moto`]), the
//! Lambda binary under a local Runtime API ([`lambda`]).
#![allow(dead_code, unused_imports)]

pub mod items;
pub mod lambda;
pub mod moto;
pub mod template;

pub use items::*;
pub use moto::{test_env, venv_bin, Moto, World, REGION};
