//! AWS Instance Scheduler's configuration table as Schedule items. What
//! its items mean and ours can say exactly is converted; everything else
//! is named with its reason and left out, never approximated. Pure:
//! `schedctl import aws-instance-scheduler` reads and writes through a port.
//!
//! Its items (see its `model/period_definition.py` and
//! `schedule_definition.py`): `type` `period` with `name`, `begintime`,
//! `endtime` (`H:MM` or `HH:MM`) and the string sets `weekdays`,
//! `monthdays`, `months`; `type` `schedule` with `name`, the string set
//! `periods` (`name` or `name@instance_type`), `timezone`, the booleans
//! `enforced`, `hibernate`, `retain_running`, `stop_new_instances`,
//! `use_maintenance_window`, and `override_status`, `ssm_maintenance_window`.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue as Av;

use crate::model::{DaysActive, Item, MonthDays, Months};

/// The attribute that marks the Schedule items the import wrote: the only
/// ones it ever overwrites.
pub const IMPORTED_FROM: &str = "ImportedFrom";
/// Its value.
pub const PEER: &str = "aws-instance-scheduler";

/// The attributes the import owns. A new import of a changed schedule
/// replaces these and keeps the rest (HolidayCalendars, Targets, an
/// Enabled that a user turned off), as every tool here keeps what it does
/// not own.
const OWNED: [&str; 9] = [
    "ScheduleName",
    "TagValue",
    "DaysActive",
    "StartTime",
    "StopTime",
    "TimeZone",
    "Enforced",
    "Periods",
    IMPORTED_FROM,
];

/// The whole table converted.
#[derive(Debug, Default)]
pub struct Conversion {
    /// One per schedule that keeps at least one period, by name.
    pub schedules: Vec<Converted>,
    /// Schedules skipped whole, one line each with the reason.
    pub skipped: Vec<String>,
}

/// One schedule as a Schedule item, with what it had that was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub name: String,
    pub item: Item,
    pub periods: usize,
    pub left_out: Vec<String>,
}

/// What a converted item does to the Schedule table.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// No item of that name: write this one.
    Create(Item),
    /// The import's item is there with the same owned attributes.
    Unchanged,
    /// The import's item is there and differs: write this merge.
    Update(Item),
    /// An item of that name that the import did not write: never touched.
    Foreign,
}

/// Converts every `period` and `schedule` item of `table` (other types,
/// such as its old `config` item, mean nothing here).
pub fn convert(table: &str, items: &[Item]) -> Conversion {
    let mut periods = HashMap::new();
    let mut schedules = BTreeMap::new();
    let mut out = Conversion::default();
    for item in items {
        let (Some(kind), Some(name)) = (text(item, "type"), text(item, "name")) else {
            continue;
        };
        match kind {
            "period" => {
                periods.insert(name.to_string(), item);
            }
            "schedule" => {
                schedules.insert(name.to_string(), item);
            }
            _ => {}
        }
    }
    for (name, item) in schedules {
        let at = |attr: &str| format!("table {table}, schedule {name:?}, attribute {attr}");
        match schedule(&name, item, &periods, at) {
            Ok(c) => out.schedules.push(c),
            Err(why) => out.skipped.push(format!("{name:?}: {why}")),
        }
    }
    out
}

/// One schedule; `Err` says why it is skipped whole.
fn schedule(
    name: &str,
    item: &Item,
    periods: &HashMap<String, &Item>,
    at: impl Fn(&str) -> String,
) -> Result<Converted, String> {
    if let Some(status) = item.0.get("override_status") {
        let status = match status {
            Av::S(s) => s.as_str(),
            _ => "?",
        };
        return Err(format!(
            "override_status={status}: AWS Instance Scheduler holds the servers {status} whatever the periods say, and there is no such override here"
        ));
    }
    let mut left_out = unsupported(item, &at)?;
    let mut maps = period_maps(item, periods, &at, &mut left_out)?;
    maps.sort_by(|a, b| a.0.cmp(&b.0));
    maps.dedup();
    let count = maps.len();
    let mut out = Item::default()
        .with("ScheduleName", Av::S(name.into()))
        .with("TagValue", Av::S(name.into()))
        // The periods say it all: the schedule's own window has no events.
        .with("DaysActive", Av::S("all".into()))
        .with("StartTime", Av::S("None".into()))
        .with("StopTime", Av::S("None".into()))
        .with("Enabled", Av::Bool(true))
        .with("Enforced", Av::Bool(flag(item, "enforced", &at)?))
        .with(
            "Periods",
            Av::L(maps.into_iter().map(|(_, m)| Av::M(m)).collect()),
        )
        .with(IMPORTED_FROM, Av::S(PEER.into()));
    match item.0.get("timezone") {
        None => left_out.push(
            "timezone: none set, so TIMEZONE applies here (AWS Instance Scheduler used its stack's default time zone)".into(),
        ),
        Some(Av::S(z)) => {
            if z.trim().parse::<chrono_tz::Tz>().is_err() {
                return Err(format!("{}: {z:?} is not an IANA time zone", at("timezone")));
            }
            out = out.with("TimeZone", Av::S(z.trim().into()));
        }
        Some(_) => return Err(format!("{} must be a string (S)", at("timezone"))),
    }
    Ok(Converted {
        name: name.to_string(),
        item: out,
        periods: count,
        left_out,
    })
}

