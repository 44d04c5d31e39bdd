//! Reading `vnetlint.toml`: connectivity intents (with the span of each `[[intent]]` so that
//! VNL901 can point at it), rule levels, ports, what counts as broad exposure, excludes and
//! limits. A file that does not parse
//! is a VNL001 finding, like any template.
//!
//! A `vnetlint.toml` governs the directory that holds it and everything below it, up to the
//! next `vnetlint.toml`: each module is governed by the nearest one at or above it, looked for
//! from the module's directory up to the run's boundary (the current directory for the command
//! line when the scanned path lies under it, else the scanned path; the workspace folder in the
//! editor). `--config FILE` governs everything. One module's levels, ports, excludes, limits and
//! intents never apply to another's (`Configs`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use vnetlint_checks::{Config, Expectation, Intent};
use vnetlint_diagnostics::{Finding, Label, Limits};
use vnetlint_source::{FileId, Span, TextRange};

use crate::files::FileSource;
use crate::limits::LimitSettings;
use crate::pipeline::Run;

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
    /// What the exposure checks count as broad sources.
    #[serde(default)]
    exposure: RawExposure,
}

/// `[exposure]`: `broad_sources = 65536`, the number of public source addresses above which
/// VNL101-VNL103 report a rule.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExposure {
    broad_sources: Option<u64>,
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
    /// An element every allowed packet must cross (a firewall, an NVA's NIC or VM).
    #[serde(default)]
    via: Option<String>,
}

/// `ports = 1433` and `ports = "1433"` both work.
#[derive(Deserialize)]
#[serde(untagged)]
enum Ports {
    Number(u16),
    Text(String),
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
            via: raw.via,
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
            broad_sources: raw
                .exposure
                .broad_sources
                .unwrap_or(Config::DEFAULT_BROAD_SOURCES),
        },
        levels,
        exclude: raw.exclude,
        limits: raw.limits.settings(),
    })
}

/// Applies the per-rule levels: a rule set to `off` loses its findings, others change level.
pub(crate) fn apply_levels(findings: &mut Vec<Finding>, settings: &Settings) {
    if !settings.levels.is_empty() {
        findings.retain_mut(|finding| settings.relevel(finding));
    }
}

impl Settings {
    /// Gives `finding` the level its rule is set to; `false` when the rule is `off`.
    pub(crate) fn relevel(&self, finding: &mut Finding) -> bool {
        match self.levels.get(finding.code) {
            Some(None) => false,
            Some(Some(level)) => {
                finding.level = *level;
                true
            }
            None => true,
        }
    }
}

/// Whether each intent of a configuration resolved in a unit it governs: `Ok` when both
/// endpoints resolve in some unit, else the error of the last unit that was asked.
pub(crate) type IntentResolution = Vec<Result<(), String>>;

