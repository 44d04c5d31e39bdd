//! The `vnetlint` command line: `check`, `rules` and `rule`.
//!
//! Exit codes follow ruff's convention: 0 when nothing at or above `--fail-on` was found,
//! 1 when something was, 2 on usage or I/O errors.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use vnetlint_diagnostics::Level;
use vnetlint_report::ReportContext;
use vnetlint_source::display::escape_for_terminal;

// The analysis allocates and frees many small sets and syntax nodes on every core; mimalloc's
// per-thread heaps took a fifth off a 1,000-module scan against glibc's allocator (same
// machine, alternating runs; docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `--version`: the crate version and, where the build could read it, the commit (build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("VNETLINT_VERSION_SUFFIX"));

#[derive(Parser)]
#[command(
    name = "vnetlint",
    version = VERSION,
    about = "Static analysis of Azure network templates"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyze Terraform files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// Can traffic get from one endpoint to another? Prints the verdict, a witness packet and
    /// the deciding rule at each NSG on the path.
    Reach(ReachArgs),
    /// List the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print the documentation of one rule, by code (VNL101) or name.
    Rule { code: String },
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// What a change newly allows and newly blocks: compares BASE with HEAD (two directories),
    /// a git ref with the working tree (`--base-ref`), or a plan's prior state with its planned
    /// values (`--plan`), packet-exact.
    Diff(Box<DiffArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output, or write one page per command to DIR.
    Man {
        /// Write `vnetlint.1` and `vnetlint-<command>.1` into DIR instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

// Each bool is an independent command-line switch; clap's derive is the idiom for them.
#[allow(clippy::struct_excessive_bools)]
#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories; each directory of `.tf` files is one Terraform module.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// One configuration file for everything; by default each module is governed by the
    /// nearest `vnetlint.toml` at or above its directory (up to the current directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// An ARM parameter file to apply to every ARM template (by default `X.json` is paired with
    /// `X.parameters.json` in the same folder).
    #[arg(long, value_name = "FILE")]
    arm_parameters: Option<PathBuf>,
    /// SARIF: the repository URL for `versionControlProvenance` (default: the `origin` remote
    /// when it is an https URL).
    #[arg(long, value_name = "URI")]
    repository_uri: Option<String>,
    /// SARIF: embed the text of the files with findings, so the log reads without the checkout.
    #[arg(long)]
    sarif_embed_sources: bool,
    /// Report only findings whose fingerprint is not in FILE (written by `--write-baseline`),
    /// so that an existing estate can adopt vnetlint and fail only on new problems.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the fingerprints of every finding of this run to FILE.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Analyze the whole directory (module) of each file given, as pre-commit passes files.
    #[arg(long)]
    modules_of_files: bool,
    /// Print only the findings: no summary line.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what was read and how long each step took, on standard error.
    #[arg(long, short)]
    verbose: bool,
    /// Add each finding's path (the deciding rule at every NSG the witness crosses, with
    /// file and line) to the text output.
    #[arg(long)]
    explain: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this level is found.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    #[arg(
        long,
        value_enum,
        default_value_t = ColorChoice::Auto,
        help = "Colour the text output: auto (only on a terminal, and not when NO_COLOR is set), always, never"
    )]
    color: ColorChoice,
    /// A Terraform variable file applied to every root module (repeatable; after the
    /// automatically loaded `terraform.tfvars` and `*.auto.tfvars`).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// A Terraform variable value `NAME=VALUE` (repeatable; overrides every file).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// A Terraform plan JSON (`terraform show -json PLANFILE`), or `-` for standard input.
    /// A plan among the paths is also recognized by its content.
    #[arg(long, value_name = "FILE|-")]
    plan: Option<PathBuf>,
    /// The configuration a plan came from, to point findings at its `.tf` lines (default: the
    /// plan file's directory; the current directory for `--plan -`).
    #[arg(long, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    /// Read symbolic links, local modules and linked templates that lead outside the scanned
    /// directories (off by default: nothing outside them is read).
    #[arg(long)]
    allow_outside_root: bool,
    /// Accept a run that finds nothing to analyze (exit 0 instead of 2), for hooks that may
    /// pass no template.
    #[arg(long)]
    allow_empty: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// The resource limits (docs/limits.md); each overrides `[limits]` of vnetlint.toml. The
