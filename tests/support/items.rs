//! Items, instances and instants: the library's own test builders.

pub use scheduler::testing::{
    config, exception_item, group_item, instance, item, period, s, schedule_item, utc as at, SEOUL,
};
