//! The small traits the pass talks through, so the same pass runs against
//! AWS ([`crate::aws`]) and plain HTTP ([`crate::http`]) and against
//! in-memory fakes ([`crate::memory`]).
//!
//! The tables, the fleet and the chat are type parameters of a pass. The
//! three it calls a few times a day (holiday feeds, events, prices) are
//! boxed, so a pass keeps four parameters; their futures are boxed too.

use std::future::Future;

use futures::future::BoxFuture;
use serde::Serialize;

use chrono::{DateTime, Utc};

use crate::calendar::CalendarCache;
use crate::fleet::{Instance, Size};
use crate::message::Message;
use crate::model::{Direction, InstanceKind, Item, RawConfig};
use crate::plan::{Answer, Orders, WantedCheck};
use crate::state::{ScheduleState, Stored};
use crate::target::Target;
use crate::usage::{CachedPrice, Observation, Product};

/// A failed call through a port: which operation, the error code (AWS's
/// own, or one an adapter gives, like `DispatchFailure`), and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed: {code}: {message}")]
pub struct CallError {
    pub operation: String,
    pub code: String,
    pub message: String,
}

/// Failures a later pass may cure: capacity, throttling past the SDK's own
/// retries, the service or the network down, an instance caught between
/// states, a KMS grant not there yet. Any other code is permanent for
/// that instance (access denied, unknown id, unsupported): reported at
/// once, never retried. Codes not listed here count as retryable, so an
/// unknown failure is tried again before anyone is told.
const PERMANENT: &[&str] = &[
    "UnauthorizedOperation",
    "AccessDenied",
    "AccessDeniedException",
    "AuthFailure",
    "InvalidInstanceID.NotFound",
    "InvalidInstanceID.Malformed",
    "InvalidInstanceId",
    "UnsupportedOperation",
    "InvalidParameterValue",
    "InvalidParameterCombination",
    "OperationNotPermitted",
    "DBInstanceNotFound",
    "DBInstanceNotFoundFault",
    "DBClusterNotFoundFault",
    "InvalidInstanceType",
    // Auto Scaling's for a group it does not know or a size it refuses.
    "ValidationError",
    // A scaled server with no size to start at (see `pass::act`).
    "NoSizeKnown",
    "InvalidScheduleSize",
];

/// Codes that name one instance of a batch (so bisecting finds it); any
/// other failure of a batch is systemic (throttling, 5xx, credentials)
/// and fails the batch once, without a call per instance.
const ONE_INSTANCE: &[&str] = &[
    "InvalidInstanceID.NotFound",
    "InvalidInstanceID.Malformed",
    "IncorrectInstanceState",
    "IncorrectState",
    "UnsupportedOperation",
    "InsufficientInstanceCapacity",
    "UnauthorizedOperation",
    "InvalidParameterValue",
];

impl CallError {
    /// Whether a later pass should try again (see [`PERMANENT`]).
    pub fn retryable(&self) -> bool {
        !PERMANENT.contains(&self.code.as_str())
    }

    /// Whether the code blames one instance of a batched call.
    pub fn names_one_instance(&self) -> bool {
        ONE_INSTANCE.contains(&self.code.as_str()) || self.code.starts_with("KMS")
    }

    pub fn new(
        operation: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            operation: operation.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The configuration tables.
pub trait ConfigStore: Sync {
    /// Every item of the three tables (paginated scans).
    fn load(&self) -> impl Future<Output = Result<RawConfig, CallError>> + Send;
    /// Sets the schedule's ForceStart back to false, touching nothing else.
    fn reset_force_start(
        &self,
        schedule: &str,
    ) -> impl Future<Output = Result<(), CallError>> + Send;
}

/// One conditional state write of [`ScheduleStates::save_all`].
#[derive(Debug, Clone, Copy)]
pub struct StateWrite<'a> {
    pub schedule: &'a str,
    pub state: &'a ScheduleState,
    /// The version it was read at (0: no item).
    pub expected: u64,
}

/// Result of a conditional state write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Written; the new version.
    Written(u64),
    /// Another pass wrote first: this pass must not act for the schedule.
    Conflict,
}

/// The scheduler's own memory, by concern; what the pass and the front
/// ends ask for (a deployment keeps all three in the state and usage
/// tables).
pub trait StateStore: ScheduleStates + KeptCopies + UsageHistory {}

impl<T: ScheduleStates + KeptCopies + UsageHistory> StateStore for T {}

