//! The exception items `schedctl` and the chat bot write on a user's
//! behalf, as the original tool wrote them, plus who made them.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::model::{Direction, ScheduleException};
use crate::ports::{CallError, ScheduleEditor};

/// Writes one exception, first removing any of the same schedule, date and
/// type, so the table never holds two that contradict each other. Returns
/// the new ExceptionUuid.
pub async fn replace<E: ScheduleEditor>(
    editor: &E,
    schedule: &str,
    day: NaiveDate,
    kind: Direction,
    value: Option<NaiveTime>,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<String, CallError> {
    for x in readable(editor).await? {
        if x.schedule == schedule && x.date == day && x.kind == kind {
            editor.delete_exception(&x.id).await?;
        }
    }
    let x = ScheduleException {
        id: uuid::Uuid::new_v4().to_string(),
        schedule: schedule.to_string(),
        date: day,
        kind,
        value,
    };
    editor.put_exception(x.to_item(created_by, now)).await?;
    Ok(x.id)
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
