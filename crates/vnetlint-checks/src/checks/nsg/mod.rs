//! Rule-set hygiene within one NSG (VNL2xx): shadowed and redundant rules, duplicate
//! priorities, invalid rules.

pub(crate) mod duplicate_priority;
pub(crate) mod invalid_rule;
pub(crate) mod redundant_rule;
pub(crate) mod shadowed_rule;
