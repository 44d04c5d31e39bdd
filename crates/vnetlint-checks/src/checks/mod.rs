//! The checks, grouped by family: `frontend` (VNL0xx), `exposure`, `topology` and `entry` (VNL1xx),
//! `nsg` (VNL2xx), `ase` (VNL3xx), `backend` (VNL307, VNL4xx), `address` (VNL5xx), `paas`
//! (VNL6xx), `routing` (VNL701 and up), `intent` (VNL901), `change` (VNL910 and VNL911, raised
//! by `vnetlint diff`).

pub(crate) mod address;
pub(crate) mod ase;
pub(crate) mod backend;
pub(crate) mod change;
pub(crate) mod entry;
pub(crate) mod exposure;
pub(crate) mod frontend;
pub(crate) mod intent;
pub(crate) mod nsg;
pub(crate) mod paas;
pub(crate) mod routing;
pub(crate) mod topology;
