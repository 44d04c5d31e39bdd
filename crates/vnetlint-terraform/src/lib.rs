//! The Terraform HCL frontend (being built).
