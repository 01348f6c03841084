//! The per-server hold: a server tagged `ScheduleKeepUntil` stays up
//! against stops (events, orders, enforcement) until that local time, and
//! the groups it depends on wait for it (`waves.rs`).

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::time;

/// When a hold written `value` ends: `YYYY-MM-DD HH:MM`, or `HH:MM` for
/// today, in `zone`; or why it cannot be read.
pub fn until(value: &str, zone: Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let v = value.trim();
    let local = if let Ok(t) = NaiveTime::parse_from_str(v, "%H:%M") {
        time::local_date(zone, now).and_time(t)
    } else {
        NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M")
            .map_err(|_| "is not YYYY-MM-DD HH:MM or HH:MM".to_string())?
    };
    Ok(time::resolve_local(zone, local))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::Wait;
    use super::*;
    use crate::testing::{utc, SEOUL};

    #[test]
    fn a_held_api_server_keeps_what_it_depends_on_up_until_the_hold_ends() {
        let cfg = chain();
        let mut fleet = chain_fleet("running", "available");
        fleet[2] = fleet[2].clone().kept_until("23:30");
        let mut states = States::new();
        // 22:00: batch stops; the held api server stays, and so do the
        // other api server's group, mw and db, which wait for it.
        let rounds = settle(MONDAY_2200, &cfg, &mut fleet, &mut states);
        assert_eq!(rounds, vec![vec!["i-batch"], vec!["i-api2"]]);
        let p = plan_at("2026-11-30T22:05:00+09:00", &cfg, &fleet, &states);
        let dev = &p.schedules[0];
        assert!(dev.waits.contains(&Wait::Held {
            group: "api".into(),
            server: "i-api1".into(),
            until: "2026-11-30 23:30".into(),
        }));
        assert!(!dev.moving, "nothing more to command in this pass");
        let api = &dev.waves[2].groups[0].instances;
        assert_eq!(api[0].held_until.as_deref(), Some("2026-11-30 23:30"));
        // Past the 60-minute transition timeout, still held, not given up.
        let rounds = settle("2026-11-30T23:25:00+09:00", &cfg, &mut fleet, &mut states);
        assert!(rounds.is_empty());
        assert!(states["dev"].transition.is_some());
        // 23:35: the stop goes on: the held server, then mw, then db.
        let rounds = settle("2026-11-30T23:35:00+09:00", &cfg, &mut fleet, &mut states);
        assert_eq!(rounds, vec![vec!["i-api1"], vec!["i-mw"], vec!["db-1"]]);
    }

    #[test]
    fn the_warning_names_a_held_server_and_until_when() {
        let cfg = chain();
        let mut fleet = chain_fleet("running", "available");
        fleet[4] = fleet[4].clone().kept_until("2026-11-30 23:30");
        let p = plan_at("2026-11-30T21:50:00+09:00", &cfg, &fleet, &States::new());
        let w = p.schedules[0].warning.as_ref().expect("a warning");
        let held: Vec<_> = w
            .running
            .iter()
            .filter(|s| s.held_until.is_some())
            .collect();
        assert_eq!(held.len(), 1);
        assert_eq!(&*held[0].id, "i-batch");
        assert_eq!(held[0].held_until.as_deref(), Some("2026-11-30 23:30"));
    }

    #[test]
    fn an_unreadable_hold_is_one_error_naming_the_server_and_holds_nothing() {
        let cfg = chain();
        let mut fleet = chain_fleet("running", "available");
        fleet[4] = fleet[4].clone().kept_until("after lunch");
        let mut states = States::new();
        let p = plan_at(MONDAY_2200, &cfg, &fleet, &states);
        let errors = &p.schedules[0].errors;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("i-batch"), "{errors:?}");
        assert!(errors[0].contains("ScheduleKeepUntil"), "{errors:?}");
        let rounds = settle(MONDAY_2200, &cfg, &mut fleet, &mut states);
        assert_eq!(rounds[0], vec!["i-batch"], "ignored: it stops");
    }

    #[test]
    fn a_hold_is_a_local_time_today_or_on_a_date() {
        let now = utc("2026-11-30T21:00:00+09:00");
        assert_eq!(
            until("23:30", SEOUL, now),
            Ok(utc("2026-11-30T23:30:00+09:00"))
        );
        assert_eq!(
            until(" 2026-12-01 02:00 ", SEOUL, now),
            Ok(utc("2026-12-01T02:00:00+09:00"))
        );
        for bad in [
            "tomorrow",
            "25:00",
            "2026-13-01 10:00",
            "2026-12-01T10:00",
            "",
        ] {
            assert!(until(bad, SEOUL, now).is_err(), "{bad}");
        }
    }
}