/// What each schedule remembers between passes, written with a version
/// (the claims); and everything the state table holds, read in one go.
pub trait ScheduleStates: Sync {
    /// Every schedule's state and every calendar's copy (one scan).
    fn load(&self) -> impl Future<Output = Result<Stored, CallError>> + Send;
    /// Writes `state` only if the stored version is still `expected`.
    fn save(
        &self,
        schedule: &str,
        state: &ScheduleState,
        expected: u64,
    ) -> impl Future<Output = Result<Saved, CallError>> + Send;
    /// Writes several states, each only if its stored version is still the
    /// one given and whatever becomes of the others; one result per write,
    /// in order. A store that can should do it in few calls: a pass claims
    /// every schedule it moves in each round.
    fn save_all(
        &self,
        writes: &[StateWrite<'_>],
    ) -> impl Future<Output = Vec<Result<Saved, CallError>>> + Send {
        async move {
            let mut out = Vec::with_capacity(writes.len());
            for w in writes {
                out.push(self.save(w.schedule, w.state, w.expected).await);
            }
            out
        }
    }
    /// The states of `schedules` that other targets of a hub keep, each in
    /// its own partition (strongly consistent): what a hub's ForceStart
    /// and the bot's `status` read across targets. A pair without a state
    /// is absent.
    fn states_in(
        &self,
        schedules: &[String],
        targets: &[Target],
    ) -> impl Future<Output = Result<Vec<TargetState>, CallError>> + Send;
}

/// The copies every pass shares: holiday feeds and looked-up prices.
pub trait KeptCopies: Sync {
    /// Keeps a calendar's copy (unconditionally: the last fetch wins).
    fn save_calendar(
        &self,
        cache: &CalendarCache,
    ) -> impl Future<Output = Result<(), CallError>> + Send;
    /// Keeps a looked-up price (the last lookup wins).
    fn save_price(&self, price: &CachedPrice)
        -> impl Future<Output = Result<(), CallError>> + Send;
}

/// The servers' observed transitions, and the weekly report's claim.
pub trait UsageHistory: Sync {
    /// Adds servers' observed transitions to the usage history.
    fn record_usage(
        &self,
        observed: &[Observation],
    ) -> impl Future<Output = Result<(), CallError>> + Send;
    /// What sums from `since` on need: the observations from `since`, and
    /// each server's last one before it (its state when the period began).
    /// Read page by page: memory follows the servers, not the history.
    fn usage(
        &self,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<Observation>, CallError>> + Send;
    /// What sums from `since` need, read from the days `since` to `now`
    /// only: `None` when the carry of `since` (written by the report of the
    /// week before) is missing, and [`UsageHistory::usage`] must scan.
    fn week_usage(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<Vec<Observation>>, CallError>> + Send;
    /// Keeps `carried` (each server's last observation before `at`, from
    /// [`crate::usage::carried`]) so that sums from `at` read only the days
    /// from `at` on.
    fn carry_usage(
        &self,
        at: DateTime<Utc>,
        carried: &[Observation],
    ) -> impl Future<Output = Result<(), CallError>> + Send;
    /// Claims the weekly report of `monday` for the whole deployment (every
    /// target of a hub): true for the one pass that may post it.
    fn claim_report(
        &self,
        monday: chrono::NaiveDate,
    ) -> impl Future<Output = Result<bool, CallError>> + Send;
}

/// One schedule's state in one target of a hub.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetState {
    pub target: Target,
    pub schedule: String,
    pub state: ScheduleState,
}

/// The servers.
pub trait Fleet: Sync {
    /// Every instance, DB instance and DB cluster carrying the schedule
    /// tag, and the servers of the `scaled` kinds (only those a schedule
    /// uses, so a fleet without them pays no call for them). EC2 members
    /// of a described Auto Scaling group are left out.
    /// A scaled kind that cannot be described is listed apart, so only the
    /// schedules that use it wait.
    fn describe(
        &self,
        scaled: &[InstanceKind],
    ) -> impl Future<Output = Result<Described, CallError>> + Send;
    /// Starts or stops `ids` (all of `kind`) in as few calls as the API
    /// allows; returns each instance that failed with its error, isolated
    /// from the others.
    fn command(
        &self,
        direction: Direction,
        kind: InstanceKind,
        ids: &[String],
    ) -> impl Future<Output = Vec<(String, CallError)>> + Send;

    /// Sets the sizes of scaled servers (all of `kind`); returns each that
    /// failed with its error.
    fn resize(
        &self,
        kind: InstanceKind,
        sizes: &[(String, Size)],
    ) -> impl Future<Output = Vec<(String, CallError)>> + Send;

