//! Terraform plan JSON (`terraform show -json PLANFILE`, format 1.x): the resources of
//! `planned_values` (root and child modules) are lowered by the same lowering as the
//! configuration, each resource's `values` object standing for its block body; the attributes
//! a plan leaves out because they are known only after apply come back through the
//! `configuration`'s references; `resource_changes` become `Network::changes`.
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
use vnetlint_ir::{ElementId, Network, PlannedChange, Reference, Unknown};
use vnetlint_source::{FileId, SourceMap, Span, TextRange};

use crate::eval::{Ev, EvKind, Eval, FileCtx, ModuleDef, ResDecl};
use crate::lower::PlanOverlay;
use crate::syntax::{BlockRef, BodyRef};

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

fn prop_name<'a>(name: &'a ObjectPropName<'_>) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

fn string<'a>(object: &'a JsonObject<'_>, key: &str) -> Option<&'a str> {
    object.get_string(key).map(|s| &*s.value)
}

fn strings(value: Option<&Json<'_>>) -> Option<Vec<String>> {
    value?.as_array().map(|array| {
        array
            .elements
            .iter()
            .filter_map(|e| e.as_string_lit().map(|s| s.value.to_string()))
            .collect()
    })
}

/// One managed resource of `planned_values`.
struct Planned<'j, 'a> {
    address: String,
    /// `module.a["x"].` or `""`.
    module_prefix: String,
    object: &'j JsonObject<'a>,
}

