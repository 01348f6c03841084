//! Stepping a start or stop through the waves: a start waits for every
//! group of the earlier waves to be up, a stop for every group of the
//! later waves to be down, so stops run the start waves exactly in reverse.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::ready::{verdict, Answer, Verdict, WantedCheck};
use super::roster::{server, source_power, target_power, Member, Roster, Slot};
use super::{Action, Notice, Timing, Wait};
use crate::fleet::Power;
use crate::model::Direction;
use crate::state::{Claimed, FailedTries, Transition};

/// What one step of a transition does now.
pub(super) struct Step {
    /// Commands to send now, in wave order.
    pub actions: Vec<Action>,
    /// What the transition is waiting for.
    pub waits: Vec<Wait>,
    /// Every group is already where the transition takes it.
    pub complete: bool,
    /// Instances given up on this step (claimed and never moved, too
    /// often), and groups not ready within their timeout.
    pub gave_up: Vec<Notice>,
    /// Readiness checks to run: groups up and waiting for them.
    pub checks: Vec<WantedCheck>,
    /// The wave the others wait for can get there within this pass: one
    /// of its servers not there yet is moving, or was sent its command (now
    /// or within the claim lease). Not when all of those are held, given up
    /// or waiting for a later retry: a later round would only poll.
    pub blocker_progressing: bool,
    /// By slot: the group is where the transition takes it (and ready,
    /// for a start).
    pub settled: Vec<bool>,
}

/// Commands every instance whose group's turn it is and that is in the
/// opposite steady state, unless a claim on it is still fresh or its
/// failure waits for its retry; lists what it waits for. Records the
/// claims in `t` under `now`.
pub(super) fn advance(
    roster: &Roster,
    t: &mut Transition,
    answers: Option<&BTreeMap<String, Answer>>,
    now: DateTime<Utc>,
    timing: &Timing,
) -> Step {
    let dir = t.direction;
    let mut step = settled(roster, t, answers, now);
    // Out of `t` while its claims are indexed; back at the end.
    let sent = std::mem::take(&mut t.sent);
    let claims = Claims::of(&sent, now - timing.claim_lease);
    // The first unsettled wave in the direction of travel, named in the
    // waits of every group behind it.
    let mut blocker: Option<Arc<str>> = None;
    // Claimed under `now` at the end: until then the claims in `t` are
    // only earlier passes', which is what the waits must name.
    let mut claimed: Vec<String> = Vec::new();
    // One list for every group's due members, emptied group by group.
    let mut due = Vec::new();
    for wave in wave_order(roster.waves.len(), dir) {
        let groups = &roster.waves[wave];
        for k in 0..groups.len() {
            // Stops take a wave's groups in reverse.
            let g = match dir {
                Direction::Start => groups[k],
                Direction::Stop => groups[groups.len() - 1 - k],
            };
            let slot = &roster.slots[g];
            let label = Label::new(slot.name());
            due.clear();
            due_now(
                roster, slot, &label, t, &claims, now, timing, &mut step, &mut due,
            );
            if due.is_empty() {
                continue;
            }
            match &blocker {
                None => {
                    claimed.extend(due.iter().map(|i| i.id.to_string()));
                    step.actions.push(Action {
                        direction: dir,
                        wave,
                        group: slot.name().to_string(),
                        instances: due.iter().copied().map(server).collect(),
                    });
                }
                Some(blockers) => step.waits.push(Wait::Blocked {
                    group: label.get(),
                    blockers: blockers.clone(),
                    direction: dir,
                }),
            }
        }
        if blocker.is_none() {
            let unsettled: Vec<&str> = roster.waves[wave]
                .iter()
                .filter(|g| !step.settled[**g])
                .map(|g| roster.slots[*g].name())
                .collect();
            if !unsettled.is_empty() {
                blocker = Some(short_list(&unsettled).into());
                // A check asked for now is answered in the next round.
                step.blocker_progressing =
                    !step.checks.is_empty() || progressing(roster, wave, t, &claims, &claimed);
            }
        }
    }
    drop(claims);
    t.sent = sent;
    if !claimed.is_empty() {
        // Bulk-built from a sorted list: much cheaper than one insert each,
        // which is what extending a set does.
        let group: BTreeSet<String> = claimed.into_iter().collect();
        let at_now = Arc::make_mut(&mut t.sent).entry(now).or_default();
        if at_now.is_empty() {
            *at_now = group;
        } else {
            at_now.extend(group);
        }
    }
    step
}

