//! The state writes that are claims: each schedule's state written only if
//! its version is still the one the pass read. One schedule: a conditional
//! PutItem. Several (a round that moves many schedules): TransactWriteItems
//! of up to 100, one call where there were as many PutItems. A transaction
//! is all or nothing, so when one write's condition fails the others are
//! sent again without it; a write that only met another transaction or
//! the table's throughput goes alone as a PutItem (whose condition
//! decides, with the SDK's retries); each write's result stays its own.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

use super::aws_error;
use super::dynamodb::Dynamo;
use super::state::{PARTITION_ATTR, STATE_ATTR, VERSION_ATTR};
use crate::ports::{CallError, Saved, StateWrite};
use crate::state::ScheduleState;

/// Writes in one transaction (DynamoDB's limit).
const MAX_WRITES: usize = 100;
/// Bytes of states in one transaction: under DynamoDB's 4 MB, with room
/// for keys and attribute names.
const MAX_BYTES: usize = 3_500_000;

/// What a conditional state write puts, and on what condition.
#[derive(Clone)]
struct Claim {
    item: HashMap<String, AttributeValue>,
    condition: &'static str,
    names: Option<HashMap<String, String>>,
    values: Option<HashMap<String, AttributeValue>>,
    next: u64,
}

impl Dynamo {
    fn claim(&self, schedule: &str, state: &ScheduleState, expected: u64) -> Claim {
        let json = serde_json::to_string(state).expect("state serialises");
        let next = expected + 1;
        let mut item = HashMap::from([
            (
                "ScheduleName".to_string(),
                AttributeValue::S(self.state_key(schedule)),
            ),
            (STATE_ATTR.to_string(), AttributeValue::S(json)),
            (
                VERSION_ATTR.to_string(),
                AttributeValue::N(next.to_string()),
            ),
        ]);
        if let Some(p) = &self.partition {
            item.insert(PARTITION_ATTR.to_string(), AttributeValue::S(p.clone()));
        }
        let (condition, names, values) = match expected {
            0 => ("attribute_not_exists(ScheduleName)", None, None),
            _ => (
                "#v = :v",
                Some(HashMap::from([(
                    "#v".to_string(),
                    VERSION_ATTR.to_string(),
                )])),
                Some(HashMap::from([(
                    ":v".to_string(),
                    AttributeValue::N(expected.to_string()),
                )])),
            ),
        };
        Claim {
            item,
            condition,
            names,
            values,
            next,
        }
    }

    /// One conditional PutItem.
    pub(super) async fn put_state(
        &self,
        schedule: &str,
        state: &ScheduleState,
        expected: u64,
    ) -> Result<Saved, CallError> {
        self.put_claim(self.claim(schedule, state, expected)).await
    }

