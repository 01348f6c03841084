//! Adapters over plain HTTP(S): the holiday feeds, and a ReadyCheck's URL.
//! (The chat webhook's sender lives with the chat formats in
//! `crate::notify`.)

pub mod feeds;
pub mod ready;

pub use feeds::Feeds;
