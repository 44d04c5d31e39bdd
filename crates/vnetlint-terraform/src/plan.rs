//! Terraform plan JSON (`terraform show -json PLANFILE`, format 1.x): the resources of
//! `planned_values` (root and child modules) are lowered by the same lowering as the
//! configuration, each resource's `values` object standing for its block body; the attributes
//! a plan leaves out because they are known only after apply come back through the
//! `configuration`'s references; `resource_changes` become `Network::changes`. This module
//! reads the document; `lower::plan` decides what the lowering sees.
//!
//! The document is read with jsonc-parser (strict JSON) for its structure and spans; each
//! resource object is then parsed with hcl-edit's expression parser, which reads JSON as HCL's
//! JSON syntax (as for `.tf.json`), so that the lowering sees the body type it already reads.
//! Spans point into the plan file; [`ConfigMap`] points them back at the `.tf` source.

use std::collections::BTreeMap;

use hcl_edit::Span as _;
use jsonc_parser::ast::{Object as JsonObject, ObjectPropName, Value as Json};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};
use vnetlint_diagnostics::{Finding, Label, Level};
use vnetlint_ir::Network;
use vnetlint_source::{FileId, SourceMap, Span, TextRange};

use crate::eval::{Eval, FileCtx, ModuleDef};
use crate::lower::{PlannedSources, declare_planned, planned_changes};

/// The result of lowering a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanLowered {
    pub network: Network,
    pub findings: Vec<Finding>,
    /// The plan file.
    pub file: Option<FileId>,
    /// Each planned resource and change: its address and the range of its object in the plan.
    objects: Vec<(String, TextRange)>,
}

const BOM: &str = "\u{feff}";

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Whether a JSON text is a Terraform plan: a top-level object with `format_version` and
/// `planned_values` or `resource_changes` (ARM templates and parameter files have neither).
pub fn is_plan_json(text: &str) -> bool {
    if !text.contains("\"format_version\"") {
        return false;
    }
    let body = text.strip_prefix(BOM).unwrap_or(text);
    let Ok(parsed) = jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &strict()) else {
        return false;
    };
    parsed
        .value
        .as_ref()
        .and_then(Json::as_object)
        .is_some_and(|root| {
            root.get("format_version").is_some()
                && (root.get("planned_values").is_some() || root.get("resource_changes").is_some())
        })
}

pub(crate) fn prop_name<'a>(name: &'a ObjectPropName<'_>) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

pub(crate) fn string<'a>(object: &'a JsonObject<'_>, key: &str) -> Option<&'a str> {
    object.get_string(key).map(|s| &*s.value)
}

pub(crate) fn strings(value: Option<&Json<'_>>) -> Option<Vec<String>> {
    value?.as_array().map(|array| {
        array
            .elements
            .iter()
            .filter_map(|e| e.as_string_lit().map(|s| s.value.to_string()))
            .collect()
    })
}

/// One managed resource of `planned_values`.
pub(crate) struct Planned<'j, 'a> {
    pub(crate) address: String,
    /// `module.a["x"].` or `""`.
    pub(crate) module_prefix: String,
    pub(crate) object: &'j JsonObject<'a>,
}

/// Which state of a plan to lower: what it will deploy, or what was there before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanSide {
    /// `planned_values` (with `resource_changes`): what `terraform apply` leaves.
    #[default]
    Planned,
    /// `prior_state.values`: what the state held when the plan was made (`vnetlint diff
    /// --plan` compares it with the planned values).
    Prior,
}

/// Lowers a plan file already in `sources`.
pub fn lower_plan(sources: &SourceMap, file: FileId) -> PlanLowered {
    lower_plan_side(sources, file, PlanSide::Planned)
}

