//! The week as something a person looks at: an HTML page with an inline
//! SVG timeline (the bot's `GET /plan`, `schedctl plan --html`) and a text
//! timeline for the terminal (`schedctl plan --week`). Both draw the same
//! [`WeekPage`], loaded read-only through the ports.

mod html;
mod text;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::plan::{self, Orders, Timing};
use crate::ports::{CallError, ConfigStore, Fleet, StateStore};
use crate::state::Logged;
use crate::time;
use crate::week::{self, Week};

pub use html::render as html;
pub use text::render as text;

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct WeekPage {
    pub generated: DateTime<Utc>,
    pub schedules: Vec<SchedulePage>,
}

#[derive(Debug, Clone)]
pub struct SchedulePage {
    pub week: Week,
    /// Groups wave by wave.
    pub waves: Vec<Vec<PageGroup>>,
    /// Today's starts and stops so far (local times).
    pub today: Vec<Logged>,
    pub zone: Tz,
    /// Servers held up against stops (`ScheduleKeepUntil`): name (id), and
    /// until when.
    pub held: Vec<(String, String)>,
}

/// A group as the page shows it.
#[derive(Debug, Clone)]
pub struct PageGroup {
    pub name: String,
    pub servers: usize,
    /// Its `ReadyCheck`, as shown.
    pub check: Option<String>,
}

/// Each wave's start duration: `db 10 min, api 3 min (default)`.
pub fn wave_minutes(lead: &crate::model::Lead) -> String {
    lead.waves
        .iter()
        .map(|w| {
            let minutes = w.seconds.div_ceil(60);
            let from = if w.learned { "" } else { " (default)" };
            format!("{} {minutes} min{from}", w.groups.join("+"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the configuration (with holidays), the fleet and the state, and
/// builds the page of every schedule, or of `only`.
pub async fn load<C: ConfigStore, S: StateStore, F: Fleet>(
    config: &C,
    state: &S,
    fleet: &F,
    zone: Tz,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<WeekPage, CallError> {
    let (cfg, stored) = crate::pass::read(config, state, zone, now, None).await?;
    let described = fleet.describe(&cfg.scaled_kinds()).await?;
    let mut cfg = cfg;
    cfg.without_kinds(&described.unavailable);
    let instances = described.servers;
    let timing = Timing::default();
    let mut plan = plan::plan(
        now,
        &cfg,
        &instances,
        &BTreeMap::new(),
        &timing,
        &Orders::default(),
        &plan::Round::default(),
    );
    plan::show(&mut plan, &cfg, &instances, &timing);
    let schedules = cfg
        .schedules
        .values()
        .filter(|c| only.is_none_or(|o| o == c.schedule.name))
        .map(|c| {
            let tz = c.schedule.time_zone;
            let today = time::local_date(tz, now);
            let planned = plan
                .schedules
                .iter()
                .find(|s| s.schedule == c.schedule.name)
                .map(|s| s.waves.as_slice())
                .unwrap_or_default();
            let waves = planned
                .iter()
                .map(|w| {
                    w.groups
                        .iter()
                        .map(|g| PageGroup {
                            name: g.group.clone(),
                            servers: g.instances.len(),
                            check: c
                                .group(&g.group)
                                .and_then(|(_, sg)| sg.ready.as_ref())
                                .map(|r| r.check.text()),
                        })
                        .collect()
                })
                .collect();
            let held = held(planned);
            let log = stored
                .schedules
                .get(&c.schedule.name)
                .map(|v| v.state.log.clone())
                .unwrap_or_default();
            SchedulePage {
                week: week::week(c, today),
                waves,
                today: log
                    .into_iter()
                    .filter(|l| time::local_date(tz, l.at) == today)
                    .collect(),
                zone: tz,
                held,
            }
        })
        .collect();
    Ok(WeekPage {
        generated: now,
        schedules,
    })
}

/// The held servers of a schedule's waves: name (id), and until when.
fn held(waves: &[crate::plan::Wave]) -> Vec<(String, String)> {
    waves
        .iter()
        .flat_map(|w| &w.groups)
        .flat_map(|g| &g.instances)
        .filter_map(|s| {
            let until = s.held_until.clone()?;
            Some((format!("{} ({})", s.name, s.id), until))
        })
        .collect()
}