    /// Sets `set` and removes `remove` tags on `targets` (all of `kind`;
    /// RDS, Aurora, ECS and EKS need each one's ARN). A failure is logged,
    /// never fatal.
    fn tag(
        &self,
        kind: InstanceKind,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) -> impl Future<Output = ()> + Send;
}

/// What a describe found: the servers, and the scaled kinds that could not
/// be described, with the failure (`operation: code`).
#[derive(Debug, Clone, Default)]
pub struct Described {
    pub servers: Vec<Instance>,
    pub unavailable: Vec<(InstanceKind, String)>,
}

/// A server to tag: its id, and its ARN where the API wants that (RDS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub id: String,
    pub arn: Option<String>,
}

/// The chat topic. Sending never fails the pass: an implementation logs
/// its own failures.
pub trait Notifier: Sync {
    fn send(&self, message: &Message) -> impl Future<Output = ()> + Send;
}

/// Result of writing an exception item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Written,
    /// An item with that id already held that ExceptionValue: nothing
    /// changed (a retried request, a button pressed twice).
    Unchanged,
}

/// The writes a user would otherwise make by hand: whole exception items
/// and the ForceStart flag (the CLI and the chat bot).
pub trait ScheduleEditor: Sync {
    fn exceptions(&self) -> impl Future<Output = Result<Vec<Item>, CallError>> + Send;
    /// One conditional write: the item, unless an item with its
    /// ExceptionUuid already has its ExceptionValue.
    fn put_exception(&self, item: Item) -> impl Future<Output = Result<Put, CallError>> + Send;
    /// `false` when there was no exception with that id.
    fn delete_exception(&self, id: &str) -> impl Future<Output = Result<bool, CallError>> + Send;
    /// Fails with code `ConditionalCheckFailedException` for an unknown schedule.
    fn set_force_start(
        &self,
        schedule: &str,
        value: bool,
    ) -> impl Future<Output = Result<(), CallError>> + Send;
}

/// What `schedctl import` reads and writes: another tool's table whole,
/// and Schedule items only where no one else's item stands.
pub trait ScheduleImport: Sync {
    /// Every item of `table` (a paginated scan).
    fn scan_table(&self, table: &str) -> impl Future<Output = Result<Vec<Item>, CallError>> + Send;
    /// Every item of the Schedule table.
    fn schedule_items(&self) -> impl Future<Output = Result<Vec<Item>, CallError>> + Send;
    /// Writes `item` on condition that no item of its ScheduleName exists
    /// (`fresh`) or that the one there carries the import's mark; `false`
    /// when the condition failed (someone wrote one since it was read).
    fn put_imported(
        &self,
        item: Item,
        fresh: bool,
    ) -> impl Future<Output = Result<bool, CallError>> + Send;
}

/// Asks the scheduler for a pass now (the bot's `start` and `stop`): only
/// the scheduler starts and stops servers.
pub trait PassTrigger: Sync {
    /// A pass at `now` that carries out `orders`; returns once it is asked
    /// for, not once it is done.
    fn trigger(
        &self,
        orders: &Orders,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), CallError>> + Send;
}

/// What a holiday feed's fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the copy is current.
    NotModified,
    Fresh {
        body: String,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// Holiday calendars, fetched by URL.
pub trait FeedSource: Send + Sync {
    /// GETs `url`, conditional on what `cache` saw last.
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        cache: &'a CalendarCache,
    ) -> BoxFuture<'a, Result<Fetched, CallError>>;
}

/// One scheduling event's detail, as other tools receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchedulingEvent {
    pub schedule: String,
    /// `start`, `stop`, `failure` or `configuration-error`.
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<String>,
    /// Why: `schedule`, `force-start`, `enforced`, `ordered`, or the error.
    pub cause: String,
    /// A hub's target the servers are in (`ROLE_ARN@REGION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// Where scheduling events go (`EMIT_EVENTS`). Emitting never fails the
/// pass: an implementation logs its own failures.
pub trait EventSink: Send + Sync {
    fn emit(&self, events: Vec<SchedulingEvent>) -> BoxFuture<'_, ()>;
}

/// Why a product has no price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpriced {
    /// Nothing to look up (its type is unknown, its price depends on a
    /// licence, the source has no such product): nothing to keep either.
    NotLookedUp(String),
    /// The price list has no such product: worth keeping.
    NotListed(String),
    /// The lookup failed (throttled, denied, unreachable): not kept, so
    /// the next report tries again.
    Unavailable(String),
}

impl std::fmt::Display for Unpriced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unpriced::NotLookedUp(why) | Unpriced::NotListed(why) | Unpriced::Unavailable(why) => {
                f.write_str(why)
            }
        }
    }
}

/// On-demand hourly prices in USD, one product at a time.
pub trait PriceSource: Send + Sync {
    fn price<'a>(&'a self, product: &'a Product) -> BoxFuture<'a, Result<f64, Unpriced>>;
}

/// Runs a group's readiness check: the EC2 status checks, its instances'
/// health in a target group, or a URL. An answer, never an error: a check
/// that cannot run says why and is not ready.
pub trait ReadyProbe: Send + Sync {
    fn check<'a>(&'a self, check: &'a WantedCheck) -> BoxFuture<'a, Answer>;
}