/// What the schedule asks that has no counterpart here, each said once.
fn unsupported(item: &Item, at: &impl Fn(&str) -> String) -> Result<Vec<String>, String> {
    let mut left_out = Vec::new();
    if flag(item, "hibernate", at)? {
        left_out.push(
            "hibernate: the servers are stopped, not hibernated (no hibernation here)".into(),
        );
    }
    if flag(item, "retain_running", at)? {
        left_out.push(
            "retain_running: servers started by hand before a period are stopped at its end all the same (no such rule here)".into(),
        );
    }
    let windows = strings(item, "ssm_maintenance_window", at)?.unwrap_or_default();
    if !windows.is_empty() || flag(item, "use_maintenance_window", at)? {
        left_out.push(format!(
            "maintenance windows{}: the servers are not started for them (no SSM maintenance windows here)",
            if windows.is_empty() {
                String::new()
            } else {
                format!(" {}", windows.join(", "))
            }
        ));
    }
    Ok(left_out)
}

/// One entry of `Periods`, as a DynamoDB map.
type PeriodMap = HashMap<String, Av>;

/// Its periods as `Periods` entries, by name; what cannot be read goes to
/// `left_out`, and none at all skips the schedule.
fn period_maps(
    item: &Item,
    periods: &HashMap<String, &Item>,
    at: &impl Fn(&str) -> String,
    left_out: &mut Vec<String>,
) -> Result<Vec<(String, PeriodMap)>, String> {
    let mut maps = Vec::new();
    let mut unread = Vec::new();
    let ids = strings(item, "periods", at)?.unwrap_or_default();
    for id in &ids {
        let (period_name, size) = match id.split_once('@') {
            Some((p, size)) => (p, Some(size)),
            None => (id.as_str(), None),
        };
        let Some(p) = periods.get(period_name) else {
            unread.push(format!(
                "period {id:?}: there is no period item {period_name:?}"
            ));
            continue;
        };
        match period(p) {
            Ok(map) => {
                if let Some(size) = size {
                    left_out.push(format!(
                        "period {id:?}: its window is imported, but the servers keep their instance type (no resizing to {size} here)"
                    ));
                }
                maps.push((period_name.to_string(), map));
            }
            Err(why) => unread.push(format!("period {id:?}: {why}")),
        }
    }
    if maps.is_empty() {
        return Err(if unread.is_empty() {
            "it has no periods".to_string()
        } else {
            format!(
                "none of its periods can be expressed: {}",
                unread.join("; ")
            )
        });
    }
    left_out.extend(unread);
    Ok(maps)
}