/// flags are named after the limits, which all start with `max`.
#[allow(clippy::struct_field_names)]
#[derive(clap::Args)]
struct LimitArgs {
    /// Largest template file read, in bytes [default: 10485760].
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// Deepest nesting of evaluation [default: 160, at most 2000].
    #[arg(long, value_name = "N")]
    max_depth: Option<u64>,
    /// Most instances of one resource, module call or ARM copy [default: 10000].
    #[arg(long, value_name = "N")]
    max_instances: Option<u64>,
    /// Most elements of one evaluated collection [default: 10000].
    #[arg(long, value_name = "N")]
    max_collection: Option<u64>,
    /// Most network elements of one module or template [default: 200000].
    #[arg(long, value_name = "N")]
    max_elements: Option<u64>,
    /// Longest evaluated string, in bytes [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    max_string_len: Option<u64>,
    /// Most evaluation steps of one module or template [default: 5000000].
    #[arg(long, value_name = "N")]
    max_eval_steps: Option<u64>,
    /// Most bytes of values one module or template's evaluation builds, estimated
    /// [default: 268435456].
    #[arg(long, value_name = "BYTES")]
    max_eval_bytes: Option<u64>,
    /// Longest evaluation of one module or template, in seconds [default: 10].
    #[arg(long, value_name = "SECONDS")]
    max_unit_seconds: Option<u64>,
}

impl LimitArgs {
    fn settings(&self) -> vnetlint::limits::LimitSettings {
        use vnetlint_diagnostics::Limit;
        [
            (Limit::FileSize, self.max_file_size),
            (Limit::Depth, self.max_depth),
            (Limit::Instances, self.max_instances),
            (Limit::Collection, self.max_collection),
            (Limit::Elements, self.max_elements),
            (Limit::StringLen, self.max_string_len),
            (Limit::EvalSteps, self.max_eval_steps),
            (Limit::EvalBytes, self.max_eval_bytes),
            (Limit::UnitSeconds, self.max_unit_seconds),
        ]
        .into_iter()
        .filter_map(|(limit, value)| Some((limit, value?)))
        .collect()
    }
}

/// Each file's directory (a Terraform module is a directory), each directory once.
fn modules_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                match p.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                    _ => PathBuf::from("."),
                }
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `NAME=VALUE` of `--var`.
fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