/// Lowers a plan file already in `sources`.
pub fn lower_plan(sources: &SourceMap, file: FileId) -> PlanLowered {
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
    let error = |range: TextRange, message: String| {
        Finding::new(
            "VNL001",
            "parse-error",
            Level::Error,
            message,
            Label::new(Span::new(file, range), "here"),
        )
    };
    let parsed = match jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &strict()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let range = e.range();
            out.findings.push(error(
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
            out.findings.push(error(
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

    // Planned resources, recursively through child modules.
    let mut planned: Vec<Planned<'_, '_>> = Vec::new();
    if let Some(module) = root
        .get_object("planned_values")
        .and_then(|p| p.get_object("root_module"))
    {
        let mut too_deep = Vec::new();
        collect_planned(module, "", &mut planned, &mut too_deep, 0);
        // Never silently: the resources of a module nested past the bound are not analyzed,
        // and a finding says which.
        for (address, range) in too_deep {
            out.findings.push(Finding::new(
                "VNL002",
                "unresolved-value",
                Level::Warning,
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
    }
    // Changes by address.
    let mut changes: BTreeMap<String, &JsonObject<'_>> = BTreeMap::new();
    if let Some(list) = root.get_array("resource_changes") {
        for change in list.elements.iter().filter_map(Json::as_object) {
            if let Some(address) = string(change, "address") {
                changes.insert(address.to_owned(), change);
            }
        }
    }
    // Configuration expressions by instance-free address (`module.a.azurerm_x.y`).
    let mut config: BTreeMap<String, &JsonObject<'_>> = BTreeMap::new();
    if let Some(module) = root
        .get_object("configuration")
        .and_then(|c| c.get_object("root_module"))
    {
        collect_config(module, "", &mut config, 0);
    }

    // Each resource object is parsed with hcl-edit on its own slice.
    let mut exprs: Vec<(usize, hcl_edit::expr::Expression)> = Vec::new();
    let mut kept: Vec<&Planned<'_, '_>> = Vec::new();
    for resource in &planned {
        let range = resource.object.range;
        let slice = body.get(range.start..range.end).unwrap_or("");
        match hcl_edit::parser::parse_expr(slice) {
            Ok(expr) => {
                exprs.push((range.start + base, expr));
                kept.push(resource);
            }
            Err(e) => out.findings.push(error(
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

    let mut overlay = PlanOverlay::default();
    let addresses: Vec<&str> = kept.iter().map(|r| r.address.as_str()).collect();
    for resource in &kept {
        if let Some(id) = resource
            .object
            .get_object("values")
            .and_then(|v| string(v, "id"))
        {
            overlay
                .ids
                .insert(id.to_ascii_lowercase(), resource.address.clone());
        }
    }
    let mut decls: Vec<(ResDecl<'_>, String)> = Vec::new();
    for (index, ((start, expr), resource)) in exprs.iter().zip(&kept).enumerate() {
        let hcl_edit::expr::Expression::Object(object) = expr else {
            continue;
        };
        let entry = |key: &str| {
            object
                .iter()
                .find(|(k, _)| key_is(k, key))
                .map(|(_, v)| v.expr())
        };
        let Some(hcl_edit::expr::Expression::Object(values)) = entry("values") else {
            continue;
        };
        let type_span = entry("type").and_then(hcl_edit::Span::span);
        let rtype = entry("type").and_then(|t| match t {
            hcl_edit::expr::Expression::String(s) => Some(s.value().as_str()),
            _ => None,
        });
        let Some(rtype) = rtype else { continue };
        // Attributes unknown until apply.
        let change = changes.get(&resource.address);
        let unknown = change
            .and_then(|c| c.get_object("change"))
            .and_then(|c| c.get("after_unknown"))
            .map(|p| &p.value);
        let config_key = format!(
            "{}{}",
            strip_keys(&resource.module_prefix),
            strip_keys(
                resource
                    .address
                    .strip_prefix(&resource.module_prefix)
                    .unwrap_or(&resource.address)
            )
        );
        let expressions = config
            .get(&config_key)
            .and_then(|c| c.get("expressions"))
            .map(|p| &p.value);
        let scope = RefScope {
            address: &resource.address,
            module_prefix: &resource.module_prefix,
            addresses: &addresses,
        };
        overlay_body(
            &mut overlay,
            file,
            *start,
            values,
            unknown,
            expressions,
            &scope,
        );
        decls.push((
            ResDecl {
                file: index,
                rtype,
                key: resource.address.clone(),
                block: BlockRef {
                    ident: "resource",
                    labels: vec![(rtype, type_span)],
                    body: BodyRef::Json(values),
                    span: object.span(),
                },
            },
            resource.address.clone(),
        ));
        out.objects.push((
            resource.address.clone(),
            TextRange::from_usize(
                *start..*start + (resource.object.range.end - resource.object.range.start),
            ),
        ));
    }

    let defs = [ModuleDef::default()];
    let root_values = BTreeMap::new();
    let eval = Eval::new(&contexts, &defs, &root_values, "");
    let mut network = crate::lower::lower_plan(&eval, &overlay, &decls);
    out.findings.extend(eval.into_findings());

    // `resource_changes` of managed resources.
    for change in changes.values() {
        if string(change, "mode") == Some("data") {
            continue;
        }
        let (Some(address), Some(rtype)) = (string(change, "address"), string(change, "type"))
        else {
            continue;
        };
        let detail = change.get_object("change");
        let actions =
            strings(detail.and_then(|d| d.get("actions")).map(|p| &p.value)).unwrap_or_default();
        let side = |key: &str| {
            detail
                .and_then(|d| d.get_object(key))
                .map(|values| strings(values.get("dns_servers").map(|p| &p.value)))
                .unwrap_or_default()
        };
        let element = if rtype == "azurerm_virtual_network_dns_servers" {
            detail
                .and_then(|d| d.get_object("after").or_else(|| d.get_object("before")))
                .and_then(|v| string(v, "virtual_network_id"))
                .and_then(|id| overlay.ids.get(&id.to_ascii_lowercase()))
                .and_then(|vnet| element_at(&network, vnet))
        } else {
            element_at(&network, address)
        };
        let range = change.range;
        let span_range = TextRange::from_usize(range.start + base..range.end + base);
        out.objects.push((address.to_owned(), span_range));
        network.changes.push(PlannedChange {
            address: address.to_owned(),
            resource_type: rtype.to_owned(),
            actions,
            element,
            before_dns_servers: side("before"),
            after_dns_servers: side("after"),
            span: Span::new(file, span_range),
        });
    }
    out.network = network;
    vnetlint_diagnostics::sort_findings(&mut out.findings);
    out
}

fn key_is(key: &hcl_edit::expr::ObjectKey, name: &str) -> bool {
    match key {
        hcl_edit::expr::ObjectKey::Ident(ident) => ident.as_str() == name,
        hcl_edit::expr::ObjectKey::Expression(hcl_edit::expr::Expression::String(s)) => {
            s.value() == name
        }
        hcl_edit::expr::ObjectKey::Expression(_) => false,
    }
}

fn element_at(network: &Network, address: &str) -> Option<ElementId> {
    network
        .elements()
        .into_iter()
        .find(|id| network.meta(*id).address == address)
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
fn strip_keys(address: &str) -> String {
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

/// What the references of one resource are resolved against.
struct RefScope<'s> {
    address: &'s str,
    module_prefix: &'s str,
    addresses: &'s [&'s str],
}

impl RefScope<'_> {
    /// The instance suffix of this resource (`[0]`, `["a"]`), if any.
    fn own_key(&self) -> Option<&str> {
        let local = self.address.strip_prefix(self.module_prefix)?;
        local.find('[').map(|i| &local[i..])
    }

    /// Resolves a configuration reference (`azurerm_subnet.backend.id`,
    /// `azurerm_subnet.backend[0].id`) to a planned resource address and attribute.
    fn resolve(&self, text: &str) -> Option<Reference> {
        let first = text.split('.').next()?;
        if matches!(
            first,
            "var" | "local" | "each" | "count" | "path" | "self" | "module" | "data" | "terraform"
        ) || !first.contains('_')
        {
            return None;
        }
        let rest = text.get(first.len() + 1..)?;
        let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..name_end];
        let mut after = &rest[name_end..];
        let mut key = "";
        if after.starts_with('[') {
            let close = after.find(']')?;
            key = &after[..=close];
            after = &after[close + 1..];
        }
        let attribute = after.strip_prefix('.')?;
        let attribute = attribute
            .split(['.', '['])
            .next()
            .filter(|a| !a.is_empty())?;
        let base = format!("{}{first}.{name}", self.module_prefix);
        let address = if key.is_empty() {
            let exact = self.addresses.contains(&base.as_str());
            let instances: Vec<&&str> = self
                .addresses
                .iter()
                .filter(|a| {
                    a.strip_prefix(base.as_str())
                        .is_some_and(|r| r.starts_with('['))
                })
                .collect();
            if exact {
                base
            } else if let Some(own) = self.own_key()
                && self.addresses.contains(&format!("{base}{own}").as_str())
            {
                // `azurerm_subnet.s[count.index].id` in a counted resource: the same instance.
                format!("{base}{own}")
            } else if let [only] = instances.as_slice() {
                (**only).to_owned()
            } else {
                return None;
            }
        } else {
            format!("{base}{key}")
        };
        Some(Reference {
            address,
            attribute: attribute.to_owned(),
        })
    }
}

/// Records the attributes of one values object that are unknown until apply, recursing into
/// nested blocks (lists of objects) alongside `after_unknown` and the configuration.
fn overlay_body(
    overlay: &mut PlanOverlay,
    file: FileId,
    base: usize,
    values: &hcl_edit::expr::Object,
    unknown: Option<&Json<'_>>,
    config: Option<&Json<'_>>,
    scope: &RefScope<'_>,
) {
    let Some(unknown) = unknown.and_then(Json::as_object) else {
        return;
    };
    let range = values.span().unwrap_or(0..0);
    let span = Span::new(
        file,
        TextRange::from_usize(range.start + base..range.end + base),
    );
    let value_of = |key: &str| {
        values
            .iter()
            .find(|(k, _)| key_is(k, key))
            .map(|(_, v)| v.expr())
    };
    let config = config.and_then(Json::as_object);
    for prop in &unknown.properties {
        let key = prop_name(&prop.name);
        let written = config.and_then(|c| c.get(key)).map(|p| &p.value);
        match &prop.value {
            Json::BooleanLit(b) if b.value => {
                if value_of(key).is_some_and(|v| !matches!(v, hcl_edit::expr::Expression::Null(_)))
                {
                    continue;
                }
                let references = written
                    .and_then(Json::as_object)
                    .and_then(|e| strings(e.get("references").map(|p| &p.value)))
                    .unwrap_or_default();
                let ev = match references.iter().find_map(|r| scope.resolve(r)) {
                    Some(reference) => Ev::new(
                        EvKind::Ref(Unknown::reference(
                            reference.clone(),
                            format!("`{reference}` is known only after apply"),
                        )),
                        span,
                    ),
                    None => Ev::new(
                        EvKind::Unknown(Unknown::reference(
                            Reference {
                                address: scope.address.to_owned(),
                                attribute: key.to_owned(),
                            },
                            format!("`{}` of `{}` is known only after apply", key, scope.address),
                        )),
                        span,
                    ),
                };
                overlay
                    .missing
                    .entry(span.range.start)
                    .or_default()
                    .insert(key.to_owned(), ev);
            }
            Json::Array(items) => {
                let Some(hcl_edit::expr::Expression::Array(blocks)) = value_of(key) else {
                    continue;
                };
                let written = written.and_then(Json::as_array);
                for (index, (block, item)) in blocks.iter().zip(&items.elements).enumerate() {
                    let hcl_edit::expr::Expression::Object(block) = block else {
                        continue;
                    };
                    // Blocks are aligned by position; sets may be ordered differently in the
                    // configuration, so only a single block or equal counts are trusted.
                    let config_block = written.and_then(|w| match w.elements.len() {
                        1 => w.elements.first(),
                        n if n == items.elements.len() => w.elements.get(index),
                        _ => None,
                    });
                    overlay_body(overlay, file, base, block, Some(item), config_block, scope);
                }
            }
            _ => {}
        }
    }
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
    fn references_resolve_to_planned_instances() {
        let addresses = [
            "azurerm_subnet.a",
            "azurerm_subnet.b[0]",
            "azurerm_subnet.b[1]",
            "azurerm_nic.n[1]",
        ];
        let scope = RefScope {
            address: "azurerm_nic.n[1]",
            module_prefix: "",
            addresses: &addresses,
        };
        let r = scope.resolve("azurerm_subnet.a.id").unwrap();
        assert_eq!(
            (r.address.as_str(), r.attribute.as_str()),
            ("azurerm_subnet.a", "id")
        );
        let r = scope.resolve("azurerm_subnet.b").map(|r| r.address);
        assert_eq!(r, None, "no attribute");
        let r = scope.resolve("azurerm_subnet.b.id").unwrap();
        assert_eq!(r.address, "azurerm_subnet.b[1]", "the same instance key");
        assert!(scope.resolve("var.subnet_id").is_none());
        assert!(scope.resolve("module.net.subnet_id").is_none());
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