    /// One claim as a conditional PutItem.
    async fn put_claim(&self, c: Claim) -> Result<Saved, CallError> {
        let sent = self
            .client()
            .put_item()
            .table_name(&self.tables.state)
            .set_item(Some(c.item))
            .condition_expression(c.condition)
            .set_expression_attribute_names(c.names)
            .set_expression_attribute_values(c.values)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Saved::Written(c.next)),
            // Another pass wrote first, or its transaction is writing now.
            Err(e)
                if e.as_service_error().is_some_and(|s| {
                    s.is_conditional_check_failed_exception()
                        || s.is_transaction_conflict_exception()
                }) =>
            {
                Ok(Saved::Conflict)
            }
            Err(e) => Err(aws_error("dynamodb:PutItem state", e)),
        }
    }

    /// Every write, in transactions of up to [`MAX_WRITES`] and
    /// [`MAX_BYTES`]; a lone write as a PutItem.
    pub(super) async fn put_states(
        &self,
        writes: &[StateWrite<'_>],
    ) -> Vec<Result<Saved, CallError>> {
        let claims: Vec<Claim> = writes
            .iter()
            .map(|w| self.claim(w.schedule, w.state, w.expected))
            .collect();
        let mut out: Vec<Option<Result<Saved, CallError>>> = vec![None; writes.len()];
        for chunk in chunks(&claims) {
            let mut pending = chunk;
            while !pending.is_empty() {
                if let [one] = pending[..] {
                    out[one] = Some(self.put_claim(claims[one].clone()).await);
                    break;
                }
                let next = self.transact(&claims, pending, &mut out).await;
                for i in next.alone {
                    out[i] = Some(self.put_claim(claims[i].clone()).await);
                }
                pending = next.again;
            }
        }
        out.into_iter()
            .map(|r| r.expect("every write answered"))
            .collect()
    }

    /// One transaction of the claims at `indexes`; fills `out` with what is
    /// settled and says which writes to send again.
    async fn transact(
        &self,
        claims: &[Claim],
        indexes: Vec<usize>,
        out: &mut [Option<Result<Saved, CallError>>],
    ) -> Next {
        let items = indexes.iter().map(|i| {
            let c = &claims[*i];
            let put = Put::builder()
                .table_name(&self.tables.state)
                .set_item(Some(c.item.clone()))
                .condition_expression(c.condition)
                .set_expression_attribute_names(c.names.clone())
                .set_expression_attribute_values(c.values.clone())
                .build()
                .expect("table, item and condition are set");
            TransactWriteItem::builder().put(put).build()
        });
        let sent = self
            .client()
            .transact_write_items()
            .set_transact_items(Some(items.collect()))
            .send()
            .await;
        let e = match sent {
            Ok(_) => {
                for i in indexes {
                    out[i] = Some(Ok(Saved::Written(claims[i].next)));
                }
                return Next::default();
            }
            Err(e) => e,
        };
        let reasons = match e.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                c.cancellation_reasons().to_vec()
            }
            _ => vec![],
        };
        if reasons.len() != indexes.len() {
            let error = aws_error("dynamodb:TransactWriteItems state", e);
            for i in indexes {
                out[i] = Some(Err(error.clone()));
            }
            return Next::default();
        }
        let sent = indexes.len();
        let mut next = Next::default();
        for (i, reason) in indexes.into_iter().zip(reasons) {
            match reason.code().unwrap_or("None") {
                "None" => next.again.push(i),
                // Another pass's write got there first.
                "ConditionalCheckFailed" => out[i] = Some(Ok(Saved::Conflict)),
                // Another transaction on the item, or the table's limits:
                // alone, its own condition decides and the SDK retries.
                "TransactionConflict"
                | "ThrottlingError"
                | "ProvisionedThroughputExceeded"
                | "RequestLimitExceeded" => next.alone.push(i),
                code => {
                    let message = reason.message().unwrap_or_default();
                    out[i] = Some(Err(CallError::new(
                        "dynamodb:TransactWriteItems state",
                        code,
                        message,
                    )));
                }
            }
        }
        if next.again.len() == sent {
            // Cancelled with no reason given: nothing would change by asking again.
            let error = CallError::new(
                "dynamodb:TransactWriteItems state",
                "TransactionCanceledException",
                "cancelled without a reason",
            );
            for i in next.again.drain(..) {
                out[i] = Some(Err(error.clone()));
            }
        }
        next
    }
}

/// What to do with the writes of a cancelled transaction that are not
/// settled: send them again together, or each alone.
#[derive(Default)]
struct Next {
    again: Vec<usize>,
    alone: Vec<usize>,
}

/// The claims' indexes in transactions of at most [`MAX_WRITES`] writes
/// and [`MAX_BYTES`] of states (a state is at most 400 KB).
fn chunks(claims: &[Claim]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut bytes = 0;
    for (i, c) in claims.iter().enumerate() {
        let size = match c.item.get(STATE_ATTR) {
            Some(AttributeValue::S(json)) => json.len(),
            _ => 0,
        };
        match out.last_mut() {
            Some(last) if last.len() < MAX_WRITES && bytes + size <= MAX_BYTES => {
                last.push(i);
                bytes += size;
            }
            _ => {
                out.push(vec![i]);
                bytes = size;
            }
        }
    }
    out
}
