//! The checks, grouped by family: `frontend` (VNL0xx), `exposure` (VNL1xx), `nsg` (VNL2xx).

pub(crate) mod exposure;
pub(crate) mod frontend;
pub(crate) mod nsg;