/// When each id was last claimed ([`Transition::sent_at`] for every
/// member at once): looking each member of a large fleet up in the sets
/// was a good part of a plan.
struct Claims<'t> {
    last: foldhash::HashMap<&'t str, DateTime<Utc>>,
    /// Claims after this are within the lease: one comparison of instants
    /// instead of a subtraction per member (a tenth of a step).
    fresh_after: DateTime<Utc>,
}

impl<'t> Claims<'t> {
    fn of(sent: &'t Claimed, fresh_after: DateTime<Utc>) -> Claims<'t> {
        let mut last = foldhash::HashMap::default();
        if sent.is_empty() {
            return Claims { last, fresh_after };
        }
        last.reserve(sent.values().map(BTreeSet::len).sum());
        // Oldest first: a later claim of the same id replaces it.
        for (at, ids) in sent {
            last.extend(ids.iter().map(|id| (id.as_str(), *at)));
        }
        Claims { last, fresh_after }
    }

    #[inline]
    fn at(&self, id: &str) -> Option<DateTime<Utc>> {
        if self.last.is_empty() {
            return None;
        }
        self.last.get(id).copied()
    }

    /// Whether a claim made at `at` is still within the lease.
    fn fresh(&self, at: DateTime<Utc>) -> bool {
        at > self.fresh_after
    }
}

/// Which groups are where `t` takes them (and ready, for a start), in a
/// step that says whether all are.
fn settled(
    roster: &Roster,
    t: &mut Transition,
    answers: Option<&BTreeMap<String, Answer>>,
    now: DateTime<Utc>,
) -> Step {
    let mut step = Step {
        actions: vec![],
        waits: vec![],
        complete: false,
        gave_up: vec![],
        checks: vec![],
        blocker_progressing: false,
        settled: vec![],
    };
    step.settled = roster
        .slots
        .iter()
        .map(|s| s.settled(t.direction) && ready(s, t, answers, now, &mut step))
        .collect();
    step.complete = step.settled.iter().all(|s| *s);
    step
}

/// Whether a group whose servers are all there is ready too (see
/// `ready.rs`); collects the checks to run, the waits and the timeouts.
fn ready(
    slot: &Slot,
    t: &mut Transition,
    answers: Option<&BTreeMap<String, Answer>>,
    now: DateTime<Utc>,
    step: &mut Step,
) -> bool {
    match verdict(slot, t, answers, now) {
        Verdict::Ready => true,
        Verdict::Waiting(check, wait) => {
            step.checks.push(check);
            step.waits.push(wait);
            false
        }
        Verdict::TimedOut(notice) => {
            step.gave_up.extend(notice);
            true
        }
    }
}

/// Whether `wave` can get where `t` takes it within this pass: one of its
/// servers not there yet is moving, or was sent its command (now, in
/// `claimed`, or within the claim lease and not failed since).
fn progressing(
    roster: &Roster,
    wave: usize,
    t: &Transition,
    claims: &Claims,
    claimed: &[String],
) -> bool {
    roster.waves[wave]
        .iter()
        .flat_map(|g| &roster.slots[*g].members)
        .filter(|m| m.power != target_power(t.direction))
        .any(|m| {
            let id = &*m.instance.id;
            m.moving()
                || claimed.iter().any(|c| c == id)
                || (!t.failed.contains_key(id) && claims.at(id).is_some_and(|c| claims.fresh(c)))
        })
}

/// A scaled server still heading the other way: its size can be set at
/// any time, so a stop need not wait for a service that never gets all its
/// tasks running (nor a start for one still draining).
fn turnable(m: &Member, dir: Direction) -> bool {
    let heading_back = match dir {
        Direction::Start => Power::Stopping,
        Direction::Stop => Power::Starting,
    };
    m.instance.kind.scaled() && m.power == heading_back
}

/// Wave indexes in the direction of travel.
fn wave_order(count: usize, dir: Direction) -> Box<dyn Iterator<Item = usize>> {
    match dir {
        Direction::Start => Box::new(0..count),
        Direction::Stop => Box::new((0..count).rev()),
    }
}

/// The members of `slot` that `t` must command now, into `due`; the others
/// that are not there yet go into the step's waits. A member held up is
/// never due to stop (its group stays unsettled, so the groups it depends
/// on wait). A member is due unless it is moving, its claim is younger
/// than the lease, its failure waits for its retry, or it was given up. A
/// claim older than the lease whose instance never moved counts as a try
/// without effect.
#[allow(clippy::too_many_arguments)]
fn due_now<'a>(
    roster: &Roster,
    slot: &Slot<'a>,
    label: &Label,
    t: &mut Transition,
    claims: &Claims,
    now: DateTime<Utc>,
    timing: &Timing,
    step: &mut Step,
    due: &mut Vec<&'a crate::fleet::Instance>,
) {
    let dir = t.direction;
    for m in &slot.members {
        let i = m.instance;
        if m.power == target_power(dir) {
            continue;
        }
        let wait = |kind: WaitKind| kind.wait(label.get(), i, dir);
        if let (Direction::Stop, Some(until)) = (dir, m.held) {
            step.waits.push(Wait::Held {
                group: label.get(),
                server: i.name.clone(),
                until: roster.local(until),
            });
            continue;
        }
        if m.power != source_power(dir) && !turnable(m, dir) {
            step.waits.push(wait(WaitKind::Moving));
            continue;
        }
        let claim = claims.at(&i.id);
        let failure = t.failed.get(&*i.id);
        match (failure, claim) {
            (Some(f), _) if f.retry_at.is_none() => {
                step.waits.push(wait(WaitKind::GaveUp(f.code.clone())))
            }
            (_, Some(c)) if claims.fresh(c) => step.waits.push(wait(WaitKind::Sent)),
            (Some(f), _) if f.retry_at.is_some_and(|r| r > now) => {
                step.waits.push(wait(WaitKind::Retrying(f.code.clone())))
            }
            (Some(f), Some(c)) if f.retry_at.is_some_and(|r| c >= r) => {
                let tries = f.tries;
                no_effect(slot, label, i, t, tries, now, timing, step, due);
            }
            (Some(_), _) => due.push(i),
            (None, Some(_)) => no_effect(slot, label, i, t, 0, now, timing, step, due),
            (None, None) => due.push(i),
        }
    }
}

