//! What the integration tests share: items and instances ([`items`]) and
//! a real moto server with the scheduler wired to it ([`moto`]).
#![allow(dead_code, unused_imports)]

pub mod items;
pub mod moto;

pub use items::*;
pub use moto::{test_env, venv_bin, Moto, World, REGION};
