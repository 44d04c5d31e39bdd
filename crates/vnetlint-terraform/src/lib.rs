//! The Terraform frontend: parses the `.tf` and `.tf.json` files of a root module and of the
//! local modules it calls, evaluates them as `terraform plan` would (variables, tfvars, locals,
//! `count`/`for_each`, dynamic blocks, functions, module inputs and outputs), and lowers the
//! azurerm network resources into the IR.
//!
//! Architecture invariant: lowering never fails. A file that does not parse yields one VNL001
//! finding and nothing else, and the other files of the module are still lowered; a value that
//! cannot be evaluated becomes `Val::Unknown` with a reason.
//!
//! Architecture invariant: this crate does no IO. Module directories are read through the
//! `ModuleLoader` the driver implements, which decides what may be read (never outside the scan
//! root) and never fetches a remote module.

// An evaluated value is the error of an evaluation by design (`try` and `can` inspect it, and
// it carries the span a finding points at); boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod eval;
mod funcs;
mod lower;
mod plan;
mod recover;
mod syntax;
mod value;

use std::collections::BTreeMap;

use vnetlint_diagnostics::{Finding, Label, Level};
use vnetlint_source::{FileId, SourceMap, Span, TextRange};

use crate::eval::{CallDecl, CallTarget, FileCtx, ModuleDef, Named, ResDecl, RootValue, VarDecl};
use crate::syntax::{BodyRef, Parsed};

pub use crate::plan::{
    ConfigMap, PlanLowered, PlanSide, is_plan_json, lower_plan, lower_plan_side,
};

/// The result of lowering one module: the IR and the findings met on the way (parse errors,
/// cycles, modules that are not read).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lowered {
    pub network: vnetlint_ir::Network,
    pub findings: Vec<Finding>,
}

/// A module directory as the loader identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleDir {
    /// The directory's identity: two calls that reach the same directory must give the same
    /// text (the driver uses the canonical path), which is also `path.module`.
    pub dir: String,
    /// The `.tf` and `.tf.json` files of the directory (for the root also its `.tfvars` and
    /// `.tfvars.json` files), already in the loader's source map, in a stable order.
    pub files: Vec<FileId>,
}

/// Reads module directories for the evaluator; implemented by the driver, which does the IO.
pub trait ModuleLoader {
    /// The source map every returned file id points into.
    fn sources(&self) -> &SourceMap;

    /// Loads the local module `source` (`./net`, `../modules/vnet`) called from the module in
    /// `from_dir`. An `Err` says why it is not read (outside the scan root, missing); it is
    /// reported as an unresolved value and the module's outputs stay unknown.
    fn load_module_dir(&mut self, from_dir: &str, source: &str) -> Result<ModuleDir, String>;
}

/// A loader that reads no module: for in-memory sources (tests, doc examples).
pub struct NoModules<'a>(pub &'a SourceMap);

impl ModuleLoader for NoModules<'_> {
    fn sources(&self) -> &SourceMap {
        self.0
    }

    fn load_module_dir(&mut self, _from_dir: &str, source: &str) -> Result<ModuleDir, String> {
        Err(format!(
            "module source `{source}` is not read: only the given files are analyzed"
        ))
    }
}

