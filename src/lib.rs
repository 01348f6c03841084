//! Starts and stops tagged EC2 instances, RDS instances, Aurora clusters,
//! Auto Scaling groups, ECS services and EKS node groups on schedules kept
//! in DynamoDB, in dependency order, and tells a chat topic what it did.
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
//! Module map, by layer: each module imports only from the layers below
//! it (no circles; `farm-studio look` checks).
//!
//! - values: `message` (what the chat is told), `i18n` (its words),
//!   `links` (signed page links), `target` (a hub's account-regions),
//!   `graph` (waves, cycles), `model` (items -> types, errors naming table,
//!   key and attribute; holidays as days);
//! - reasoning on values: `time` (local days, events, DST), `week` (the
//!   week as a value), `fleet` (the servers as described), `calendar`
//!   (feeds parsed, their kept copies), `usage` (observations, sums,
//!   prices as values), `state` (what a schedule remembers), `import` (AWS
//!   Instance Scheduler's configuration as Schedule items);
//! - the pure core: `plan`;
//! - the traits the shell talks through: `ports`;
//! - every chat sentence: `say` (it names a port's failed call);
//! - adapters and services over them: `aws` (DynamoDB, EC2, RDS, Auto
//!   Scaling, ECS, EKS, EventBridge, the Price List, the Lambda trigger),
//!   `http` (holiday feeds), `notify` (chat payloads, the sender),
//!   `exceptions` (the items users and the bot write);
//! - the shell: `pass` (one pass, and the one read path), `memory` (the
//!   in-memory ports), `page` (the week as HTML and text);
//! - wiring and front ends: `bot` (chat commands), `env` (configuration
//!   from the environment), `wiring` (the production adapters), `lambda`
//!   and `cli`; `testing` holds the tests' builders.

pub mod aws;
pub mod bot;
pub mod calendar;
pub mod cli;
pub mod env;
pub mod exceptions;
pub mod fleet;
pub mod graph;
pub mod http;
pub mod i18n;
pub mod import;
pub mod lambda;
pub mod links;
pub mod logs;
pub mod memory;
pub mod message;
pub mod model;
pub mod notify;
pub mod page;
pub mod pass;
pub mod plan;
pub mod ports;
pub mod say;
pub mod state;
pub mod target;
#[doc(hidden)]
pub mod testing;
pub mod time;
pub mod usage;
pub mod week;
pub mod wiring;
