//! The checks, grouped by family: `frontend` (VNL0xx), `exposure` and `topology` (VNL1xx),
//! `nsg` (VNL2xx).

pub(crate) mod exposure;
pub(crate) mod frontend;
pub(crate) mod nsg;
pub(crate) mod topology;