/// A claim that had no effect: tried again at once, or given up (and
/// reported) after the last try.
#[allow(clippy::too_many_arguments)]
fn no_effect<'a>(
    slot: &Slot<'a>,
    label: &Label,
    i: &'a crate::fleet::Instance,
    t: &mut Transition,
    tries_before: u32,
    now: DateTime<Utc>,
    timing: &Timing,
    step: &mut Step,
    due: &mut Vec<&'a crate::fleet::Instance>,
) {
    let tries = tries_before + 1;
    let last = tries >= timing.max_tries;
    t.failed.insert(
        i.id.to_string(),
        FailedTries {
            code: NO_EFFECT.into(),
            tries,
            retry_at: (!last).then_some(now),
        },
    );
    if last {
        step.waits
            .push(WaitKind::GaveUp(NO_EFFECT.into()).wait(label.get(), i, t.direction));
        step.gave_up.push(Notice::CommandFailed {
            direction: t.direction,
            group: slot.name().to_string(),
            servers: vec![server(i)],
            code: NO_EFFECT.into(),
            message: format!("still {} after {tries} tries", i.state),
            tries,
        });
    } else {
        due.push(i);
    }
}

/// The code of a claim that never moved its instance.
pub(super) const NO_EFFECT: &str = "NoEffect";

/// A group's name as its waits share it: made once, at its first wait.
struct Label<'a> {
    name: &'a str,
    shared: OnceCell<Arc<str>>,
}

