//! What the Internet can reach through an NSG (VNL1xx), and the shared exposure query.

pub(crate) mod internet_exposed_all_ports;
pub(crate) mod internet_exposed_data_port;
pub(crate) mod internet_exposed_management_port;
mod port_exposure;

pub(crate) use port_exposure::{PortClass, report_port_exposure, units};
