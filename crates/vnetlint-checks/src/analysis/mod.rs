//! Shared analyses that are not rules: what several checks ask of the network and the engine
//! before they decide what to report. The connection-string parser (the backend checks and the
//! `connstr` fuzz target), the Internet exposure query (VNL101-103) and whether the sources it
//! finds are broad, and the reading of address lists (the address plan checks, VNL304 and the
//! context's guarded addresses).

pub(crate) mod addresses;
pub(crate) mod broad_sources;
pub(crate) mod connection_string;
pub(crate) mod entry_points;
pub(crate) mod port_exposure;

use vnetlint_engine::PortSet;

/// Inclusive port ranges as one set.
pub(crate) fn port_set(ranges: &[(u16, u16)]) -> PortSet {
    ranges.iter().fold(PortSet::empty(), |set, &(lo, hi)| {
        set.union(&PortSet::range(lo, hi))
    })
}