impl<'a> Label<'a> {
    fn new(name: &'a str) -> Label<'a> {
        Label {
            name,
            shared: OnceCell::new(),
        }
    }

    fn get(&self) -> Arc<str> {
        self.shared.get_or_init(|| self.name.into()).clone()
    }
}

/// Why a member waits, before it is named.
enum WaitKind {
    Moving,
    Sent,
    Retrying(String),
    GaveUp(String),
}

impl WaitKind {
    fn wait(self, group: Arc<str>, i: &crate::fleet::Instance, direction: Direction) -> Wait {
        let (server, state) = (i.name.clone(), i.state.clone());
        match self {
            WaitKind::Moving => Wait::Moving {
                group,
                server,
                state,
            },
            WaitKind::Sent => Wait::Sent {
                group,
                server,
                direction,
                state,
            },
            WaitKind::Retrying(code) => Wait::Failed {
                group,
                server,
                direction,
                code,
                again: true,
            },
            WaitKind::GaveUp(code) => Wait::Failed {
                group,
                server,
                direction,
                code,
                again: false,
            },
        }
    }
}

/// Names up to five groups and counts the rest, so a wide wave keeps each
/// wait line short.
fn short_list(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..SHOWN].join(", "),
        names.len() - SHOWN
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::testing::*;
    use crate::fleet::{Instance, Power};
    use crate::model::{Config, Direction, InstanceKind};
    use crate::testing::{config, group_item, instance, schedule_item};

    #[test]
    fn start_event_starts_the_first_wave_only() {
        let p = plan_at(
            MONDAY_0900,
            &chain(),
            &chain_fleet("stopped", "stopped"),
            &States::new(),
        );
        let sp = &p.schedules[0];
        assert_eq!(sp.events.len(), 1);
        assert_eq!(sp.actions.len(), 1);
        assert_eq!(sp.actions[0].group, "db");
        assert_eq!(&*sp.actions[0].instances[0].id, "db-1");
        assert!(
            sp.waits
                .iter()
                .any(|w| w.to_string() == "mw waits for db to be up"),
            "{:?}",
            sp.waits
        );
    }

    #[test]
    fn waits_of_one_group_share_its_name() {
        let mut fleet = chain_fleet("running", "available");
        for i in fleet.iter_mut().filter(|i| i.id.starts_with("i-api")) {
            i.state = "pending".into();
        }
        let p = plan_at(MONDAY_0900, &chain(), &fleet, &States::new());
        let groups: Vec<_> = p.schedules[0]
            .waits
            .iter()
            .filter_map(|w| match w {
                crate::plan::Wait::Moving { group, .. } => Some(group),
                _ => None,
            })
            .collect();
        assert_eq!(groups.len(), 2, "{:?}", p.schedules[0].waits);
        assert!(std::sync::Arc::ptr_eq(groups[0], groups[1]));
    }

    #[test]
    fn a_wide_blocking_wave_is_named_in_short() {
        let names = ["a", "b", "c", "d", "e", "f", "g"];
        let mut groups: Vec<_> = names
            .iter()
            .map(|n| group_item("dev", n, "EC2", &[]))
            .collect();
        groups.push(group_item("dev", "top", "EC2", &names));
        let cfg = config(
            vec![schedule_item("dev", "all", "09:00", "22:00")],
            groups,
            vec![],
        );
        let mut fleet: Vec<Instance> = names
            .iter()
            .map(|n| {
                instance(
                    &format!("i-{n}"),
                    InstanceKind::Ec2,
                    "stopped",
                    "dev",
                    Some(n),
                )
            })
            .collect();
        fleet.push(instance(
            "i-top",
            InstanceKind::Ec2,
            "stopped",
            "dev",
            Some("top"),
        ));
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        let waits: Vec<String> = p.schedules[0].waits.iter().map(|w| w.to_string()).collect();
        assert_eq!(waits, ["top waits for a, b, c, d, e and 2 more to be up"]);
    }