#[derive(clap::Args)]
struct ReachArgs {
    /// The templates to read (a Terraform module directory or an ARM template).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Source: `Internet`, a service tag, an IP or CIDR, or an element address such as
    /// `azurerm_subnet.ase`.
    #[arg(long)]
    from: String,
    /// Destination, in the same forms as `--from`; also a public IP (of a NIC, a load balancer
    /// frontend or a firewall), a private endpoint, or a storage account, SQL server or data
    /// service (through its private endpoints, else its public endpoint).
    #[arg(long)]
    to: String,
    /// Destination ports: `N`, `A-B`, a comma list, or `*`.
    #[arg(long, default_value = "*")]
    port: String,
    /// `tcp`, `udp`, `icmp`, `esp`, `ah` or `*`.
    #[arg(long, default_value = "tcp")]
    protocol: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// BASE and HEAD (directories or files of the same configuration); with `--base-ref`, the
    /// paths to compare (default: .), read from the working tree as HEAD and from REF as BASE.
    paths: Vec<PathBuf>,
    /// A git ref (branch, tag or commit) whose version of the paths is BASE; read from git's
    /// objects into a temporary directory, never checked out. A path only in the working tree
    /// is compared with an empty BASE, one only at REF with an empty HEAD.
    #[arg(long, value_name = "REF", conflicts_with = "plan")]
    base_ref: Option<String>,
    /// A Terraform plan JSON (`terraform show -json PLANFILE`), or `-`: its prior state is
    /// BASE and its planned values are HEAD.
    #[arg(long, value_name = "FILE|-")]
    plan: Option<PathBuf>,
    /// The configuration the plan came from, to point findings at its `.tf` lines (default: the
    /// plan file's directory; the current directory for `--plan -`).
    #[arg(long, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding at or above this level is found.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Markdown: the URL that file links start with (for example the pull request's
    /// `https://github.com/OWNER/REPO/blob/SHA`).
    #[arg(long, value_name = "URL")]
    link_base: Option<String>,
    /// SARIF: the repository URL for `versionControlProvenance` (default: the `origin` remote
    /// when it is an https URL).
    #[arg(long, value_name = "URI")]
    repository_uri: Option<String>,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// A Terraform variable file applied to every root module of both versions.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// A Terraform variable value `NAME=VALUE` for both versions.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// An ARM parameter file for every template of both versions.
    #[arg(long, value_name = "FILE")]
    arm_parameters: Option<PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Reach(args) => reach(&args),
        Command::Rules { format } => rules(format),
        Command::Rule { code } => rule(&code),
        Command::Lsp => lsp(),
        Command::Diff(args) => diff(&args),
        Command::Completions { shell } => completions(shell),
        Command::Man { out_dir } => man(out_dir.as_deref()),
    }
}

/// `vnetlint completions SHELL`: generated from the clap definition, so it never drifts.
fn completions(shell: clap_complete::Shell) -> ExitCode {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "vnetlint", &mut out);
    write_stdout(&out)
}

/// `vnetlint man [--out-dir DIR]`: the manual page(s), generated from the clap definition.
fn man(out_dir: Option<&std::path::Path>) -> ExitCode {
    use clap::CommandFactory;
    let command = Cli::command();
    if let Some(dir) = out_dir {
        if let Err(err) =
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir))
        {
            eprintln!(
                "vnetlint: cannot write the manual pages to {}: {err}",
                escape_for_terminal(&dir.display().to_string())
            );
            return ExitCode::from(2);
        }
        return ExitCode::SUCCESS;
    }
    let mut out = Vec::new();
    if let Err(err) = clap_mangen::Man::new(command).render(&mut out) {
        eprintln!("vnetlint: cannot render the manual page: {err}");
        return ExitCode::from(2);
    }
    write_stdout(&out)
}

/// Writes generated text to standard output; a closed pipe (`| head`) is no error.
fn write_stdout(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("vnetlint: cannot write to standard output: {err}");
            ExitCode::from(2)
        }
    }
}

