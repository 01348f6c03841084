//! What the servers were seen doing, for the usage history: a server
//! that settled up or down since the state's last view is one observation.
//! One the current transition commanded is credited to the scheduler, at
//! the time its command was sent; any other change (a person, or a server
//! first seen) at this pass's time. Servers between states wait for a
//! later pass; servers no longer tagged are forgotten.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::roster::{target_power, Member, Roster};
use crate::fleet::Power;
use crate::state::{Seen, Transition, MAX_SERVER_RECORD_BYTES};
use crate::usage::{Observation, Product};

pub(super) fn observe(
    schedule: &str,
    seen: &mut Arc<Seen>,
    seen_sum: &mut u64,
    transition: Option<&Transition>,
    roster: &Roster,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let (count, sum) = fingerprint(seen, roster);
    if count == seen.len() && sum == *seen_sum {
        return Vec::new();
    }
    // A first pass observes every server.
    let mut out = Vec::with_capacity(if seen.is_empty() { count } else { 0 });
    // Ids, names and specs are shared, not copied: a first pass observes
    // every server.
    let mut still = Seen::with_capacity_and_hasher(count, Default::default());
    let schedule: Arc<str> = schedule.into();
    let mut group: Option<(&str, Arc<str>)> = None;
    for (name, m) in remembered(roster) {
        let id = &m.instance.id;
        let up = match m.power {
            Power::Up => true,
            Power::Down => false,
            _ => {
                if let Some(&was) = seen.get(&**id) {
                    still.insert(id.clone(), was);
                }
                continue;
            }
        };
        still.insert(id.clone(), up);
        if seen.get(&**id) == Some(&up) {
            continue;
        }
        let sent = transition
            .filter(|t| target_power(t.direction) == m.power)
            .and_then(|t| t.sent_at(id));
        // The members of a group come together, with its slot's name: the
        // same pointer, so no comparison of the text.
        let group = match &group {
            Some((n, shared)) if std::ptr::eq(*n, name) => shared.clone(),
            _ => group.insert((name, name.into())).1.clone(),
        };
        out.push(Observation {
            id: id.clone(),
            at: sent.unwrap_or(now),
            up,
            by_scheduler: sent.is_some(),
            schedule: schedule.clone(),
            group,
            product: Product {
                kind: m.instance.kind,
                spec: m.instance.spec.clone(),
                region: String::new(),
            },
            target: None,
        });
    }
    *seen = Arc::new(still);
    // The fingerprint counted exactly the entries kept (a duplicate id,
    // kept once, leaves the count unequal to the map's: such a fleet is
    // rebuilt every pass, as it always was).
    *seen_sum = sum;
    out
}