    #[test]
    fn start_runs_waves_in_dependency_order_and_stop_in_reverse() {
        let cfg = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        let mut states = States::new();
        let rounds = settle(MONDAY_0900, &cfg, &mut fleet, &mut states);
        assert_eq!(
            rounds,
            vec![
                vec!["db-1"],
                vec!["i-mw"],
                vec!["i-api1", "i-api2"],
                vec!["i-batch"]
            ]
        );
        assert!(
            states["dev"].transition.is_none(),
            "complete transitions are cleared"
        );
        let rounds = settle(MONDAY_2200, &cfg, &mut fleet, &mut states);
        assert_eq!(
            rounds,
            vec![
                vec!["i-batch"],
                vec!["i-api1", "i-api2"],
                vec!["i-mw"],
                vec!["db-1"]
            ]
        );
    }

    #[test]
    fn a_wave_blocked_behind_a_given_up_server_is_not_polled() {
        let cfg = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        assert!(p.schedules[0].moving, "db commanded, mw waits for it");
        let mut states = stored_states(&p);
        let t = states
            .get_mut("dev")
            .and_then(|s| s.transition.as_mut())
            .unwrap();
        t.failed.insert(
            "db-1".into(),
            crate::state::FailedTries {
                code: "InvalidParameterCombination".into(),
                tries: 1,
                retry_at: None,
            },
        );
        let p = plan_at("2026-11-30T09:01:00+09:00", &cfg, &fleet, &states);
        assert!(
            !p.schedules[0].moving,
            "nothing a later round could command: the pass returns"
        );
    }

    #[test]
    fn transitional_instances_are_waited_for_never_recommanded() {
        let cfg = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        fleet[0].state = "stopping".into();
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        let sp = &p.schedules[0];
        assert!(sp.actions.is_empty());
        assert!(
            sp.waits
                .iter()
                .any(|w| w.to_string() == "db: db-1 is stopping"),
            "{:?}",
            sp.waits
        );
        assert_eq!(sp.transition, Some(Direction::Start));
        assert!(sp.moving, "a stopping instance keeps the pass polling");
        // Once it is stopped, the next pass starts it.
        fleet[0].state = "stopped".into();
        let p = plan_at(
            "2026-11-30T09:05:00+09:00",
            &cfg,
            &fleet,
            &stored_states(&p),
        );
        assert_eq!(p.schedules[0].actions[0].group, "db");
    }

    // ---- invariants ----

    fn deps_of(cfg: &Config, group: &str) -> Vec<String> {
        cfg.schedules["dev"]
            .group(group)
            .unwrap()
            .1
            .dependency
            .to_vec()
    }

    fn group_power(fleet: &[Instance], group: &str, p: Power) -> bool {
        fleet
            .iter()
            .filter(|i| i.group_tag.as_deref() == Some(group))
            .all(|i| i.power() == p)
    }

    proptest! {
        #[test]
        fn no_group_starts_before_its_dependencies_are_up((cfg, fleet) in arb_dag(), minute in 0i64..(24 * 60)) {
            let p = plan_at(&minute_of_monday(minute), &cfg, &fleet, &States::new());
            for (_, a) in p.actions() {
                match a.direction {
                    Direction::Start => for d in deps_of(&cfg, &a.group) {
                        prop_assert!(group_power(&fleet, &d, Power::Up), "{} started before {d} was up", a.group);
                    },
                    Direction::Stop => for g in cfg.schedules["dev"].groups() {
                        if g.dependency.contains(&a.group) {
                            prop_assert!(group_power(&fleet, &g.name, Power::Down), "{} stopped before {} was down", a.group, g.name);
                        }
                    },
                }
            }
        }

        #[test]
        fn stop_order_is_the_exact_reverse_of_start_order((cfg, fleet) in arb_dag()) {
            let mut up: Vec<Instance> = fleet.iter().cloned().map(|mut i| { i.state = "stopped".into(); i }).collect();
            let mut states = States::new();
            let starts = settle(MONDAY_0900, &cfg, &mut up, &mut states);
            let stops = settle(MONDAY_2200, &cfg, &mut up, &mut states);
            let group_of = |id: &String| id.split('-').next().unwrap().to_string();
            let waves = |rounds: &Vec<Vec<String>>| -> Vec<std::collections::BTreeSet<String>> {
                rounds.iter().map(|r| r.iter().map(group_of).collect()).collect()
            };
            let mut reversed = waves(&starts);
            reversed.reverse();
            prop_assert_eq!(waves(&stops), reversed);
        }
    }
}