/// `vnetlint lsp`: the server analyzes through the driver, which it cannot depend on (the
/// driver's package owns this binary), so the analysis is passed in as a function.
fn lsp() -> ExitCode {
    let analyze = |request: &vnetlint_lsp::AnalysisRequest<'_>| {
        let analysis = vnetlint::overlay::analyze_dir_with_overlay(
            request.dir,
            request.display_root,
            request.overlays,
        );
        vnetlint_lsp::Analyzed {
            sources: analysis.sources,
            findings: analysis.findings,
            networks: analysis.networks,
        }
    };
    match vnetlint_lsp::run_stdio(&analyze) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("vnetlint: language server: {err}");
            ExitCode::from(2)
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let started = std::time::Instant::now();
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut options = vnetlint::AnalyzeOptions {
        config: args.config.clone(),
        arm: vnetlint::ArmOptions {
            parameters: args.arm_parameters.clone(),
        },
        terraform: vnetlint::TerraformOptions {
            var_files: args.var_files.clone(),
            vars: args.vars.clone(),
            // The library reads no environment; the binary hands TF_VAR_* over.
            env_vars: std::env::vars()
                .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|n| (n.to_owned(), v)))
                .collect(),
            ..Default::default()
        },
        limits: args.limits.settings(),
        allow_outside_root: args.allow_outside_root,
        progress: None,
        // `check` reports findings only; the networks would be most of its memory.
        drop_networks: true,
        only_checks: None,
    };
    // A progress line for a person watching a long scan; never in pipes or with --quiet.
    if !args.quiet && std::io::stderr().is_terminal() {
        options.progress = Some(draw_progress);
    }
    let mut paths = if args.modules_of_files {
        modules_of(&args.paths)
    } else {
        args.paths.clone()
    };
    // `--plan` replaces the default path `.`: only the plan (and its configuration) is read.
    if args.plan.is_some() && paths == [PathBuf::from(".")] {
        paths.clear();
    }
    match args.plan.as_deref() {
        Some(path) if path == std::path::Path::new("-") => {
            options.terraform.plan_stdin = Some(vnetlint::PlanStdin::Read(read_stdin));
        }
        Some(path) => paths.push(path.to_path_buf()),
        None => {}
    }
    options.terraform.config_dir.clone_from(&args.config_dir);
    let mut analysis = vnetlint::analyze_with(&paths, &root, &options);
    for err in &analysis.io_errors {
        eprintln!("vnetlint: {}", escape_for_terminal(err));
    }
    for notice in &analysis.notices {
        eprintln!("vnetlint: note: {}", escape_for_terminal(notice));
    }
    // A run that checked nothing must not look like a clean one.
    let nothing_checked = analysis.units == 0 && analysis.findings.is_empty();
    if nothing_checked && !args.allow_empty {
        let named: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "vnetlint: nothing to analyze in {}: no Terraform configuration, ARM template or plan was found; pass --allow-empty to accept an empty run",
            escape_for_terminal(&named.join(", "))
        );
        return ExitCode::from(2);
    }
    if let Some(path) = &args.write_baseline {
        let fingerprints = vnetlint_report::fingerprints(&analysis.findings, &analysis.sources);
        if let Err(err) = vnetlint::baseline::write(path, &fingerprints) {
            eprintln!(
                "vnetlint: cannot write the baseline {}: {err}",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    if let Some(path) = &args.baseline {
        match vnetlint::baseline::read(path) {
            Ok(known) => {
                let fingerprints =
                    vnetlint_report::fingerprints(&analysis.findings, &analysis.sources);
                let mut keep = fingerprints.iter().map(|f| !known.contains(f));
                analysis.findings.retain(|_| keep.next().unwrap_or(true));
            }
            Err(err) => {
                eprintln!(
                    "vnetlint: cannot read the baseline {}: {err}",
                    path.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    if args.explain {
        explain(&mut analysis);
    }
    if args.verbose {
        eprintln!(
            "vnetlint: {} files, {} units (modules and templates), {} findings, analyzed in {} ms",
            analysis.files_scanned(),
            analysis.units,
            analysis.findings.len(),
            started.elapsed().as_millis()
        );
    }
    let ctx = ReportContext {
        sources: &analysis.sources,
        rules: vnetlint_checks::rule_infos(),
        tool_version: env!("CARGO_PKG_VERSION"),
        files_scanned: analysis.files_scanned(),
        redact: &analysis.secrets,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let rendered = match args.format {
        Format::Text => {
            // More than ten notes (unresolved values of an estate, stale suppressions) are
            // counted on the summary line; --verbose draws them all.
            let options = vnetlint_report::TextOptions {
                color,
                fold_notes_over: (!args.verbose).then_some(10),
            };
            let mut text = vnetlint_report::render_text_with(&analysis.findings, &ctx, &options);
            if args.quiet {
                drop_summary_line(&mut text);
            } else if to_terminal {
                // Elapsed time only for a person at a terminal: files and pipes stay
                // deterministic.
                let trimmed_len = text.trim_end_matches('\n').len();
                text.truncate(trimmed_len);
                let _ = writeln!(text, " ({} ms)", started.elapsed().as_millis());
            }
            text
        }
        Format::Json => vnetlint_report::render_json(&analysis.findings, &ctx),
        Format::Sarif => {
            let git = vnetlint::git::read(&root).unwrap_or_default();
            let options = vnetlint_report::SarifOptions {
                version_control: version_control(args.repository_uri.as_deref(), &git),
                embed_sources: args.sarif_embed_sources,
                category: "",
            };
            vnetlint_report::render_sarif_with(&analysis.findings, &ctx, &options)
        }
    };
    let written = if let Some(path) = &args.output {
        std::fs::write(path, rendered.as_bytes())
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(rendered.as_bytes())
            .and_then(|()| stdout.flush())
    };
    if let Err(err) = written {
        eprintln!("vnetlint: cannot write the report: {err}");
        return ExitCode::from(2);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Level::Error),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Note => Some(Level::Note),
        FailOn::Never => None,
    };
    let code = match (threshold, analysis.max_level()) {
        _ if !analysis.io_errors.is_empty() => ExitCode::from(2),
        (Some(threshold), Some(max)) if max >= threshold => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    };
    // The process ends here: freeing every source, syntax tree and network one allocation at a
    // time took about 4% of a 1,000-module scan, all on one thread; the OS reclaims it at once.
    std::mem::forget(analysis);
    code
}

fn reach(args: &ReachArgs) -> ExitCode {
    let (Some(dst_ports), Some(protocols)) = (
        vnetlint_engine::parse_ports(&args.port),
        vnetlint_engine::parse_protocols(&args.protocol),
    ) else {
        eprintln!(
            "vnetlint: `--port {}` or `--protocol {}` is not valid (ports: N, A-B, a comma list or *; protocols: tcp, udp, icmp, esp, ah, *)",
            args.port, args.protocol
        );
        return ExitCode::from(2);
    };
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let analysis = vnetlint::analyze(std::slice::from_ref(&args.path), &root);
    for err in &analysis.io_errors {
        eprintln!("vnetlint: {}", escape_for_terminal(err));
    }
    let query = vnetlint::reach::ReachQuery {
        from: args.from.clone(),
        to: args.to.clone(),
        traffic: vnetlint_engine::Traffic {
            protocols,
            dst_ports,
        },
    };
    match vnetlint::reach::reach(&analysis, &query) {
        Ok(answer) => {
            let text = match args.format {
                ListFormat::Text => answer.render_text(&analysis.sources),
                ListFormat::Json => answer.render_json(&analysis.sources),
            };
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("vnetlint: {message}");
            ExitCode::from(2)
        }
    }
}

/// `--quiet`: drops the text report's summary line (its last), so only the findings remain.
fn drop_summary_line(text: &mut String) {
    let trimmed = text.trim_end_matches('\n');
    let cut = trimmed.rfind('\n').map_or(0, |i| i + 1);
    text.truncate(cut);
}

/// SARIF's `versionControlProvenance`, as `check` writes it: `--repository-uri`, else the
/// `origin` remote when it is an https URL, with the commit and branch `.git` names.
fn version_control<'a>(
    repository_uri: Option<&'a str>,
    git: &'a vnetlint::git::GitInfo,
) -> Option<vnetlint_report::VersionControl<'a>> {
    repository_uri
        .or(git.remote.as_deref())
        .map(|uri| vnetlint_report::VersionControl {
            repository_uri: uri,
            revision_id: git.revision.as_deref(),
            branch: git.branch.as_deref(),
        })
}

/// `vnetlint diff`.
fn diff(args: &DiffArgs) -> ExitCode {
    let root = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let options = |plan_side| vnetlint::AnalyzeOptions {
        arm: vnetlint::ArmOptions {
            parameters: args.arm_parameters.clone(),
        },
        terraform: vnetlint::TerraformOptions {
            var_files: args.var_files.clone(),
            vars: args.vars.clone(),
            env_vars: std::env::vars()
                .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|n| (n.to_owned(), v)))
                .collect(),
            config_dir: args.config_dir.clone(),
            plan_side,
            ..Default::default()
        },
        limits: args.limits.settings(),
        // The comparison needs the networks and the intents, not the other checks.
        only_checks: Some(&["VNL901"]),
        ..Default::default()
    };
    let sides = if let Some(plan) = &args.plan {
        let side = |plan_side| {
            let mut options = options(plan_side);
            let mut paths = Vec::new();
            if plan == std::path::Path::new("-") {
                options.terraform.plan_stdin = Some(vnetlint::PlanStdin::Read(read_stdin_once));
            } else {
                paths.push(plan.clone());
            }
            vnetlint::analyze_with(&paths, &root, &options)
        };
        Ok((
            side(vnetlint_terraform::PlanSide::Prior),
            side(vnetlint_terraform::PlanSide::Planned),
        ))
    } else if let Some(reference) = &args.base_ref {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        vnetlint::git::base_and_head(
            reference,
            &paths,
            &options(vnetlint_terraform::PlanSide::Planned),
        )
    } else {
        match args.paths.as_slice() {
            [base, head] => {
                let dir = |p: &PathBuf| {
                    if p.is_dir() {
                        p.clone()
                    } else {
                        p.parent()
                            .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
                    }
                };
                let opts = options(vnetlint_terraform::PlanSide::Planned);
                Ok((
                    vnetlint::analyze_with(std::slice::from_ref(base), &dir(base), &opts),
                    vnetlint::analyze_with(std::slice::from_ref(head), &dir(head), &opts),
                ))
            }
            _ => Err(
                "give BASE and HEAD, or `--base-ref REF [PATH...]`, or `--plan PLAN`".to_owned(),
            ),
        }
    };
    let (base, head) = match sides {
        Ok(sides) => sides,
        Err(message) => {
            eprintln!("vnetlint: {}", escape_for_terminal(&message));
            return ExitCode::from(2);
        }
    };
    for (side, analysis) in [("base", &base), ("head", &head)] {
        for err in &analysis.io_errors {
            eprintln!("vnetlint: {side}: {}", escape_for_terminal(err));
        }
        for notice in &analysis.notices {
            eprintln!("vnetlint: note: {}", escape_for_terminal(notice));
        }
    }
    let comparison = match &args.plan {
        // As `check --plan`: the configuration is `--config-dir`, else the plan file's directory
        // (the current directory for a plan on standard input).
        Some(plan) => {
            let config_dir = args
                .config_dir
                .clone()
                .unwrap_or_else(|| match plan.parent() {
                    Some(parent)
                        if plan != std::path::Path::new("-") && !parent.as_os_str().is_empty() =>
                    {
                        parent.to_path_buf()
                    }
                    _ => PathBuf::from("."),
                });
            vnetlint::diff::compare_plan(&base, &head, &config_dir, &root)
        }
        None => vnetlint::diff::compare(&base, &head),
    };
    let secrets: Vec<_> = head.secrets.clone();
    let ctx = ReportContext {
        sources: &comparison.sources,
        rules: vnetlint_checks::rule_infos(),
        tool_version: env!("CARGO_PKG_VERSION"),
        files_scanned: head.files_scanned(),
        redact: &secrets,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let rendered = match args.format {
        DiffFormat::Text => {
            let mut text = vnetlint_report::render_text(&comparison.findings, &ctx, color);
            if args.quiet {
                drop_summary_line(&mut text);
            }
            text
        }
        DiffFormat::Json => vnetlint::diff::render_json(
            &comparison,
            &vnetlint_report::render_json(&comparison.findings, &ctx),
        ),
        DiffFormat::Sarif => {
            // Results about removed elements are moved onto HEAD's files (see `sarif_view`).
            let (findings, sources) = comparison.sarif_view();
            let ctx = ReportContext {
                sources: &sources,
                ..ctx
            };
            // With `--base-ref` the paths are relative to the repository's top level, which is
            // what `versionControlProvenance` says `%SRCROOT%` is; `.git` is found from the
            // current directory, as `check` finds it.
            let git = vnetlint::git::read(&root).unwrap_or_default();
            vnetlint_report::render_sarif_with(
                &findings,
                &ctx,
                &vnetlint_report::SarifOptions {
                    version_control: version_control(args.repository_uri.as_deref(), &git),
                    category: "vnetlint-diff",
                    ..Default::default()
                },
            )
        }
        DiffFormat::Markdown => {
            vnetlint::diff::render_markdown(&comparison, args.link_base.as_deref())
        }
    };
    let written = if let Some(path) = &args.output {
        std::fs::write(path, rendered.as_bytes())
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(rendered.as_bytes())
            .and_then(|()| stdout.flush())
    };
    if let Err(err) = written {
        eprintln!("vnetlint: cannot write the report: {err}");
        return ExitCode::from(2);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Level::Error),
        FailOn::Warning => Some(Level::Warning),
        FailOn::Note => Some(Level::Note),
        FailOn::Never => None,
    };
    let max = comparison
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| f.level)
        .max();
    match (threshold, max) {
        _ if !base.io_errors.is_empty() || !head.io_errors.is_empty() => ExitCode::from(2),
        (Some(threshold), Some(max)) if max >= threshold => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// Standard input read once for both sides of `diff --plan -` (the second read gets the copy).
fn read_stdin_once(limit: u64) -> std::io::Result<Vec<u8>> {
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    STDIN
        .get_or_init(|| read_stdin(limit).map_err(|e| e.to_string()))
        .clone()
        .map_err(std::io::Error::other)
}

/// Standard input, at most `limit` bytes and one more (so the run can tell it was cut off).
fn read_stdin(limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), limit.saturating_add(1)),
        &mut bytes,
    )?;
    Ok(bytes)
}

