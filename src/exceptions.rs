//! The exception items `schedctl` and the chat bot write on a user's
//! behalf, as the original tool wrote them, plus who made them. Each
//! (schedule, date, type) has one item id, so two edits at once write the
//! same item rather than two that contradict each other.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::model::{Direction, ScheduleException};
use crate::ports::{CallError, Put, ScheduleEditor};

/// The ExceptionUuid the tools give the item of one schedule, date and type.
pub fn item_id(schedule: &str, day: NaiveDate, kind: Direction) -> String {
    format!("{schedule}/{day}/{kind}")
}

/// Writes the exception of `schedule` on `day` for `kind` with one
/// conditional put, after removing any other item for the same slot (ones
/// the original tool or a person wrote). Returns the id and whether the
/// value changed.
pub async fn replace<E: ScheduleEditor>(
    editor: &E,
    schedule: &str,
    day: NaiveDate,
    kind: Direction,
    value: Option<NaiveTime>,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<(String, Put), CallError> {
    let id = item_id(schedule, day, kind);
    for x in readable(editor).await? {
        if x.schedule == schedule && x.date == day && x.kind == kind && x.id != id {
            editor.delete_exception(&x.id).await?;
        }
    }
    let x = ScheduleException {
        id: id.clone(),
        schedule: schedule.to_string(),
        date: day,
        kind,
        value,
        created_by: Some(created_by.to_string()),
    };
    let put = editor.put_exception(x.to_item(now)).await?;
    Ok((id, put))
}

/// Removes the exceptions of a schedule on a date (of one kind, or both);
/// returns how many there were.
pub async fn cancel<E: ScheduleEditor>(
    editor: &E,
    schedule: &str,
    day: NaiveDate,
    kind: Option<Direction>,
) -> Result<usize, CallError> {
    let mut removed = 0;
    for x in readable(editor).await? {
        if x.schedule == schedule
            && x.date == day
            && kind.is_none_or(|k| k == x.kind)
            && editor.delete_exception(&x.id).await?
        {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Every exception item that parses.
async fn readable<E: ScheduleEditor>(editor: &E) -> Result<Vec<ScheduleException>, CallError> {
    Ok(editor
        .exceptions()
        .await?
        .iter()
        .filter_map(|i| ScheduleException::from_item(i).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use tokio::sync::Barrier;

    use super::*;
    use crate::memory::MemoryConfig;
    use crate::model::{Item, RawConfig};
    use crate::testing::{exception_item, utc};

    /// The tables, with every scan held until two edits have both scanned:
    /// the worst interleaving of two edits at once.
    struct BothScanFirst {
        store: MemoryConfig,
        barrier: Barrier,
    }

    impl ScheduleEditor for BothScanFirst {
        async fn exceptions(&self) -> Result<Vec<Item>, CallError> {
            let items = self.store.exceptions().await;
            self.barrier.wait().await;
            items
        }
        async fn put_exception(&self, item: Item) -> Result<Put, CallError> {
            self.store.put_exception(item).await
        }
        async fn delete_exception(&self, id: &str) -> Result<bool, CallError> {
            self.store.delete_exception(id).await
        }
        async fn set_force_start(&self, schedule: &str, value: bool) -> Result<(), CallError> {
            self.store.set_force_start(schedule, value).await
        }
    }

    #[tokio::test]
    async fn two_edits_at_once_leave_one_item() {
        let editor = BothScanFirst {
            store: MemoryConfig::new(RawConfig {
                exceptions: vec![exception_item(
                    "legacy-uuid",
                    "dev",
                    "2026-12-01",
                    "stop",
                    "23:00",
                )],
                ..RawConfig::default()
            }),
            barrier: Barrier::new(2),
        };
        let day = "2026-12-01".parse().unwrap();
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0);
        let now = utc("2026-11-30T12:00:00Z");
        let (a, b) = tokio::join!(
            replace(&editor, "dev", day, Direction::Stop, at(21), "alice", now),
            replace(&editor, "dev", day, Direction::Stop, at(22), "bob", now),
        );
        assert_eq!(a.unwrap().0, b.unwrap().0);
        let items = editor.store.raw.lock().unwrap().exceptions.clone();
        assert_eq!(items.len(), 1, "{items:?}");
    }

    #[tokio::test]
    async fn writing_the_same_value_again_changes_nothing() {
        let store = MemoryConfig::default();
        let day = "2026-12-01".parse().unwrap();
        let t = NaiveTime::from_hms_opt(22, 0, 0);
        let now = utc("2026-11-30T12:00:00Z");
        let first = replace(&store, "dev", day, Direction::Stop, t, "bob", now)
            .await
            .unwrap();
        let again = replace(&store, "dev", day, Direction::Stop, t, "bob", now)
            .await
            .unwrap();
        assert_eq!((first.1, again.1), (Put::Written, Put::Unchanged));
        assert_eq!(first.0, "dev/2026-12-01/stop");
    }
}
