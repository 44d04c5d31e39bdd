//! What the user declares about their network beside the templates (connectivity intents),
//! as plain data: the binary reads `vnetlint.toml`, the checks never see TOML.

use vnetlint_ir::Span;

/// Options and declarations the checks honour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub intents: Vec<Intent>,
    /// Ports to treat as management ports (VNL101) beyond SSH, RDP and WinRM, as ranges.
    pub extra_management_ports: Vec<(u16, u16)>,
    /// Ports to treat as data ports (VNL102) beyond the built-in list, as ranges.
    pub extra_data_ports: Vec<(u16, u16)>,
    /// The number of public source addresses above which the sources a rule lets through are
    /// broad, so that VNL101-VNL103 report it (`[exposure] broad_sources`); IPv6 counts in
    /// /64 networks.
    pub broad_sources: u64,
}

impl Config {
    /// Sources wider than a /16 (65,536 addresses) are broad: a /16 or less is a named
    /// administrator's or partner's range.
    pub const DEFAULT_BROAD_SOURCES: u64 = 65_536;
}

impl Default for Config {
    fn default() -> Self {
        Self {
            intents: Vec::new(),
            extra_management_ports: Vec::new(),
            extra_data_ports: Vec::new(),
            broad_sources: Self::DEFAULT_BROAD_SOURCES,
        }
    }
}

/// What must (or must not) be reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub name: Option<String>,
    /// Endpoints as `vnetlint reach` takes them.
    pub from: String,
    pub to: String,
    /// `N`, `A-B`, a comma list or `*`.
    pub ports: String,
    /// `tcp`, `udp`, `icmp`, `esp`, `ah` or `*`.
    pub protocol: String,
    pub expect: Expectation,
    /// `via = "<element address>"`: every allowed packet must cross this element (a firewall,
    /// or a network virtual appliance's NIC or VM).
    pub via: Option<String>,
    /// The `[[intent]]` table in the configuration file.
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    Allow,
    Deny,
}

impl Intent {
    /// The intent's name, or a description built from its endpoints.
    pub fn title(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            format!(
                "{} -> {} {}/{}",
                self.from, self.to, self.protocol, self.ports
            )
        })
    }
}
