//! AWS Instance Scheduler's own cases of running periods, multi-period
//! schedules, nth weekdays and time zones, run through our planner.
//! Each case names the peer test it comes from (its repository's
//! `source/app/tests/...`). The parser cases (weekdays, month days,
//! months, steps, `W`, `L`) are beside the rule, in `src/model/days.rs`.
//!
//! Differences of design that remain, and how the cases read them:
//! - Transitions, not levels. The peer computes a desired state (running,
//!   stopped, any) at each run; we act on the starts and stops between two
//!   passes. A peer case "running at T" reads here as "the last event at
//!   or before T is a start"; "stopped" as "the last is a stop"; "any" as
//!   "no event yet that day". A server started by hand inside a stopped
//!   span is stopped only at the next stop (or at once with Enforced).
//! - An event in the repeated hour of a fall-back fires once (the first
//!   time); one in a spring-forward gap fires at the end of the gap.
//! - A step of two digits (`1/14`) is an error here: the peer reads only
//!   its last digit (`1/4`), and `1/10` never ends there.
//! - `31W` in a month without a 31st is no day here; the peer fails.
//! - Windows that overlap across midnight keep both days' events; windows
//!   that touch or lie less than a tick (5 minutes) apart are one window,
//!   within a day and across midnight.

use aws_sdk_dynamodb::types::AttributeValue as Av;
use chrono::{DateTime, Duration, Utc};
use scheduler::model::{Direction, Item, ScheduleConfig};
use scheduler::testing::{config, s, schedule_item, utc};
use scheduler::time::events_between;

/// A period map: `(attribute, value)` pairs, times left out when absent.
fn period(fields: &[(&str, &str)]) -> Av {
    Av::M(fields.iter().map(|(k, v)| (k.to_string(), s(v))).collect())
}

/// A schedule as the importer writes one: no window of its own
/// (StartTime and StopTime `None`), its periods in `Periods`.
fn imported(tz: &str, periods: Vec<Av>) -> Item {
    schedule_item("dev", "all", "None", "None")
        .with("TimeZone", s(tz))
        .with("Periods", Av::L(periods))
}

fn schedule(item: Item) -> ScheduleConfig {
    let cfg = config(vec![item], vec![], vec![]);
    assert!(cfg.errors.is_empty(), "{:?}", cfg.errors);
    cfg.schedules["dev"].clone()
}

/// Events with `from < at <= to`, as `start 2023-07-10 00:00` (local).
fn events(cfg: &ScheduleConfig, from: &str, to: &str) -> Vec<String> {
    events_between(cfg, utc(from), utc(to))
        .iter()
        .map(|e| {
            let kind = match e.kind {
                Direction::Start => "start",
                Direction::Stop => "stop",
            };
            format!("{kind} {}", e.local.format("%Y-%m-%d %H:%M"))
        })
        .collect()
}

/// The peer's desired state at `at`: the kind of the last event at or
/// before it that day or the day before, or "any" when there is none.
fn state_at(cfg: &ScheduleConfig, at: DateTime<Utc>) -> &'static str {
    match events_between(cfg, at - Duration::days(2), at).last() {
        Some(e) if e.kind == Direction::Start => "running",
        Some(_) => "stopped",
        None => "any",
    }
}

#[test]
fn running_periods() {
    let utc_zone = "UTC";
    // test_running_period.py::test_regular_period (10:00-20:00)
    let c = schedule(imported(
        utc_zone,
        vec![period(&[("StartTime", "10:00"), ("StopTime", "20:00")])],
    ));
    for (time, want) in [
        ("2023-07-10T05:00:00Z", "stopped"),
        ("2023-07-10T10:00:00Z", "running"),
        ("2023-07-10T15:00:00Z", "running"),
        ("2023-07-10T20:00:00Z", "stopped"),
        ("2023-07-10T22:00:00Z", "stopped"),
    ] {
        assert_eq!(
            state_at(&c, utc(time)),
            want,
            "test_running_period.py::test_regular_period {time}"
        );
    }
    // test_running_period.py::test_one_sided_start and
    // test_1_sided_schedules.py::test_1_sided_start_starts_at_start_time,
    // ::test_enforced_1_sided_start_takes_no_action_before_start_time
    let c = schedule(imported(
        utc_zone,
        vec![period(&[("StartTime", "10:00"), ("StopTime", "None")])],
    ));
    assert_eq!(
        events(&c, "2023-07-10T00:00:00Z", "2023-07-10T23:59:00Z"),
        ["start 2023-07-10 10:00"],
        "test_running_period.py::test_one_sided_start"
    );
    assert!(
        events(&c, "2023-07-10T00:00:00Z", "2023-07-10T09:55:00Z").is_empty(),
        "test_1_sided_schedules.py::test_enforced_1_sided_start_takes_no_action_before_start_time"
    );
    // test_running_period.py::test_one_sided_stop and
    // test_1_sided_schedules.py::test_1_sided_stop_stops_at_stop_time
    let c = schedule(imported(
        utc_zone,
        vec![period(&[("StartTime", "None"), ("StopTime", "20:00")])],
    ));
    assert_eq!(
        events(&c, "2023-07-10T00:00:00Z", "2023-07-10T23:59:00Z"),
        ["stop 2023-07-10 20:00"],
        "test_running_period.py::test_one_sided_stop"
    );
    assert!(
        events(&c, "2023-07-10T00:00:00Z", "2023-07-10T19:55:00Z").is_empty(),
        "test_1_sided_schedules.py::test_enforced_1_sided_stop_takes_no_action_before_stop_time"
    );
}

