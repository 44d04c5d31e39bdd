//! Checks about how the network is put together (VNL104 and, later, the address plan).

pub(crate) mod subnet_without_nsg;
