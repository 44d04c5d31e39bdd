//! NSG semantics and packet sets (being built).
