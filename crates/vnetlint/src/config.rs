//! Reading `vnetlint.toml`: connectivity intents, with the span of each `[[intent]]` so that
//! VNL901 can point at it. A file that does not parse is a VNL001 finding, like any template.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use vnetlint_checks::{Config, Expectation, Intent};
use vnetlint_diagnostics::{Finding, Label};
use vnetlint_source::{FileId, Span, TextRange};

use crate::Run;

/// The name looked for at the scan root.
pub const CONFIG_FILE: &str = "vnetlint.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    intent: Vec<toml::Spanned<RawIntent>>,
    /// Rule code or name → `off`, `note`, `warning` or `error`.
    #[serde(default)]
    rules: std::collections::BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    ports: RawPorts,
    /// Paths (globs, relative to the scanned directory) not to analyze.
    #[serde(default)]
    exclude: Vec<String>,
    /// Resource limits (`max_instances = 50000`), see `docs/limits.md`.
    #[serde(default)]
    limits: crate::limits::RawLimits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPorts {
    #[serde(default)]
    management: Vec<toml::Spanned<Ports>>,
    #[serde(default)]
    data: Vec<toml::Spanned<Ports>>,
}

/// Everything `vnetlint.toml` sets: what the checks read, and what the driver applies.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub checks: Config,
    /// Per-rule level overrides; `None` turns the rule off.
    pub levels: std::collections::BTreeMap<&'static str, Option<vnetlint_diagnostics::Level>>,
    pub exclude: Vec<String>,
    /// `[limits]`: the limits the file sets (flags override them).
    pub limits: crate::limits::LimitSettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    name: Option<String>,
    from: String,
    to: String,
    #[serde(default)]
    ports: Option<Ports>,
    #[serde(default)]
    protocol: Option<String>,
    expect: String,
}

/// `ports = 1433` and `ports = "1433"` both work.
#[derive(Deserialize)]
#[serde(untagged)]
enum Ports {
    Number(u16),
    Text(String),
}

