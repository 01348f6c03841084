//! `StartMode: ready-by`: how far ahead of its StartTime a schedule starts
//! so that its last wave is ready at that time. The lead is the sum of the
//! waves' start durations (command to ready, readiness check included):
//! each wave's is the longest of its groups' last observed starts, or a
//! default per kind before any was observed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{InstanceKind, ServerGroup};

/// One pass of the scheduler (EventBridge runs it every 5 minutes):
/// windows closer than this are one, and a lead is a whole number of them.
pub const TICK_MINUTES: i64 = 5;
/// The longest lead: a schedule never starts more than two hours early.
pub const MAX_LEAD_MINUTES: i64 = 120;
/// How many of a group's observed starts are remembered.
pub const LEARNED_STARTS: usize = 5;
/// Name of the one implicit group of a schedule that has no server groups
/// (its start durations are kept under it).
pub const ALL_GROUP: &str = "all";

/// When a schedule's start happens (`StartMode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StartMode {
    /// The first wave starts at StartTime.
    #[default]
    At,
    /// The last wave is ready at StartTime.
    ReadyBy,
}

impl StartMode {
    pub fn parse(text: &str) -> Result<StartMode, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "at" => Ok(StartMode::At),
            "ready-by" => Ok(StartMode::ReadyBy),
            _ => Err(format!("{text:?} is not at or ready-by")),
        }
    }
}

/// A start duration before any was observed, by kind (spec section 4a).
pub fn default_seconds(kind: InstanceKind) -> u32 {
    60 * match kind {
        InstanceKind::Ec2 | InstanceKind::Ecs => 3,
        InstanceKind::Rds | InstanceKind::Aurora => 10,
        InstanceKind::Asg => 5,
        InstanceKind::Eks => 8,
    }
}

/// How long a schedule without groups is expected to take: its servers
/// may be of any kind, so the longest common one (RDS).
const UNGROUPED_SECONDS: u32 = 600;

/// A ready-by schedule's lead, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lead {
    /// Minutes before the ready time that the first wave starts.
    pub minutes: i64,
    /// The waves in start order.
    pub waves: Vec<WaveLead>,
}

/// One wave's start duration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaveLead {
    pub groups: Vec<String>,
    pub seconds: u32,
    /// From observed starts (of at least one of its groups), not defaults.
    pub learned: bool,
}

impl Lead {
    /// The lead of `waves` (indexes into `groups`), given each group's
    /// observed start durations in seconds (`learned`, by group name).
    pub fn of(
        groups: &[ServerGroup],
        waves: &[Vec<usize>],
        learned: &BTreeMap<String, Vec<u32>>,
    ) -> Lead {
        let longest = |name: &str| learned.get(name).and_then(|s| s.iter().max().copied());
        let waves: Vec<WaveLead> = if groups.is_empty() {
            let seen = longest(ALL_GROUP);
            vec![WaveLead {
                groups: vec![ALL_GROUP.to_string()],
                seconds: seen.unwrap_or(UNGROUPED_SECONDS),
                learned: seen.is_some(),
            }]
        } else {
            waves
                .iter()
                .map(|wave| {
                    let mut lead = WaveLead {
                        groups: Vec::with_capacity(wave.len()),
                        seconds: 0,
                        learned: false,
                    };
                    for g in wave.iter().map(|g| &groups[*g]) {
                        let seen = longest(&g.name);
                        let seconds = seen.unwrap_or_else(|| default_seconds(g.kind));
                        lead.groups.push(g.name.clone());
                        lead.seconds = lead.seconds.max(seconds);
                        lead.learned |= seen.is_some();
                    }
                    lead
                })
                .collect()
        };
        let total: i64 = waves.iter().map(|w| i64::from(w.seconds)).sum();
        Lead {
            minutes: round_to_tick(total),
            waves,
        }
    }
}

/// Seconds rounded up to whole ticks, at most [`MAX_LEAD_MINUTES`].
fn round_to_tick(seconds: i64) -> i64 {
    let ticks = (seconds + TICK_MINUTES * 60 - 1) / (TICK_MINUTES * 60);
    (ticks * TICK_MINUTES).min(MAX_LEAD_MINUTES)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn group(name: &str, kind: InstanceKind) -> ServerGroup {
        ServerGroup {
            schedule: "dev".into(),
            name: name.into(),
            kind,
            dependency: Arc::from(Vec::new()),
            ready: None,
        }
    }

    fn fleet() -> (Vec<ServerGroup>, Vec<Vec<usize>>) {
        let groups = vec![
            group("api", InstanceKind::Ec2),
            group("db", InstanceKind::Rds),
            group("web", InstanceKind::Ecs),
            group("workers", InstanceKind::Asg),
        ];
        // db, then api, then web and workers.
        (groups, vec![vec![1], vec![0], vec![2, 3]])
    }

    #[test]
    fn defaults_per_kind_are_summed_and_rounded_up_to_the_tick() {
        let (groups, waves) = fleet();
        let lead = Lead::of(&groups, &waves, &BTreeMap::new());
        // RDS 10 + EC2 3 + the longer of ECS 3 and ASG 5: 18, rounded up to 20.
        assert_eq!(
            lead.waves.iter().map(|w| w.seconds).collect::<Vec<_>>(),
            [600, 180, 300]
        );
        assert!(lead.waves.iter().all(|w| !w.learned));
        assert_eq!(lead.minutes, 20);
    }

    #[test]
    fn a_wave_takes_the_longest_of_its_last_starts() {
        let (groups, waves) = fleet();
        let learned = BTreeMap::from([
            ("db".to_string(), vec![240, 420, 300]),
            ("api".to_string(), vec![61]),
            ("workers".to_string(), vec![120]),
        ]);
        let lead = Lead::of(&groups, &waves, &learned);
        // db 7 min, api 61 s, web's default 3 min over workers' 2: 11:01 -> 15.
        assert_eq!(
            lead.waves.iter().map(|w| w.seconds).collect::<Vec<_>>(),
            [420, 61, 180]
        );
        assert!(lead.waves[2].learned);
        assert_eq!(lead.minutes, 15);
        // Exactly on the tick stays there.
        assert_eq!(round_to_tick(600), 10);
        assert_eq!(round_to_tick(0), 0);
    }

    #[test]
    fn the_lead_is_at_most_two_hours() {
        let (groups, waves) = fleet();
        let learned = BTreeMap::from([("db".to_string(), vec![3 * 3600])]);
        assert_eq!(Lead::of(&groups, &waves, &learned).minutes, 120);
    }

    #[test]
    fn a_schedule_without_groups_is_one_wave() {
        let lead = Lead::of(&[], &[], &BTreeMap::new());
        assert_eq!(lead.minutes, 10);
        let learned = BTreeMap::from([(ALL_GROUP.to_string(), vec![100])]);
        assert_eq!(Lead::of(&[], &[], &learned).minutes, 5);
    }

    #[test]
    fn start_mode_reads_both_words_and_nothing_else() {
        assert_eq!(StartMode::parse("ready-by"), Ok(StartMode::ReadyBy));
        assert_eq!(StartMode::parse(" AT "), Ok(StartMode::At));
        assert!(StartMode::parse("early").is_err());
    }
}
