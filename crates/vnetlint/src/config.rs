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
pub(crate) fn load(run: &mut Run, path: &Path) -> Config {
    let Some(file) = run.load(path) else {
        return Config::default();
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
            Config::default()
        }
    }
}

/// Parses the text of a configuration file.
pub fn parse(text: &str, file: FileId) -> Result<Config, (TextRange, String)> {
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
    Ok(Config { intents })
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
