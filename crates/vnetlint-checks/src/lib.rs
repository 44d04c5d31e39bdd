//! The rule catalog (being built).