/// One period as an entry of `Periods`; `Err` says why it cannot be.
fn period(item: &Item) -> Result<HashMap<String, Av>, String> {
    let at = |attr: &str| format!("attribute {attr}");
    let clock = |attr: &str| -> Result<Option<String>, String> {
        match item.0.get(attr) {
            None => Ok(None),
            Some(Av::S(t)) => normalise_clock(t)
                .map(Some)
                .ok_or_else(|| format!("{}: {t:?} is not a time H:MM", at(attr))),
            Some(_) => Err(format!("{} must be a string (S)", at(attr))),
        }
    };
    let mut map = HashMap::new();
    match (clock("begintime")?, clock("endtime")?) {
        (None, None) => {} // all day
        (Some(_), None) => {
            return Err(
                "it has a begintime and no endtime: AWS Instance Scheduler stops the servers when the period's days end, here they would run on".into(),
            )
        }
        (None, Some(stop)) => {
            map.insert("StartTime".into(), Av::S("None".into()));
            map.insert("StopTime".into(), Av::S(stop));
        }
        (Some(start), Some(stop)) if start >= stop => {
            return Err(format!(
                "begintime {start} is not before endtime {stop}: AWS Instance Scheduler never runs it, here it would run past midnight"
            ))
        }
        (Some(start), Some(stop)) => {
            map.insert("StartTime".into(), Av::S(start));
            map.insert("StopTime".into(), Av::S(stop));
        }
    }
    // Each set is read as the scheduler will read it: what it cannot read
    // is listed, never written for the scheduler to refuse later.
    let days = strings(item, "weekdays", at)?.map_or("all".into(), |d| d.join(","));
    DaysActive::parse(&days).map_err(|e| format!("{}: {e}", at("weekdays")))?;
    map.insert("DaysActive".into(), Av::S(days));
    for (theirs, ours) in [("monthdays", "MonthDays"), ("months", "Months")] {
        if let Some(v) = strings(item, theirs, at)? {
            let text = v.join(",");
            let read = if theirs == "months" {
                Months::parse(&text).map(drop)
            } else {
                MonthDays::parse(&text).map(drop)
            };
            read.map_err(|e| format!("{}: {e}", at(theirs)))?;
            map.insert(ours.into(), Av::S(text));
        }
    }
    Ok(map)
}

