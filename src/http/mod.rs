//! Adapters over plain HTTP(S): the holiday feeds. (The chat webhook's
//! sender lives with the chat formats in `crate::notify`.)

pub mod feeds;

pub use feeds::Feeds;