/// Draws `analyzed N/M modules and templates` on standard error, from 20 units on, and
/// clears the line when done.
fn draw_progress(done: usize, total: usize) {
    if total < 20 {
        return;
    }
    if done < total {
        eprint!("\rvnetlint: analyzed {done}/{total} modules and templates");
    } else {
        eprint!("\r{:width$}\r", "", width = 60);
    }
}

/// `--explain`: each finding's flow (the deciding rule at each NSG on the witness's path)
/// becomes numbered notes with the file and line.
fn explain(analysis: &mut vnetlint::Analysis) {
    let sources = &analysis.sources;
    for finding in &mut analysis.findings {
        for (i, step) in finding.flow.iter().enumerate() {
            let file = sources.get(step.span.file);
            let line = file.line_index().line_col(step.span.range.start).line;
            finding.notes.push(format!(
                "hop {}: {} ({}:{line})",
                i + 1,
                step.message,
                file.path
            ));
        }
    }
}

fn rules(format: ListFormat) -> ExitCode {
    let infos = vnetlint_checks::rule_infos();
    match format {
        ListFormat::Text => {
            for info in infos {
                println!(
                    "{}  {:<36} {:<8} {}",
                    info.code,
                    info.name,
                    info.default_level.as_str(),
                    info.summary
                );
            }
        }
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = infos
                .iter()
                .map(|info| {
                    serde_json::json!({
                        "code": info.code,
                        "name": info.name,
                        "level": info.default_level.as_str(),
                        "summary": info.summary,
                        "tags": info.tags,
                        "help_uri": info.help_uri(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).expect("serializable")
            );
        }
    }
    ExitCode::SUCCESS
}

fn rule(code: &str) -> ExitCode {
    if let Some(check) = vnetlint_checks::check_by_code(code) {
        print!("{}", vnetlint::rule_page(check));
        ExitCode::SUCCESS
    } else {
        eprintln!("vnetlint: no rule `{code}`; `vnetlint rules` lists them");
        ExitCode::from(2)
    }
}