/// The members the state remembers, with their groups: as many as a fleet
/// this size can be remembered by; servers past that are not observed (the
/// same ones each pass: describe order).
fn remembered<'r, 'a>(
    roster: &'r Roster<'a>,
) -> impl Iterator<Item = (&'a str, &'r Member<'a>)> + 'r {
    let mut budget = MAX_SERVER_RECORD_BYTES;
    roster.grouped_members().take_while(move |(_, m)| {
        match budget.checked_sub(m.instance.id.len() + 8) {
            Some(left) => {
                budget = left;
                true
            }
            None => false,
        }
    })
}

/// The count and the sum of 64-bit hashes of the entries the servers would
/// leave in `seen`: when both are the stored map's, the servers are as it
/// has them (the usual pass, which then records nothing and rebuilds
/// nothing: a fleet's ids are not copied), without a lookup per server
/// (once a fifth of a usual plan). Unequal sides with equal sums are a
/// 64-bit coincidence: the hash's finish mixes the whole entry, so
/// flipping a server's power is no fixed step that two flips could cancel.
fn fingerprint(seen: &Seen, roster: &Roster) -> (usize, u64) {
    let (mut count, mut sum) = (0, 0u64);
    for (_, m) in remembered(roster) {
        let id = &*m.instance.id;
        let up = match m.power {
            Power::Up => true,
            Power::Down => false,
            // Kept as it was, if it was seen.
            _ => match seen.get(id) {
                Some(&was) => was,
                None => continue,
            },
        };
        count += 1;
        sum = sum.wrapping_add(entry(id, up));
    }
    (count, sum)
}

/// One server's entry in the sums of [`fingerprint`].
fn entry(id: &str, up: bool) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one((id, up))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chain, chain_fleet, plan_at, settle, stored_states, MONDAY_0900};
    use crate::testing::utc;

    #[test]
    fn the_schedulers_starts_are_its_own_and_a_persons_stop_is_not() {
        let config = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        let first = plan_at(MONDAY_0900, &config, &fleet, &Default::default());
        let dev = &first.schedules[0];
        // First seen: down, at this pass, not the scheduler's doing.
        assert_eq!(dev.observed.len(), 5);
        assert!(dev.observed.iter().all(|o| !o.up && !o.by_scheduler));

        let mut states = Default::default();
        settle(MONDAY_0900, &config, &mut fleet, &mut states);
        let up = plan_at("2026-11-30T09:05:00+09:00", &config, &fleet, &states);
        // The chain was settled within the 09:00 pass, so the states already
        // hold every server up: nothing new at 09:05.
        assert!(up.schedules[0].observed.is_empty());
        let seen = &up.schedules[0].state.seen;
        assert_eq!(seen.values().filter(|&&up| up).count(), 5);

        // Someone stops the batch server at 15:00.
        let mut states = stored_states(&up);
        fleet
            .iter_mut()
            .find(|i| &*i.id == "i-batch")
            .unwrap()
            .state = "stopped".into();
        let later = plan_at("2026-11-30T15:00:00+09:00", &config, &fleet, &states);
        let o = &later.schedules[0].observed;
        assert_eq!(o.len(), 1);
        assert_eq!(
            (&*o[0].id, o[0].up, o[0].by_scheduler),
            ("i-batch", false, false)
        );
        assert_eq!(o[0].at, utc("2026-11-30T15:00:00+09:00"));
        states = stored_states(&later);
        assert_eq!(states["dev"].seen.get("i-batch"), Some(&false));
    }

    #[test]
    fn a_fleet_as_seen_before_shares_the_stored_map_instead_of_copying_it() {
        let config = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let states = stored_states(&plan_at(MONDAY_0900, &config, &fleet, &Default::default()));
        let again = plan_at(MONDAY_0900, &config, &fleet, &states);
        let seen = &again.schedules[0].state.seen;
        assert_eq!(seen.len(), 5);
        assert!(std::sync::Arc::ptr_eq(seen, &states["dev"].seen));
    }

    #[test]
    fn a_first_pass_shares_the_fleets_ids_and_one_name_per_group() {
        use std::sync::Arc;
        let config = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let first = plan_at(MONDAY_0900, &config, &fleet, &Default::default());
        let dev = &first.schedules[0];
        let fleet_id = |id: &str| &fleet.iter().find(|i| &*i.id == id).unwrap().id;
        for o in &dev.observed {
            assert!(Arc::ptr_eq(&o.id, fleet_id(&o.id)), "{} copied", o.id);
        }
        for (id, _) in dev.state.seen.iter() {
            assert!(Arc::ptr_eq(id, fleet_id(id)), "{id} copied");
        }
        let api: Vec<_> = dev.observed.iter().filter(|o| &*o.group == "api").collect();
        assert_eq!(api.len(), 2);
        assert!(Arc::ptr_eq(&api[0].group, &api[1].group));
        assert!(Arc::ptr_eq(&api[0].schedule, &dev.observed[0].schedule));
    }

    #[test]
    fn a_state_written_without_the_sum_is_rebuilt_once_and_observes_nothing() {
        let config = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let mut states = stored_states(&plan_at(MONDAY_0900, &config, &fleet, &Default::default()));
        let sum = std::mem::take(&mut states.get_mut("dev").unwrap().seen_sum);
        assert_ne!(sum, 0);
        let again = plan_at(MONDAY_0900, &config, &fleet, &states);
        let dev = &again.schedules[0];
        assert!(dev.observed.is_empty());
        assert_eq!(dev.state.seen, states["dev"].seen);
        assert_eq!(dev.state.seen_sum, sum);
    }

    #[test]
    fn two_servers_trading_places_and_a_server_gone_are_changes() {
        let config = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        let mut states = stored_states(&plan_at(MONDAY_0900, &config, &fleet, &Default::default()));
        // As many up as before, and the same ids: only which ones differ.
        let seen = std::sync::Arc::make_mut(&mut states.get_mut("dev").unwrap().seen);
        seen.insert("i-api1".into(), true);
        seen.insert("i-batch".into(), true);
        for id in ["i-api2", "i-mw"] {
            let i = fleet.iter_mut().find(|i| &*i.id == id).unwrap();
            i.state = "running".into();
        }
        let now = plan_at(MONDAY_0900, &config, &fleet, &states);
        let mut ids: Vec<&str> = now.schedules[0].observed.iter().map(|o| &*o.id).collect();
        ids.sort();
        assert_eq!(ids, ["i-api1", "i-api2", "i-batch", "i-mw"]);

        // A server no longer tagged is forgotten.
        let mut states = stored_states(&now);
        let seen = std::sync::Arc::make_mut(&mut states.get_mut("dev").unwrap().seen);
        seen.insert("i-gone".into(), false);
        let later = plan_at(MONDAY_0900, &config, &fleet, &states);
        assert!(later.schedules[0].observed.is_empty());
        assert!(!later.schedules[0].state.seen.contains_key("i-gone"));
    }

    #[test]
    fn a_start_is_dated_when_its_command_was_sent() {
        let config = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        let mut states = Default::default();
        let first = plan_at(MONDAY_0900, &config, &fleet, &states);
        states = stored_states(&first);
        // The database was commanded at 09:00 and is up by 09:05.
        fleet.iter_mut().find(|i| &*i.id == "db-1").unwrap().state = "available".into();
        let next = plan_at("2026-11-30T09:05:00+09:00", &config, &fleet, &states);
        let o = &next.schedules[0].observed;
        assert_eq!(o.len(), 1);
        assert_eq!(
            (&*o[0].id, o[0].up, o[0].by_scheduler),
            ("db-1", true, true)
        );
        assert_eq!(o[0].at, utc(MONDAY_0900));
    }
}