/// [`lower_plan`] of one side of the plan.
pub fn lower_plan_side(sources: &SourceMap, file: FileId, side: PlanSide) -> PlanLowered {
    let mut out = PlanLowered {
        file: Some(file),
        ..PlanLowered::default()
    };
    let Some(source) = sources.try_get(file) else {
        return out;
    };
    let text = source.text.as_str();
    let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = text.get(base..).unwrap_or("");
    let parsed = match jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &strict()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let range = e.range();
            out.findings.push(parse_error(
                file,
                TextRange::from_usize(range.start + base..range.end.max(range.start) + base),
                format!(
                    "cannot parse the plan `{}`: {}; the plan is not analyzed; write it again with `terraform show -json PLANFILE`",
                    source.path,
                    e.kind()
                ),
            ));
            return out;
        }
    };
    let Some(root) = parsed.value.as_ref().and_then(Json::as_object) else {
        return out;
    };
    let whole = TextRange::from_usize(root.range.start + base..root.range.end + base);
    match string(root, "format_version") {
        Some(version) if version.split('.').next() == Some("1") => {}
        other => {
            out.findings.push(parse_error(
                file,
                whole,
                format!(
                    "the plan `{}` has format_version {}, and vnetlint reads format 1.x only; the plan is not analyzed",
                    source.path,
                    other.map_or_else(|| "(none)".to_owned(), |v| format!("\"{v}\""))
                ),
            ));
            return out;
        }
    }
    let document = Document::collect(root, side);
    // Never silently: the resources of a module nested past the bound are not analyzed, and a
    // finding says which.
    for (address, range) in &document.too_deep {
        out.findings.push(Finding::new(
            "VNL002",
            "unresolved-value",
            Level::Note,
            format!(
                "module `{address}` of the plan is nested more than {MAX_MODULE_DEPTH} modules deep, and its resources are not analyzed; flatten the module nesting"
            ),
            Label::new(
                Span::new(
                    file,
                    TextRange::from_usize(range.start + base..range.end + base),
                ),
                "this module",
            ),
        ));
    }
    lower_document(&document, file, text, base, &mut out);
    vnetlint_diagnostics::sort_findings(&mut out.findings);
    out
}

/// A VNL001 finding in the plan file.
fn parse_error(file: FileId, range: TextRange, message: String) -> Finding {
    Finding::new(
        "VNL001",
        "parse-error",
        Level::Error,
        message,
        Label::new(Span::new(file, range), "here"),
    )
}

/// The parts of a plan the lowering reads.
struct Document<'j, 'a> {
    /// Planned resources, recursively through child modules.
    planned: Vec<Planned<'j, 'a>>,
    /// Changes by address.
    changes: BTreeMap<String, &'j JsonObject<'a>>,
    /// Configuration expressions by instance-free address (`module.a.azurerm_x.y`).
    config: BTreeMap<String, &'j JsonObject<'a>>,
    /// Child modules nested past [`MAX_MODULE_DEPTH`]: their address and range.
    too_deep: Vec<(String, std::ops::Range<usize>)>,
}

impl<'j, 'a> Document<'j, 'a> {
    fn collect(root: &'j JsonObject<'a>, side: PlanSide) -> Self {
        let mut planned: Vec<Planned<'j, 'a>> = Vec::new();
        let mut too_deep = Vec::new();
        let values = match side {
            PlanSide::Planned => root.get_object("planned_values"),
            PlanSide::Prior => root
                .get_object("prior_state")
                .and_then(|p| p.get_object("values")),
        };
        if let Some(module) = values.and_then(|p| p.get_object("root_module")) {
            collect_planned(module, "", &mut planned, &mut too_deep, 0);
        }
        let mut changes: BTreeMap<String, &JsonObject<'_>> = BTreeMap::new();
        // The prior state has no pending changes: what it holds is known.
        if let Some(list) = root
            .get_array("resource_changes")
            .filter(|_| side == PlanSide::Planned)
        {
            for change in list.elements.iter().filter_map(Json::as_object) {
                if let Some(address) = string(change, "address") {
                    changes.insert(address.to_owned(), change);
                }
            }
        }
        let mut config: BTreeMap<String, &JsonObject<'_>> = BTreeMap::new();
        if let Some(module) = root
            .get_object("configuration")
            .and_then(|c| c.get_object("root_module"))
        {
            collect_config(module, "", &mut config, 0);
        }
        Self {
            planned,
            changes,
            config,
            too_deep,
        }
    }
}

/// Parses each planned resource and lowers them, then the changes, into `out`.
fn lower_document(
    document: &Document<'_, '_>,
    file: FileId,
    text: &str,
    base: usize,
    out: &mut PlanLowered,
) {
    let body = text.get(base..).unwrap_or("");
    // Each resource object is parsed with hcl-edit on its own slice.
    let mut exprs: Vec<(usize, hcl_edit::expr::Expression)> = Vec::new();
    let mut kept: Vec<&Planned<'_, '_>> = Vec::new();
    for resource in &document.planned {
        let range = resource.object.range;
        let slice = body.get(range.start..range.end).unwrap_or("");
        match hcl_edit::parser::parse_expr(slice) {
            Ok(expr) => {
                exprs.push((range.start + base, expr));
                kept.push(resource);
            }
            Err(e) => out.findings.push(parse_error(
                file,
                TextRange::from_usize(range.start + base..range.end + base),
                format!(
                    "cannot read resource `{}` of the plan: {}; it is not analyzed",
                    resource.address,
                    e.message()
                ),
            )),
        }
    }
    let contexts: Vec<FileCtx<'_>> = exprs
        .iter()
        .map(|(start, _)| FileCtx {
            file,
            text,
            base: *start,
        })
        .collect();
    let sources = PlannedSources {
        file,
        exprs: &exprs,
        planned: &kept,
        changes: &document.changes,
        config: &document.config,
    };
    let (overlay, decls) = declare_planned(&sources, &mut out.objects);
    let defs = [ModuleDef::default()];
    let root_values = BTreeMap::new();
    let eval = Eval::new(&contexts, &defs, &root_values, "");
    let mut network = crate::lower::lower_plan(&eval, &overlay, &decls);
    out.findings.extend(eval.into_findings());
    network.changes = planned_changes(
        &network,
        &document.changes,
        &overlay,
        file,
        base,
        &mut out.objects,
    );
    out.network = network;
}

