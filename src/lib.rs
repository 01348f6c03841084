//! Starts and stops tagged EC2 instances, RDS instances and Aurora clusters
//! on schedules kept in DynamoDB, in dependency order, and tells a chat
//! topic what it did.
//!
//! One pass, as the Lambda runs it every five minutes:
//!
//! 1. scan the Schedule, ScheduleServerGroup and ScheduleException tables
//!    and parse them into a [`model::Config`] (bad items become errors that
//!    disable only their own schedule);
//! 2. describe the tagged fleet ([`fleet::Instance`]), one paginated call per
//!    kind, again at each round of a pass;
//! 3. read each schedule's [`state::ScheduleState`];
//! 4. [`plan::plan`] decides, purely, which events fell since the last pass,
//!    which wave of groups may start or stop now, and which warnings and
//!    errors are due;
//! 5. [`pass`] claims the new state with a conditional write, announces
//!    and sends the batched commands, and keeps polling and re-planning the
//!    waves until they finish or the time budget runs out;
//! 6. [`notify`] posts the messages to the webhook.
//!
//! Module map, from the items down to the front ends: `model` (items ->
//! types, errors naming table, key and attribute), `time` (local days,
//! events, DST), `graph` (waves, cycles), `fleet` and `state` (what is
//! observed and remembered), `plan` (the pure core), `message` (what the
//! chat is told), `ports` (the traits the shell talks through), `aws` and
//! `memory` (their adapters), `notify` (chat payloads and the sender),
//! `exceptions` (the items users and the bot write), `import` (AWS Instance
//! Scheduler's configuration as Schedule items), `pass` (the shell),
//! `env` (configuration from the environment), `wiring` (the production
//! adapters), and the front ends `lambda`, `bot` and `cli`.

pub mod aws;
pub mod bot;
pub mod calendar;
pub mod cli;
pub mod env;
pub mod exceptions;
pub mod feeds;
pub mod fleet;
pub mod graph;
pub mod i18n;
pub mod import;
pub mod lambda;
pub mod links;
pub mod memory;
pub mod message;
pub mod model;
pub mod notify;
pub mod page;
pub mod pass;
pub mod plan;
pub mod ports;
pub mod pricing;
pub mod signals;
pub mod state;
pub mod target;
#[doc(hidden)]
pub mod testing;
pub mod time;
pub mod usage;
pub mod week;
pub mod wiring;