/// The configuration file to use: the one named, else `vnetlint.toml` in the first scanned
/// directory that has one.
pub(crate) fn find(explicit: Option<&Path>, scan_roots: &[PathBuf]) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    scan_roots
        .iter()
        .map(|root| root.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Loads the configuration into the run; problems become VNL001 findings at their position.
pub(crate) fn load(run: &mut Run, path: &Path) -> Settings {
    let Some(file) = run.load(path) else {
        return Settings::default();
    };
    let text = run.sources.get(file).text.clone();
    match parse(&text, file) {
        Ok(config) => config,
        Err((range, message)) => {
            let shown = run.sources.get(file).path.clone();
            let check = vnetlint_checks::check_by_code("VNL001").expect("VNL001 is registered");
            run.findings.push(Finding::new(
                check.code,
                check.name,
                check.default_level,
                format!(
                    "cannot read `{shown}`: {message}; the intents in it are not checked until it is fixed"
                ),
                Label::new(Span::new(file, range), "here"),
            ));
            Settings::default()
        }
    }
}

/// Parses the text of a configuration file.
pub fn parse(text: &str, file: FileId) -> Result<Settings, (TextRange, String)> {
    let raw: RawFile = toml::from_str(text).map_err(|err| {
        let range = err
            .span()
            .map_or(TextRange::empty(0), TextRange::from_usize);
        (range, err.message().trim().to_owned())
    })?;
    let mut intents = Vec::new();
    for spanned in raw.intent {
        let range = TextRange::from_usize(spanned.span());
        let raw = spanned.into_inner();
        let expect = match raw.expect.to_ascii_lowercase().as_str() {
            "allow" => Expectation::Allow,
            "deny" => Expectation::Deny,
            other => {
                return Err((
                    range,
                    format!("`expect = \"{other}\"` must be `allow` or `deny`"),
                ));
            }
        };
        let ports = match raw.ports {
            Some(Ports::Number(n)) => n.to_string(),
            Some(Ports::Text(t)) => t,
            None => "*".to_owned(),
        };
        if vnetlint_engine::parse_ports(&ports).is_none() {
            return Err((
                range,
                format!("`ports = \"{ports}\"` must be N, A-B, a comma list of those, or *"),
            ));
        }
        let protocol = raw.protocol.unwrap_or_else(|| "tcp".to_owned());
        if vnetlint_engine::parse_protocols(&protocol).is_none() {
            return Err((
                range,
                format!("`protocol = \"{protocol}\"` must be tcp, udp, icmp, esp, ah or *"),
            ));
        }
        intents.push(Intent {
            name: raw.name,
            from: raw.from,
            to: raw.to,
            ports,
            protocol,
            expect,
            span: Span::new(file, range),
        });
    }
    let mut levels = std::collections::BTreeMap::new();
    for (rule, level) in raw.rules {
        let range = TextRange::from_usize(level.span());
        let Some(check) = vnetlint_checks::check_by_code(&rule) else {
            return Err((
                range,
                format!("`{rule}` is not a rule; `vnetlint rules` lists them"),
            ));
        };
        let value = match level.get_ref().to_ascii_lowercase().as_str() {
            "off" => None,
            other => Some(vnetlint_diagnostics::Level::parse(other).ok_or_else(|| {
                (
                    range,
                    format!("the level of `{rule}` must be `off`, `note`, `warning` or `error`"),
                )
            })?),
        };
        levels.insert(check.code, value);
    }
    let ranges = |list: Vec<toml::Spanned<Ports>>| -> Result<Vec<(u16, u16)>, (TextRange, String)> {
        let mut out = Vec::new();
        for item in list {
            let range = TextRange::from_usize(item.span());
            let text = match item.into_inner() {
                Ports::Number(n) => n.to_string(),
                Ports::Text(t) => t,
            };
            let set = vnetlint_engine::parse_ports(&text)
                .ok_or_else(|| (range, format!("`{text}` is not a port or a range A-B")))?;
            out.extend(set.ranges().iter().copied());
        }
        Ok(out)
    };
    Ok(Settings {
        checks: Config {
            intents,
            extra_management_ports: ranges(raw.ports.management)?,
            extra_data_ports: ranges(raw.ports.data)?,
        },
        levels,
        exclude: raw.exclude,
        limits: raw.limits.settings(),
    })
}

/// Applies the per-rule levels: a rule set to `off` loses its findings, others change level.
pub(crate) fn apply_levels(findings: &mut Vec<Finding>, settings: &Settings) {
    if settings.levels.is_empty() {
        return;
    }
    findings.retain_mut(|finding| match settings.levels.get(finding.code) {
        Some(None) => false,
        Some(Some(level)) => {
            finding.level = *level;
            true
        }
        None => true,
    });
}

/// VNL901 for intents whose endpoints resolve in no analyzed template: they cannot be checked,
/// which is itself a broken promise.
pub(crate) fn report_unresolved_intents(run: &mut Run, config: &Config) {
    let check = vnetlint_checks::check_by_code("VNL901").expect("VNL901 is registered");
    for intent in &config.intents {
        let mut last_error = None;
        let resolved = run.networks.iter().any(|network| {
            let topology = vnetlint_engine::Topology::build(network);
            match (topology.resolve(&intent.from), topology.resolve(&intent.to)) {
                (Ok(_), Ok(_)) => true,
                (Err(e), _) | (_, Err(e)) => {
                    last_error = Some(e);
                    false
                }
            }
        });
        if resolved {
            continue;
        }
        let why = last_error.unwrap_or_else(|| "no templates were analyzed".to_owned());
        run.findings.push(
            Finding::new(
                check.code,
                check.name,
                check.default_level,
                format!(
                    "intent `{}` cannot be checked: {why}; fix the endpoint names or scan the templates that define them",
                    intent.title()
                ),
                Label::new(intent.span, "this intent"),
            )
            .with_fingerprint_key(format!("unresolved:{}", intent.title())),
        );
    }
}