pub(crate) fn key_is(key: &hcl_edit::expr::ObjectKey, name: &str) -> bool {
    match key {
        hcl_edit::expr::ObjectKey::Ident(ident) => ident.as_str() == name,
        hcl_edit::expr::ObjectKey::Expression(hcl_edit::expr::Expression::String(s)) => {
            s.value() == name
        }
        hcl_edit::expr::ObjectKey::Expression(_) => false,
    }
}

/// How deep `child_modules` may nest before the rest is not read (no input can recurse
/// forever); the planned modules past it are reported.
const MAX_MODULE_DEPTH: usize = 64;

/// The planned resources of `module` and its child modules, into `out`; the address and range
/// of each child module nested past [`MAX_MODULE_DEPTH`] into `too_deep`.
fn collect_planned<'j, 'a>(
    module: &'j JsonObject<'a>,
    prefix: &str,
    out: &mut Vec<Planned<'j, 'a>>,
    too_deep: &mut Vec<(String, std::ops::Range<usize>)>,
    depth: usize,
) {
    if depth > MAX_MODULE_DEPTH {
        let address = prefix.strip_suffix('.').unwrap_or(prefix).to_owned();
        too_deep.push((address, module.range.start..module.range.end));
        return;
    }
    if let Some(resources) = module.get_array("resources") {
        for resource in resources.elements.iter().filter_map(Json::as_object) {
            if string(resource, "mode") == Some("data") {
                continue;
            }
            let Some(address) = string(resource, "address") else {
                continue;
            };
            out.push(Planned {
                address: address.to_owned(),
                module_prefix: prefix.to_owned(),
                object: resource,
            });
        }
    }
    if let Some(children) = module.get_array("child_modules") {
        for child in children.elements.iter().filter_map(Json::as_object) {
            let Some(address) = string(child, "address") else {
                continue;
            };
            collect_planned(child, &format!("{address}."), out, too_deep, depth + 1);
        }
    }
}

fn collect_config<'j, 'a>(
    module: &'j JsonObject<'a>,
    prefix: &str,
    out: &mut BTreeMap<String, &'j JsonObject<'a>>,
    depth: usize,
) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    if let Some(resources) = module.get_array("resources") {
        for resource in resources.elements.iter().filter_map(Json::as_object) {
            if let Some(address) = string(resource, "address") {
                out.insert(format!("{prefix}{address}"), resource);
            }
        }
    }
    if let Some(calls) = module.get_object("module_calls") {
        for call in &calls.properties {
            let name = prop_name(&call.name);
            if let Some(inner) = call.value.as_object().and_then(|c| c.get_object("module")) {
                collect_config(inner, &format!("{prefix}module.{name}."), out, depth + 1);
            }
        }
    }
}

/// `module.a["x"].azurerm_x.y[0]` → `module.a.azurerm_x.y`: the configuration's address.
pub(crate) fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for ch in address.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
            continue;
        }
        match ch {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => in_string = true,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// Points spans in a plan file at the configuration the plan came from: each planned element
/// at the element of the same address lowered from the `.tf` files, and an attribute inside it
/// at the same attribute of that block.
pub struct ConfigMap<'s> {
    plan_file: FileId,
    /// Plan elements and resource objects, innermost first: their range in the plan and address.
    plan: Vec<(TextRange, String)>,
    /// Configuration elements by address: their span.
    config: BTreeMap<String, Span>,
    sources: &'s SourceMap,
    /// The plan's text, to find the attribute a span sits in.
    plan_text: &'s str,
}

