//! The checks, grouped by family: `frontend` (VNL0xx), `exposure` and `topology` (VNL1xx),
//! `nsg` (VNL2xx), `ase` (VNL3xx), `address` (VNL5xx), `intent` (VNL9xx).

pub(crate) mod address;
pub(crate) mod ase;
pub(crate) mod exposure;
pub(crate) mod frontend;
pub(crate) mod intent;
pub(crate) mod nsg;
pub(crate) mod topology;