/// Resolves the intents of `config` in one unit's network.
pub(crate) fn resolve_intents(network: &vnetlint_ir::Network, config: &Config) -> IntentResolution {
    if config.intents.is_empty() {
        return Vec::new();
    }
    let topology = vnetlint_engine::Topology::build(network);
    config
        .intents
        .iter()
        .map(
            |intent| match (topology.resolve(&intent.from), topology.resolve(&intent.to)) {
                (Ok(_), Ok(_)) => Ok(()),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
        )
        .collect()
}

/// VNL901 for intents whose endpoints resolve in none of the units their configuration
/// governs: they cannot be checked, which is itself a broken promise. `per_unit` holds the
/// resolution of each governed unit, in unit order.
pub(crate) fn unresolved_intents(config: &Config, per_unit: &[IntentResolution]) -> Vec<Finding> {
    let check = vnetlint_checks::check_by_code("VNL901").expect("VNL901 is registered");
    let mut out = Vec::new();
    for (index, intent) in config.intents.iter().enumerate() {
        let mut last_error = None;
        let resolved = per_unit.iter().any(|unit| match unit.get(index) {
            Some(Ok(())) => true,
            Some(Err(e)) => {
                last_error = Some(e.clone());
                false
            }
            None => false,
        });
        if resolved {
            continue;
        }
        let why = last_error.unwrap_or_else(|| "no templates were analyzed".to_owned());
        out.push(
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
    out
}

/// One configuration of a run: the directory it governs (none for the defaults and for
/// `--config FILE`, which govern everything), its settings, its effective limits and its
/// excludes.
pub(crate) struct Governing {
    pub(crate) dir: Option<PathBuf>,
    pub(crate) settings: Settings,
    pub(crate) limits: Limits,
    excludes: Option<ignore::gitignore::Gitignore>,
}

/// The index of a configuration in [`Configs`].
pub(crate) type ConfigId = usize;

/// Every configuration of a run. Index 0 governs what no file governs: the defaults with the
/// command line's limits, or `--config FILE`.
pub(crate) struct Configs {
    entries: Vec<Governing>,
    /// `--config FILE`: it governs everything and no other file is looked for.
    explicit: bool,
}

impl Configs {
    /// Only the defaults (with the flags' limits).
    pub(crate) fn defaults(flags: &LimitSettings) -> Self {
        Self {
            entries: vec![Governing {
                dir: None,
                settings: Settings::default(),
                limits: crate::limits::effective(&LimitSettings::default(), flags),
                excludes: None,
            }],
            explicit: false,
        }
    }

    /// Loads configuration files into the run: `explicit` (`--config FILE`) governs everything;
    /// otherwise each of `found` governs its directory. Files are read in path order, so file
    /// ids do not depend on how they were found. Problems are findings and I/O errors of `run`.
    pub(crate) fn load(
        run: &mut Run,
        source: &dyn FileSource,
        display_root: &Path,
        explicit: Option<&Path>,
        found: BTreeSet<PathBuf>,
        flags: &LimitSettings,
    ) -> Self {
        let mut configs = Self::defaults(flags);
        if let Some(path) = explicit {
            let settings = read(run, source, display_root, path, &configs.entries[0].limits);
            configs.entries[0].limits = crate::limits::effective(&settings.limits, flags);
            configs.entries[0].settings = settings;
            configs.explicit = true;
            return configs;
        }
        for path in found {
            let Some(dir) = path.parent() else { continue };
            let dir = dir.to_path_buf();
            let settings = read(run, source, display_root, &path, &configs.entries[0].limits);
            let excludes = excludes(&dir, &settings.exclude, &mut run.io_errors);
            configs.entries.push(Governing {
                limits: crate::limits::effective(&settings.limits, flags),
                dir: Some(dir),
                settings,
                excludes,
            });
        }
        configs
    }

    /// The configuration that governs `dir` (a canonical directory): the nearest one at or
    /// above it.
    pub(crate) fn governing(&self, dir: &Path) -> ConfigId {
        if self.explicit {
            return 0;
        }
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(id, entry)| {
                let governed = entry.dir.as_deref()?;
                dir.starts_with(governed)
                    .then_some((governed.components().count(), id))
            })
            .max()
            .map_or(0, |(_, id)| id)
    }

    pub(crate) fn get(&self, id: ConfigId) -> &Governing {
        &self.entries[id]
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (ConfigId, &Governing)> {
        self.entries.iter().enumerate()
    }

    /// Whether the configuration governing `dir` excludes `path` (a file in `dir`, both
    /// canonical): its `exclude` globs are relative to its own directory.
    pub(crate) fn excludes(&self, id: ConfigId, path: &Path) -> bool {
        let entry = &self.entries[id];
        match (&entry.excludes, &entry.dir) {
            (Some(matcher), Some(dir)) if path.starts_with(dir) => {
                matcher.matched_path_or_any_parents(path, false).is_ignore()
            }
            _ => false,
        }
    }
}

/// The `exclude` globs of a configuration as a gitignore-style matcher rooted at its directory.
fn excludes(
    dir: &Path,
    globs: &[String],
    io_errors: &mut Vec<String>,
) -> Option<ignore::gitignore::Gitignore> {
    if globs.is_empty() {
        return None;
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(dir);
    for glob in globs {
        if let Err(err) = builder.add_line(None, glob) {
            io_errors.push(format!(
                "exclude pattern `{glob}` is not a valid glob: {err}"
            ));
        }
    }
    match builder.build() {
        Ok(matcher) => Some(matcher),
        Err(err) => {
            io_errors.push(format!("exclude patterns: {err}"));
            None
        }
    }
}

/// Reads one configuration file into the run; problems become VNL001 findings at their
/// position (and the defaults apply).
fn read(
    run: &mut Run,
    source: &dyn FileSource,
    display_root: &Path,
    path: &Path,
    limits: &Limits,
) -> Settings {
    let Some(file) = run.read(source, display_root, path, limits) else {
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

/// The configuration files that govern the scan root `root` from above: `vnetlint.toml` in
/// `root` and in each directory above it up to `boundary` (both canonical), when `root` lies
/// under `boundary`; else only in `root`. Files below `root` are found by the walk.
pub(crate) fn above(source: &dyn FileSource, root: &Path, boundary: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dir = Some(root);
    while let Some(current) = dir {
        let candidate = current.join(CONFIG_FILE);
        if source.is_file(&candidate) {
            out.push(candidate);
        }
        if current == boundary || !current.starts_with(boundary) {
            break;
        }
        dir = current.parent();
    }
    out
}