#[test]
fn all_day_periods_by_weekday_month_and_month_day() {
    // test_running_period.py::test_weekdays_only_is_running_on_specified_days
    // (weekdays {"0", "3", "5"}, no times: all day; 2023-07-10 is a Monday)
    let c = schedule(imported("UTC", vec![period(&[("DaysActive", "0,3,5")])]));
    assert_eq!(
        events(&c, "2023-07-09T12:00:00Z", "2023-07-16T12:00:00Z"),
        [
            "start 2023-07-10 00:00",
            "stop 2023-07-11 00:00",
            "start 2023-07-13 00:00",
            "stop 2023-07-14 00:00",
            "start 2023-07-15 00:00",
            "stop 2023-07-16 00:00",
        ],
        "test_running_period.py::test_weekdays_only_is_running_on_specified_days"
    );
    // test_running_period.py::test_month_only_is_running_for_whole_month,
    // ::test_month_only_is_stopped_in_other_months: up across every midnight
    let c = schedule(imported("UTC", vec![period(&[("Months", "4")])]));
    assert_eq!(
        events(&c, "2023-01-01T00:00:00Z", "2023-12-31T00:00:00Z"),
        ["start 2023-04-01 00:00", "stop 2023-05-01 00:00"],
        "test_running_period.py::test_month_only_is_running_for_whole_month"
    );
    // test_running_period.py::test_monthday_only_is_running_on_specific_monthdays,
    // ::test_monthday_only_is_stopped_on_other_monthdays
    let c = schedule(imported("UTC", vec![period(&[("MonthDays", "3,5,15")])]));
    assert_eq!(
        events(&c, "2023-04-01T00:00:00Z", "2023-04-30T00:00:00Z"),
        [
            "start 2023-04-03 00:00",
            "stop 2023-04-04 00:00",
            "start 2023-04-05 00:00",
            "stop 2023-04-06 00:00",
            "start 2023-04-15 00:00",
            "stop 2023-04-16 00:00",
        ],
        "test_running_period.py::test_monthday_only_is_running_on_specific_monthdays"
    );
    // test_nth_weekday_scheduling.py::test_nth_weekday_scheduling (Mon#3: the 16th)
    let c = schedule(imported("UTC", vec![period(&[("DaysActive", "Mon#3")])]));
    assert_eq!(
        events(&c, "2024-09-01T00:00:00Z", "2024-09-30T00:00:00Z"),
        ["start 2024-09-16 00:00", "stop 2024-09-17 00:00"],
        "test_nth_weekday_scheduling.py::test_nth_weekday_scheduling"
    );
    // Ours (spec section 1): all-day weekdays stay up from Monday to Saturday.
    let c = schedule(imported("UTC", vec![period(&[("DaysActive", "mon-fri")])]));
    assert_eq!(
        events(&c, "2023-07-09T12:00:00Z", "2023-07-16T12:00:00Z"),
        ["start 2023-07-10 00:00", "stop 2023-07-15 00:00"]
    );
    // Ours: a period's own MonthDays and Months (1W in April 2023 is Monday the 3rd).
    let c = schedule(imported(
        "UTC",
        vec![period(&[
            ("MonthDays", "1W"),
            ("Months", "apr"),
            ("StartTime", "09:00"),
            ("StopTime", "17:00"),
        ])],
    ));
    assert_eq!(
        events(&c, "2023-01-01T00:00:00Z", "2023-12-31T00:00:00Z"),
        ["start 2023-04-03 09:00", "stop 2023-04-03 17:00"]
    );
}