impl<'s> ConfigMap<'s> {
    /// Builds the map from a lowered plan and the network lowered from its configuration.
    pub fn new(sources: &'s SourceMap, plan: &PlanLowered, config: &Network) -> Option<Self> {
        let plan_file = plan.file?;
        let plan_text = &sources.try_get(plan_file)?.text;
        let mut entries: Vec<(TextRange, String)> = plan
            .network
            .elements()
            .into_iter()
            .map(|id| {
                let meta = plan.network.meta(id);
                (meta.span.range, meta.address.clone())
            })
            .filter(|(range, _)| range.end > range.start)
            .chain(plan.objects.iter().map(|(a, r)| (*r, a.clone())))
            .collect();
        entries.sort_by_key(|(range, _)| range.end - range.start);
        let mut by_address = BTreeMap::new();
        for id in config.elements() {
            let meta = config.meta(id);
            by_address.entry(meta.address.clone()).or_insert(meta.span);
        }
        Some(Self {
            plan_file,
            plan: entries,
            config: by_address,
            sources,
            plan_text,
        })
    }

    /// The configuration span for a span in the plan (unchanged when none is found).
    pub fn map(&self, span: Span) -> Span {
        if span.file != self.plan_file {
            return span;
        }
        let inside =
            |range: &TextRange| range.start <= span.range.start && span.range.end <= range.end;
        for (range, address) in self.plan.iter().filter(|(range, _)| inside(range)) {
            let Some(&block) = self.config.get(address) else {
                continue;
            };
            if *range == span.range {
                return block;
            }
            let key = innermost_key(self.plan_text, *range, span.range);
            return key
                .and_then(|key| self.attribute_span(block, &key))
                .unwrap_or(block);
        }
        span
    }

    /// Applies [`Self::map`] to every span of a finding.
    pub fn map_finding(&self, finding: &mut Finding) {
        finding.primary.span = self.map(finding.primary.span);
        for label in finding.secondary.iter_mut().chain(finding.flow.iter_mut()) {
            label.span = self.map(label.span);
        }
    }

    /// The value span of attribute `key` in the `.tf` block at `block`.
    fn attribute_span(&self, block: Span, key: &str) -> Option<Span> {
        let source = self.sources.try_get(block.file)?;
        let text = source.text.strip_prefix(BOM).unwrap_or(&source.text);
        let shift = source.text.len() - text.len();
        let body = hcl_edit::parser::parse_body(text).ok()?;
        let target = block.range.start as usize - shift..block.range.end as usize - shift;
        let found = find_block(&body, &target, 0)?;
        let attribute = found.get_attribute(key)?;
        let range = attribute.value.span()?;
        Some(Span::new(
            block.file,
            TextRange::from_usize(range.start + shift..range.end + shift),
        ))
    }
}

/// The body of the block whose span is `target`, at any depth.
fn find_block<'b>(
    body: &'b hcl_edit::structure::Body,
    target: &std::ops::Range<usize>,
    depth: usize,
) -> Option<&'b hcl_edit::structure::Body> {
    if depth > 64 {
        return None;
    }
    for block in body.blocks() {
        if block.span().as_ref() == Some(target) {
            return Some(&block.body);
        }
        if block
            .span()
            .is_some_and(|s| s.start <= target.start && target.end <= s.end)
        {
            return find_block(&block.body, target, depth + 1);
        }
    }
    None
}

/// The name of the innermost property of the JSON object at `outer` whose value contains
/// `inner` (the attribute a span in a resource's values points at).
fn innermost_key(text: &str, outer: TextRange, inner: TextRange) -> Option<String> {
    let slice = text.get(outer.start as usize..outer.end as usize)?;
    let parsed = jsonc_parser::parse_to_ast(slice, &CollectOptions::default(), &strict()).ok()?;
    let start = (inner.start - outer.start) as usize;
    let end = (inner.end - outer.start) as usize;
    let mut value = parsed.value.as_ref()?;
    let mut key = None;
    for _ in 0..256 {
        let next = match value {
            Json::Object(object) => object
                .properties
                .iter()
                .find(|p| p.range.start <= start && end <= p.range.end)
                .map(|p| {
                    key = Some(prop_name(&p.name).to_owned());
                    &p.value
                }),
            Json::Array(array) => array
                .elements
                .iter()
                .find(|e| e.start() <= start && end <= e.end()),
            _ => None,
        };
        match next {
            Some(next) => value = next,
            None => break,
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_keys_removes_instance_keys() {
        assert_eq!(
            strip_keys(r#"module.a["x.]"].module.b.azurerm_x.n[2]"#),
            "module.a.module.b.azurerm_x.n"
        );
    }

    #[test]
    fn plan_detection_needs_plan_keys() {
        assert!(is_plan_json(
            r#"{"format_version":"1.2","planned_values":{}}"#
        ));
        assert!(!is_plan_json(r#"{"$schema":"x","resources":[]}"#));
        assert!(!is_plan_json(r#"{"format_version":"1.2""#));
    }
}
