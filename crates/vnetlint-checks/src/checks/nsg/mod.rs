//! Rule-set hygiene within one NSG (VNL2xx): duplicate priorities, invalid rules.

pub(crate) mod duplicate_priority;
pub(crate) mod invalid_rule;