#[test]
fn multi_period_schedules() {
    // test_multi_period_schedules.py::test_adjacent_periods_do_not_get_stopped_in_the_middle
    let c = schedule(imported(
        "UTC",
        vec![
            period(&[("StartTime", "5:00"), ("StopTime", "10:00")]),
            period(&[("StartTime", "10:01"), ("StopTime", "15:00")]),
        ],
    ));
    assert_eq!(
        events(&c, "2023-07-10T00:00:00Z", "2023-07-10T23:00:00Z"),
        ["start 2023-07-10 05:00", "stop 2023-07-10 15:00"],
        "test_multi_period_schedules.py::test_adjacent_periods_do_not_get_stopped_in_the_middle"
    );
    // Ours: five minutes apart is a real stop and start.
    let c = schedule(imported(
        "UTC",
        vec![
            period(&[("StartTime", "5:00"), ("StopTime", "10:00")]),
            period(&[("StartTime", "10:05"), ("StopTime", "15:00")]),
        ],
    ));
    assert_eq!(
        events(&c, "2023-07-10T00:00:00Z", "2023-07-10T23:00:00Z").len(),
        4
    );
    // test_multi_period_schedules.py::test_adjacent_periods_across_midnight_do_not_get_stopped_in_the_middle
    let c = schedule(imported(
        "UTC",
        vec![
            period(&[("StartTime", "5:00"), ("StopTime", "23:59")]),
            period(&[("StartTime", "0:00"), ("StopTime", "3:00")]),
        ],
    ));
    assert_eq!(
        events(&c, "2023-07-10T12:00:00Z", "2023-07-11T12:00:00Z"),
        ["stop 2023-07-11 03:00", "start 2023-07-11 05:00"],
        "test_multi_period_schedules.py::test_adjacent_periods_across_midnight_do_not_get_stopped_in_the_middle"
    );
    // test_multi_period_schedules.py::test_not_running_period: off from 18:00
    // to 19:00 on Tuesdays (2024-01-02 is a Tuesday).
    let c = schedule(imported(
        "UTC",
        vec![
            period(&[
                ("StartTime", "0:00"),
                ("StopTime", "18:00"),
                ("DaysActive", "1"),
            ]),
            period(&[
                ("StartTime", "19:00"),
                ("StopTime", "23:59"),
                ("DaysActive", "1"),
            ]),
            period(&[("DaysActive", "2-0")]),
        ],
    ));
    assert_eq!(
        events(&c, "2023-12-31T00:00:00Z", "2024-01-08T23:00:00Z"),
        ["stop 2024-01-02 18:00", "start 2024-01-02 19:00"],
        "test_multi_period_schedules.py::test_not_running_period"
    );
}

#[test]
fn time_zones() {
    // test_basic_timezone_handling.py::test_weekday_boundaries_respect_schedule_timezone
    let c = schedule(imported(
        "Australia/Sydney",
        vec![
            period(&[
                ("StartTime", "07:00"),
                ("StopTime", "21:00"),
                ("DaysActive", "mon-fri"),
            ]),
            period(&[
                ("StartTime", "00:00"),
                ("StopTime", "11:00"),
                ("DaysActive", "sun#2"),
            ]),
            period(&[
                ("StartTime", "00:00"),
                ("StopTime", "11:00"),
                ("DaysActive", "sun#3"),
            ]),
        ],
    ));
    assert_eq!(
        state_at(&c, utc("2023-08-12T14:00:00Z")),
        "running",
        "test_basic_timezone_handling.py::test_weekday_boundaries_respect_schedule_timezone"
    );
    // test_basic_timezone_handling.py::test_time_zones (0:00-12:00, at 12:00 UTC)
    for (tz, want) in [
        ("Etc/GMT+12", "running"),
        ("Etc/GMT+10", "running"),
        ("Etc/GMT+5", "running"),
        ("Etc/GMT", "stopped"),
        ("Etc/GMT-5", "stopped"),
        ("Etc/GMT-10", "stopped"),
        ("Etc/GMT-13", "running"),
    ] {
        let c = schedule(imported(
            tz,
            vec![period(&[("StartTime", "0:00"), ("StopTime", "12:00")])],
        ));
        assert_eq!(
            state_at(&c, utc("2023-06-09T12:00:00Z")),
            want,
            "test_basic_timezone_handling.py::test_time_zones {tz}"
        );
    }
}

#[test]
fn what_we_cannot_read_names_its_attribute() {
    let base = || schedule_item("dev", "all", "None", "None");
    for (item, attribute) in [
        (base().with("Months", s("decimal")), "Months"),
        (base().with("Months", s("janitor")), "Months"),
        (base().with("Months", s("marchxyz-may")), "Months"),
        (base().with("MonthDays", s("1/14")), "MonthDays"),
        (base().with("DaysActive", s("3-L")), "DaysActive"),
        (
            base().with("Periods", Av::L(vec![period(&[("Months", "jan/13")])])),
            "Periods[0].Months",
        ),
        (
            base().with("Periods", Av::L(vec![period(&[("MonthDays", "L-13")])])),
            "Periods[0].MonthDays",
        ),
        (
            base().with("Periods", Av::L(vec![period(&[("StopTime", "10:00")])])),
            "Periods[0].StartTime",
        ),
    ] {
        let cfg = config(vec![item], vec![], vec![]);
        let e = cfg.errors.first().expect("an error");
        assert_eq!(e.attribute.as_deref(), Some(attribute), "{e}");
        assert!(e.to_string().contains("[ScheduleName=dev]"), "{e}");
    }
}
