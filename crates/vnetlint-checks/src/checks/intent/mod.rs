//! Connectivity intents declared in `vnetlint.toml` (VNL9xx).

pub(crate) mod intent_violated;