/// Values for root variables from outside the configuration, in Terraform's precedence.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--var-file` files, in command-line order, already in the loader's source map.
    pub var_files: Vec<FileId>,
    /// `--var NAME=VALUE`, in command-line order (they override every file).
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_NAME` environment values as `(NAME, VALUE)` (the lowest precedence).
    pub env_vars: Vec<(String, String)>,
    /// `""` for a root module; `"module.x."` to lower a module as if called (tests).
    pub address_prefix: String,
    /// The resource limits of the evaluation (depth, instances, collections, strings, steps).
    pub limits: vnetlint_diagnostics::Limits,
    /// The caller's thread has a stack of at least [`eval_stack`] for `limits.max_depth`, so the
    /// evaluation runs on it; otherwise it runs on a new thread with such a stack. The driver's
    /// workers have one, and a thread per module cost it a thousand spawns per thousand modules.
    pub on_large_stack: bool,
}

/// Lowers one Terraform module: `files` are the `.tf`, `.tf.json`, `.tfvars` and `.tfvars.json`
/// files of one directory, already loaded into `sources`. `address_prefix` is `""` for a root
/// module. Local modules are not read (see [`lower_root`] for that).
///
/// Files are read in the order given, which is the declaration order of the output (for example
/// the order of an NSG's rules). File ids missing from `sources` are skipped.
pub fn lower_module(sources: &SourceMap, files: &[FileId], address_prefix: &str) -> Lowered {
    let root = ModuleDir {
        dir: ".".to_owned(),
        files: files.to_vec(),
    };
    let options = Options {
        address_prefix: address_prefix.to_owned(),
        ..Options::default()
    };
    lower_root(&mut NoModules(sources), &root, &options)
}

/// How a file takes part in a module, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileRole {
    Config,
    ConfigJson,
    /// Loaded automatically in the root: `terraform.tfvars(.json)`, `*.auto.tfvars(.json)`;
    /// the number orders them as Terraform does.
    AutoVars(u8, bool),
    /// Any other variable file: only syntax-checked unless given with `--var-file`.
    OtherVars(bool),
    Ignored,
}

// The name is lowercased first, so the suffix comparisons are case-insensitive.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
fn file_role(path: &str) -> FileRole {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.ends_with(".tf.json") {
        FileRole::ConfigJson
    } else if name.ends_with(".tf") {
        FileRole::Config
    } else if name == "terraform.tfvars" {
        FileRole::AutoVars(0, false)
    } else if name == "terraform.tfvars.json" {
        FileRole::AutoVars(1, true)
    } else if name.ends_with(".auto.tfvars") {
        FileRole::AutoVars(2, false)
    } else if name.ends_with(".auto.tfvars.json") {
        FileRole::AutoVars(2, true)
    } else if name.ends_with(".tfvars") {
        FileRole::OtherVars(false)
    } else if name.ends_with(".tfvars.json") {
        FileRole::OtherVars(true)
    } else {
        FileRole::Ignored
    }
}

/// The stack of the evaluation thread: room for the default 160 nested evaluations (the
/// `max_depth` limit); a higher limit gets a proportionally larger stack (see `eval_stack`).
const EVAL_STACK: usize = 256 * 1024 * 1024;

/// The evaluation stack for `max_depth` nested evaluations: the reservation is virtual memory
/// (pages are committed only as deep evaluation touches them), so it is cheap to be generous.
pub fn eval_stack(max_depth: usize) -> usize {
    let per_level = EVAL_STACK / 160;
    EVAL_STACK.max(max_depth.saturating_mul(per_level))
}

/// At most this many module directories are read for one root (a guard against huge trees).
const MAX_MODULE_DIRS: usize = 256;

/// One directory after loading: its config files and the targets of its module calls.
struct LoadedDir {
    dir: String,
    config: Vec<FileId>,
    calls: BTreeMap<String, CallTarget>,
}

/// Lowers a root module and every local module it calls, read through `loader`.
pub fn lower_root(loader: &mut dyn ModuleLoader, root: &ModuleDir, options: &Options) -> Lowered {
    let mut findings = Vec::new();
    let mut parsed: BTreeMap<FileId, (usize, Parsed)> = BTreeMap::new();
    let parse = |loader: &dyn ModuleLoader,
                 file: FileId,
                 json: bool,
                 findings: &mut Vec<Finding>,
                 parsed: &mut BTreeMap<FileId, (usize, Parsed)>| {
        if parsed.contains_key(&file) {
            return true;
        }
        let Some(source) = loader.sources().try_get(file) else {
            return false;
        };
        let (body, errors) = parse_file(file, &source.path, &source.text, json);
        findings.extend(errors);
        match body {
            Some((base, body)) => {
                parsed.insert(file, (base, body));
                true
            }
            None => false,
        }
    };

    // Root files by role; variable files are parsed for their syntax even when not loaded.
    let mut root_config = Vec::new();
    let mut auto_vars: Vec<(u8, String, FileId)> = Vec::new();
    for &file in &root.files {
        let Some(path) = loader.sources().try_get(file).map(|s| s.path.clone()) else {
            continue;
        };
        match file_role(&path) {
            FileRole::Config => root_config.push((file, false)),
            FileRole::ConfigJson => root_config.push((file, true)),
            FileRole::AutoVars(order, json) => {
                if parse(&*loader, file, json, &mut findings, &mut parsed) {
                    auto_vars.push((order, path, file));
                }
            }
            FileRole::OtherVars(json) => {
                parse(&*loader, file, json, &mut findings, &mut parsed);
            }
            FileRole::Ignored => {}
        }
    }
    auto_vars.sort();
    for &file in &options.var_files {
        let json = loader
            .sources()
            .try_get(file)
            .is_some_and(|s| s.path.to_ascii_lowercase().ends_with(".json"));
        parse(&*loader, file, json, &mut findings, &mut parsed);
    }

    // Load the root, then every local module directory it reaches, breadth-first.
    let mut dirs: Vec<LoadedDir> = vec![LoadedDir {
        dir: root.dir.clone(),
        config: Vec::new(),
        calls: BTreeMap::new(),
    }];
    let mut pending_files: Vec<Vec<(FileId, bool)>> = vec![root_config];
    let mut next = 0;
    while next < dirs.len() {
        let files = std::mem::take(&mut pending_files[next]);
        let mut config = Vec::new();
        for (file, json) in files {
            if parse(&*loader, file, json, &mut findings, &mut parsed) {
                config.push(file);
            }
        }
        // Module calls with their literal `source`.
        let mut calls_found: Vec<(String, String, Span)> = Vec::new();
        for file in &config {
            let Some((base, body)) = parsed.get(file) else {
                continue;
            };
            let Some(body) = body.body() else { continue };
            for block in body.top_blocks() {
                if block.ident != "module" {
                    continue;
                }
                let Some((name, _)) = block.labels.first() else {
                    continue;
                };
                let source_expr = block.body.attr("source");
                let range = source_expr
                    .and_then(hcl_edit::Span::span)
                    .or_else(|| block.span.clone())
                    .unwrap_or(0..0);
                let span = Span::new(
                    *file,
                    TextRange::from_usize(range.start + base..range.end + base),
                );
                let source = match source_expr {
                    Some(hcl_edit::expr::Expression::String(s)) => s.value().clone(),
                    _ => String::new(),
                };
                calls_found.push(((*name).to_owned(), source, span));
            }
        }
        let from_dir = dirs[next].dir.clone();
        let mut calls = BTreeMap::new();
        for (name, source, span) in calls_found {
            let address = format!("{}module.{name}", options.address_prefix);
            let target = if source.starts_with("./")
                || source.starts_with("../")
                || source == "."
                || source == ".."
            {
                match loader.load_module_dir(&from_dir, &source) {
                    Ok(module) => {
                        if let Some(index) = dirs.iter().position(|d| d.dir == module.dir) {
                            CallTarget::Local(index)
                        } else if dirs.len() >= MAX_MODULE_DIRS {
                            CallTarget::Unresolved(format!(
                                "module `{address}` is not read: more than {MAX_MODULE_DIRS} module directories"
                            ))
                        } else {
                            let files = module
                                .files
                                .iter()
                                .filter_map(|&f| {
                                    let path = &loader.sources().try_get(f)?.path;
                                    match file_role(path) {
                                        FileRole::Config => Some((f, false)),
                                        FileRole::ConfigJson => Some((f, true)),
                                        _ => None,
                                    }
                                })
                                .collect();
                            dirs.push(LoadedDir {
                                dir: module.dir,
                                config: Vec::new(),
                                calls: BTreeMap::new(),
                            });
                            pending_files.push(files);
                            CallTarget::Local(dirs.len() - 1)
                        }
                    }
                    Err(reason) => {
                        let message = format!(
                            "module `{address}` is not read: {reason}; its outputs are unresolved"
                        );
                        findings.push(
                            Finding::new(
                                "VNL002",
                                "unresolved-value",
                                Level::Note,
                                message.clone(),
                                Label::new(span, "this module source is not read"),
                            )
                            .with_address(address.clone()),
                        );
                        CallTarget::Unresolved(message)
                    }
                }
            } else {
                let reason = if source.is_empty() {
                    format!("module `{address}` has no literal `source`")
                } else {
                    format!(
                        "module `{address}` comes from `{source}`, a registry or remote source that vnetlint does not fetch"
                    )
                };
                findings.push(
                    Finding::new(
                        "VNL002",
                        "unresolved-value",
                        Level::Note,
                        format!("{reason}; the resources it creates are not analyzed and its outputs are unresolved; scan a local copy to analyze it"),
                        Label::new(span, "this module is not fetched"),
                    )
                    .with_address(address.clone()),
                );
                CallTarget::Unresolved(reason)
            };
            calls.insert(name, target);
        }
        dirs[next].config = config;
        dirs[next].calls = calls;
        next += 1;
    }

    // Evaluation borrows every parsed file and its text.
    let sources = loader.sources();
    let mut file_index: BTreeMap<FileId, usize> = BTreeMap::new();
    let mut contexts: Vec<FileCtx<'_>> = Vec::new();
    for (&file, (base, _)) in &parsed {
        if let Some(source) = sources.try_get(file) {
            file_index.insert(file, contexts.len());
            contexts.push(FileCtx {
                file,
                text: &source.text,
                base: *base,
            });
        }
    }
    let mut defs: Vec<ModuleDef<'_>> = Vec::new();
    for loaded in &mut dirs {
        let mut def = ModuleDef {
            dir: loaded.dir.clone(),
            ..ModuleDef::default()
        };
        for file in &loaded.config {
            let (Some(&index), Some((_, body))) = (file_index.get(file), parsed.get(file)) else {
                continue;
            };
            if let Some(body) = body.body() {
                declare(&mut def, index, body, &mut loaded.calls);
            }
        }
        defs.push(def);
    }

    // Root variable values, lowest precedence first: later ones override earlier ones.
    let mut root_values: BTreeMap<String, RootValue<'_>> = BTreeMap::new();
    for (name, value) in &options.env_vars {
        root_values.insert(
            name.clone(),
            RootValue::Text {
                text: value.clone(),
                what: format!("the environment variable `TF_VAR_{name}`"),
            },
        );
    }
    let var_files = auto_vars
        .iter()
        .map(|(_, _, f)| *f)
        .chain(options.var_files.iter().copied());
    for file in var_files {
        let (Some(&index), Some((_, body))) = (file_index.get(&file), parsed.get(&file)) else {
            continue;
        };
        if let Some(body) = body.body() {
            for (name, _, expr) in body.attributes() {
                root_values.insert(name.to_owned(), RootValue::Expr { file: index, expr });
            }
        }
    }
    for (name, value) in &options.vars {
        root_values.insert(
            name.clone(),
            RootValue::Text {
                text: value.clone(),
                what: format!("`--var {name}=...`"),
            },
        );
    }

    // Evaluation recurses through chains of references (bounded by the `max_depth` limit); it runs
    // on a thread with a stack sized for that bound, whatever the caller's stack is.
    let evaluate = || {
        let evaluator = eval::Eval::new(&contexts, &defs, &root_values, &options.address_prefix)
            .with_limits(options.limits);
        let network = lower::lower(&evaluator);
        (network, evaluator.into_findings())
    };
    if options.on_large_stack {
        let (network, eval_findings) = evaluate();
        findings.extend(eval_findings);
        vnetlint_diagnostics::sort_findings(&mut findings);
        return Lowered { network, findings };
    }
    let (network, eval_findings) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("vnetlint-terraform-eval".to_owned())
            .stack_size(eval_stack(options.limits.max_depth))
            .spawn_scoped(scope, evaluate)
            .ok()
            .and_then(|handle| handle.join().ok())
    })
    .unwrap_or_else(evaluate);
    findings.extend(eval_findings);
    vnetlint_diagnostics::sort_findings(&mut findings);
    Lowered { network, findings }
}

/// Records the declarations of one file in its module's definition.
fn declare<'a>(
    def: &mut ModuleDef<'a>,
    file: usize,
    body: BodyRef<'a>,
    calls: &mut BTreeMap<String, CallTarget>,
) {
    for block in body.top_blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|(l, _)| *l).collect();
        match (block.ident, labels.as_slice()) {
            ("variable", [name]) => {
                let type_text = block.body.attr("type").map(type_text);
                // Terraform rejects a duplicate variable; the first declaration is kept.
                def.variables.entry(name).or_insert(VarDecl {
                    file,
                    span: block.span.clone(),
                    default: block.body.attr("default"),
                    type_text,
                });
            }
            ("locals", []) => {
                for (name, _, expr) in block.body.attributes() {
                    def.locals.entry(name).or_insert(Named { file, expr });
                }
            }
            ("output", [name]) => {
                if let Some(expr) = block.body.attr("value") {
                    def.outputs.entry(name).or_insert(Named { file, expr });
                }
            }
            ("resource" | "data", [rtype, name]) => {
                let key = if block.ident == "data" {
                    format!("data.{rtype}.{name}")
                } else {
                    format!("{rtype}.{name}")
                };
                if def.resource_index.contains_key(&key) {
                    continue;
                }
                def.resource_index.insert(key.clone(), def.resources.len());
                def.resources.push(ResDecl {
                    file,
                    rtype,
                    key,
                    block: block.clone(),
                });
            }
            ("module", [name]) => {
                if def.calls.contains_key(name) {
                    continue;
                }
                let target = calls.remove(*name).unwrap_or_else(|| {
                    CallTarget::Unresolved(format!("module `{name}` is not loaded"))
                });
                def.calls.insert(
                    name,
                    CallDecl {
                        file,
                        block: block.clone(),
                        target,
                    },
                );
            }
            // Providers and settings carry no network element.
            _ => {}
        }
    }
}

/// The text of a type constraint: `string`, `list(string)`, `object({...})`.
fn type_text(expr: &hcl_edit::expr::Expression) -> String {
    match expr {
        hcl_edit::expr::Expression::Variable(ident) => ident.as_str().to_owned(),
        hcl_edit::expr::Expression::String(s) => s.value().clone(),
        hcl_edit::expr::Expression::FuncCall(call) => format!("{}(...)", call.name.name.as_str()),
        _ => "any".to_owned(),
    }
}

/// A UTF-8 byte order mark, which hcl-edit rejects; it is stripped and spans shifted by its length.
const BOM: &str = "\u{feff}";

/// Parses one file: the number of bytes stripped before the parsed text (a BOM) and the body,
/// if any of it parses, with one VNL001 finding per syntax error. A native file that hcl-edit
/// rejects is recovered with tree-sitter: every error is reported where it is, and the intact
/// top-level blocks are still analyzed.
fn parse_file(
    file: FileId,
    path: &str,
    text: &str,
    json: bool,
) -> (Option<(usize, Parsed)>, Vec<Finding>) {
    let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let parsed_text = text.get(base..).unwrap_or("");
    let result = if json {
        // HCL's JSON syntax is an HCL object expression (see `syntax.rs`).
        // hcl-edit's expression parser rejects trailing whitespace (the final newline every
        // editor writes); trimming the end keeps every offset.
        hcl_edit::parser::parse_expr(parsed_text.trim_end()).map(Parsed::Json)
    } else {
        hcl_edit::parser::parse_body(parsed_text).map(Parsed::Hcl)
    };
    let error = match result {
        Ok(body) => return (Some((base, body)), Vec::new()),
        Err(error) => error,
    };
    let finding = |range: std::ops::Range<usize>, message: String, label: &str| {
        Finding::new(
            "VNL001",
            "parse-error",
            Level::Error,
            message,
            Label::new(
                Span::new(
                    file,
                    TextRange::from_usize(range.start + base..range.end + base),
                ),
                label,
            ),
        )
    };
    if !json
        && let Some(recovered) = recover::recover(parsed_text)
        && !recovered.errors.is_empty()
    {
        let rest = if recovered.kept > 0 {
            format!(
                "the {} intact top-level block(s) of this file are still analyzed, the {} broken one(s) are not",
                recovered.kept, recovered.dropped
            )
        } else {
            "nothing in this file is analyzed until it parses; the other files are".to_owned()
        };
        // hcl-edit stops exactly at the first offending character, while tree-sitter may
        // blame a token or two earlier on the same line (`name = "a" "b"` marks `"a"`): there,
        // hcl-edit's position wins for the first error.
        let location = error.location();
        let stopped = offset_of_line_column(parsed_text, location.line(), location.column());
        let mut first = true;
        let findings = recovered
            .errors
            .into_iter()
            .map(|(mut range, what)| {
                let same_line = parsed_text
                    .get(range.start..stopped)
                    .is_some_and(|between| !between.contains('\n'));
                if std::mem::take(&mut first) && !range.is_empty() && same_line {
                    let end = parsed_text
                        .get(stopped..)
                        .and_then(|rest| rest.chars().next())
                        .map_or(stopped, |ch| stopped + ch.len_utf8());
                    range = stopped..end;
                }
                finding(
                    range,
                    format!(
                        "cannot parse `{path}`: {what}; {rest}; fix the syntax at this position"
                    ),
                    "syntax error here",
                )
            })
            .collect();
        return (recovered.body.map(|b| (base, Parsed::Hcl(b))), findings);
    }
    // JSON syntax, or an error only hcl-edit sees: its first error is all there is.
    let location = error.location();
    let offset = offset_of_line_column(parsed_text, location.line(), location.column());
    // Point at one character, or at the end of the file when the parser ran out of input.
    let end = parsed_text
        .get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(offset, |ch| offset + ch.len_utf8());
    let message = format!(
        "cannot parse `{path}`: {}; this file is not analyzed until it parses, the other files are; fix the syntax at this position",
        error.message()
    );
    (
        None,
        vec![finding(offset..end, message, "the parser stopped here")],
    )
}

/// The byte offset of a 1-based line and a 1-based column counted in characters, as hcl-edit
/// reports them. hcl-edit reports a column one past the last character when the parser ran out
/// of input, so a column past the end of its line maps past that line (the end of the text).
fn offset_of_line_column(text: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(newline) => line_start += newline + 1,
            None => return text.len(),
        }
    }
    let rest = text.get(line_start..).unwrap_or("");
    let mut line_end = line_start;
    for (taken, (index, ch)) in rest.char_indices().enumerate() {
        if taken + 1 == column {
            return line_start + index;
        }
        line_end = line_start + index + ch.len_utf8();
        if ch == '\n' {
            break;
        }
    }
    line_end.min(text.len())
}