/// `H:MM` or `HH:MM` (its format, `^([0|1]?\d|2[0-3]):[0-5]\d$`) as `HH:MM`.
pub fn normalise_clock(text: &str) -> Option<String> {
    let (h, m) = text.trim().split_once(':')?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// A string set (SS) as it writes them, a list of strings (L) or a
/// comma-separated string (S) as hand-made items hold them; sorted, since a
/// set has no order and the same table must give the same item twice.
fn strings(
    item: &Item,
    attr: &str,
    at: impl Fn(&str) -> String,
) -> Result<Option<Vec<String>>, String> {
    let mut v: Vec<String> = match item.0.get(attr) {
        None => return Ok(None),
        Some(Av::Ss(v)) => v.iter().map(|s| s.trim().to_string()).collect(),
        Some(Av::S(s)) => s.split(',').map(|s| s.trim().to_string()).collect(),
        Some(Av::L(l)) => l
            .iter()
            .map(|x| match x {
                Av::S(s) => Ok(s.trim().to_string()),
                _ => Err(format!("{} must be a string set (SS)", at(attr))),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(format!("{} must be a string set (SS)", at(attr))),
    };
    v.retain(|s| !s.is_empty());
    v.sort();
    v.dedup();
    Ok((!v.is_empty()).then_some(v))
}

/// A boolean as it reads them: BOOL, or a string `true`/`false` (any case).
fn flag(item: &Item, attr: &str, at: impl Fn(&str) -> String) -> Result<bool, String> {
    match item.0.get(attr) {
        None => Ok(false),
        Some(Av::Bool(b)) => Ok(*b),
        Some(Av::S(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Av::S(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(format!("{} must be a boolean (BOOL)", at(attr))),
    }
}

fn text<'a>(item: &'a Item, attr: &str) -> Option<&'a str> {
    match item.0.get(attr) {
        Some(Av::S(s)) => Some(s),
        _ => None,
    }
}

/// What writing `new` does where `existing` stands.
pub fn verdict(new: &Item, existing: Option<&Item>) -> Verdict {
    let Some(old) = existing else {
        return Verdict::Create(new.clone());
    };
    if text(old, IMPORTED_FROM) != Some(PEER) {
        return Verdict::Foreign;
    }
    if OWNED.iter().all(|a| old.0.get(*a) == new.0.get(*a)) {
        return Verdict::Unchanged;
    }
    let mut merged = old.clone();
    merged.0.retain(|k, _| !OWNED.contains(&k.as_str()));
    for a in OWNED {
        if let Some(v) = new.0.get(a) {
            merged.0.insert(a.into(), v.clone());
        }
    }
    Verdict::Update(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ss(v: &[&str]) -> Av {
        Av::Ss(v.iter().map(|s| s.to_string()).collect())
    }

    fn s(v: &str) -> Av {
        Av::S(v.into())
    }

    fn item(pairs: Vec<(&str, Av)>) -> Item {
        pairs
            .into_iter()
            .fold(Item::default(), |i, (k, v)| i.with(k, v))
    }

    fn period(name: &str, more: Vec<(&str, Av)>) -> Item {
        let mut pairs = vec![("type", s("period")), ("name", s(name))];
        pairs.extend(more);
        item(pairs)
    }

    fn schedule(name: &str, more: Vec<(&str, Av)>) -> Item {
        let mut pairs = vec![("type", s("schedule")), ("name", s(name))];
        pairs.extend(more);
        item(pairs)
    }

    #[test]
    fn sets_the_scheduler_cannot_read_are_listed_not_written() {
        let ss = |v: &[&str]| Av::Ss(v.iter().map(|x| x.to_string()).collect());
        for (attr, value) in [
            ("monthdays", "1/14"),
            ("months", "decimal"),
            ("weekdays", "funday"),
        ] {
            let bad = period(
                "bad",
                vec![
                    ("begintime", s("09:00")),
                    ("endtime", s("17:00")),
                    (attr, ss(&[value])),
                ],
            );
            let why = super::period(&bad).unwrap_err();
            assert!(why.contains(attr), "{why}");
        }
    }

    fn office() -> Item {
        period(
            "office",
            vec![
                ("begintime", s("9:00")),
                ("endtime", s("18:00")),
                ("weekdays", ss(&["mon-fri"])),
            ],
        )
    }

    fn periods_of(c: &Converted) -> Vec<HashMap<String, Av>> {
        match c.item.0.get("Periods") {
            Some(Av::L(l)) => l
                .iter()
                .map(|m| match m {
                    Av::M(m) => m.clone(),
                    _ => panic!("not a map"),
                })
                .collect(),
            _ => panic!("no Periods"),
        }
    }

    #[test]
    fn a_schedule_becomes_one_item_keyed_and_tagged_by_its_name() {
        let c = convert(
            "cfg",
            &[
                office(),
                schedule(
                    "office-hours",
                    vec![
                        ("periods", ss(&["office"])),
                        ("timezone", s("Europe/Berlin")),
                        ("enforced", Av::Bool(true)),
                    ],
                ),
            ],
        );
        assert!(c.skipped.is_empty(), "{:?}", c.skipped);
        let one = &c.schedules[0];
        assert_eq!(one.name, "office-hours");
        let i = &one.item.0;
        assert_eq!(i["ScheduleName"], s("office-hours"));
        assert_eq!(i["TagValue"], s("office-hours"));
        assert_eq!(i["TimeZone"], s("Europe/Berlin"));
        assert_eq!(i["Enforced"], Av::Bool(true));
        assert_eq!(i["Enabled"], Av::Bool(true));
        assert_eq!(i[IMPORTED_FROM], s(PEER));
        let p = &periods_of(one)[0];
        assert_eq!(p["StartTime"], s("09:00"));
        assert_eq!(p["StopTime"], s("18:00"));
        assert_eq!(p["DaysActive"], s("mon-fri"));
        assert!(one.left_out.is_empty(), "{:?}", one.left_out);
    }

    #[test]
    fn sets_are_joined_in_one_order_and_month_limits_stay_with_their_period() {
        let p = period(
            "first-week",
            vec![
                ("weekdays", ss(&["wed", "mon"])),
                ("monthdays", ss(&["1-7"])),
                ("months", ss(&["jan/3", "dec"])),
            ],
        );
        let c = convert(
            "cfg",
            &[p, schedule("s", vec![("periods", ss(&["first-week"]))])],
        );
        let map = &periods_of(&c.schedules[0])[0];
        assert_eq!(map["DaysActive"], s("mon,wed"));
        assert_eq!(map["MonthDays"], s("1-7"));
        assert_eq!(map["Months"], s("dec,jan/3"));
        // No times: all day, written without StartTime and StopTime.
        assert!(!map.contains_key("StartTime") && !map.contains_key("StopTime"));
    }

    #[test]
    fn times_become_hh_mm_and_bad_ones_are_named() {
        assert_eq!(normalise_clock("9:05").as_deref(), Some("09:05"));
        assert_eq!(normalise_clock("23:59").as_deref(), Some("23:59"));
        for bad in ["24:00", "9:5", "09:60", "nine", "", "9"] {
            assert_eq!(normalise_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn resizing_is_left_out_but_the_window_is_kept() {
        let c = convert(
            "cfg",
            &[
                office(),
                schedule("big", vec![("periods", ss(&["office@t3.large"]))]),
            ],
        );
        let one = &c.schedules[0];
        assert_eq!(one.periods, 1);
        assert!(
            one.left_out.iter().any(|l| l.contains("t3.large")),
            "{:?}",
            one.left_out
        );
    }

    #[test]
    fn an_override_skips_the_schedule_whole() {
        let c = convert(
            "cfg",
            &[
                office(),
                schedule(
                    "hold",
                    vec![
                        ("periods", ss(&["office"])),
                        ("override_status", s("running")),
                    ],
                ),
                schedule("only-override", vec![("override_status", s("stopped"))]),
            ],
        );
        assert!(c.schedules.is_empty());
        assert_eq!(c.skipped.len(), 2);
        assert!(
            c.skipped[0].contains("override_status=running"),
            "{:?}",
            c.skipped
        );
    }

    #[test]
    fn what_has_no_equivalent_is_listed_and_the_rest_imported() {
        let c = convert(
            "cfg",
            &[
                office(),
                schedule(
                    "s",
                    vec![
                        ("periods", ss(&["office", "ghost"])),
                        ("hibernate", Av::Bool(true)),
                        ("retain_running", s("True")),
                        ("ssm_maintenance_window", ss(&["patch-tuesday"])),
                    ],
                ),
            ],
        );
        let one = &c.schedules[0];
        let said = one.left_out.join("\n");
        for word in [
            "hibernate",
            "retain_running",
            "patch-tuesday",
            "ghost",
            "timezone",
        ] {
            assert!(said.contains(word), "{word}: {said}");
        }
        assert_eq!(one.periods, 1);
    }

    #[test]
    fn periods_that_mean_something_else_here_are_not_guessed() {
        let open = period("open", vec![("begintime", s("08:00"))]);
        let backwards = period(
            "backwards",
            vec![("begintime", s("18:00")), ("endtime", s("08:00"))],
        );
        let closing = period("closing", vec![("endtime", s("19:30"))]);
        let c = convert(
            "cfg",
            &[
                open,
                backwards,
                closing,
                schedule("a", vec![("periods", ss(&["open", "backwards"]))]),
                schedule("b", vec![("periods", ss(&["closing"]))]),
            ],
        );
        assert_eq!(c.skipped.len(), 1, "{:?}", c.skipped);
        assert!(c.skipped[0].starts_with("\"a\": none of its periods"));
        let map = &periods_of(&c.schedules[0])[0];
        assert_eq!(map["StartTime"], s("None"));
        assert_eq!(map["StopTime"], s("19:30"));
    }

    #[test]
    fn mistyped_attributes_are_named() {
        let c = convert(
            "cfg",
            &[
                office(),
                schedule(
                    "s",
                    vec![
                        ("periods", ss(&["office"])),
                        ("enforced", Av::N("1".into())),
                    ],
                ),
            ],
        );
        assert_eq!(
            c.skipped,
            ["\"s\": table cfg, schedule \"s\", attribute enforced must be a boolean (BOOL)"]
        );
    }

    #[test]
    fn the_imports_own_items_are_kept_up_to_date_and_no_one_elses_touched() {
        let c = convert(
            "cfg",
            &[office(), schedule("s", vec![("periods", ss(&["office"]))])],
        );
        let new = &c.schedules[0].item;
        assert_eq!(verdict(new, None), Verdict::Create(new.clone()));
        assert_eq!(verdict(new, Some(new)), Verdict::Unchanged);
        let users = new.clone().with("Enabled", Av::Bool(false)).with(
            "HolidayCalendars",
            Av::L(vec![s("https://h.example/x.ics")]),
        );
        assert_eq!(verdict(new, Some(&users)), Verdict::Unchanged);
        let changed = new.clone().with("TimeZone", s("UTC"));
        let Verdict::Update(merged) = verdict(new, Some(&changed.with("Enabled", Av::Bool(false))))
        else {
            panic!("not an update");
        };
        assert!(!merged.0.contains_key("TimeZone"));
        assert_eq!(merged.0["Enabled"], Av::Bool(false));
        let mut foreign = new.clone();
        foreign.0.remove(IMPORTED_FROM);
        assert_eq!(verdict(new, Some(&foreign)), Verdict::Foreign);
    }
}
