//! How a plan feeds the lowering: each planned resource's `values` object becomes the body of a
//! resource declaration, the attributes the plan leaves out because they are known only after
//! apply come back as references (through the configuration's `references`) or unknowns, ids
//! written in the values link to the planned resource they name, and `resource_changes` become
//! `Network::changes`. `crate::plan` reads the JSON document; this module decides what the
//! lowering sees.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Object};
use jsonc_parser::ast::{Object as JsonObject, Value as Json};
use vnetlint_ir::{Network, PlannedChange, Reference, Unknown};
use vnetlint_source::{FileId, Span, TextRange};

use super::{Resource, lower_resources};
use crate::eval::{Env, Eval, ResDecl};
use crate::plan::{Planned, key_is, prop_name, string, strings, strip_keys};
use crate::syntax::{BlockRef, BodyRef};
use crate::value::{Ev, EvKind};

/// What a plan says beyond the literal `values` of its resources.
#[derive(Default)]
pub(crate) struct PlanOverlay {
    /// Attributes unknown until apply (absent from `values`), by the start offset of the
    /// values object they belong to: a reference to the resource the configuration names, or
    /// an unknown.
    pub(crate) missing: BTreeMap<u32, BTreeMap<String, Ev>>,
    /// The known `id` of each planned resource (lowercase; Azure ids are case-insensitive), to
    /// link an id written in another resource's values to it.
    pub(crate) ids: BTreeMap<String, String>,
}

impl PlanOverlay {
    /// A string that is the id of a planned resource becomes a reference to that resource,
    /// as the configuration's `azurerm_x.y.id` would evaluate.
    pub(super) fn link_ids(&self, mut ev: Ev) -> Ev {
        match &mut ev.kind {
            EvKind::Scalar(text) => {
                if let Some(address) = self.ids.get(&text.to_ascii_lowercase()) {
                    ev.kind = EvKind::Ref(Unknown::reference(
                        Reference {
                            address: address.clone(),
                            attribute: "id".to_owned(),
                        },
                        format!("the id of `{address}`"),
                    ));
                }
                ev
            }
            EvKind::List(items) => {
                let taken = std::mem::take(items);
                *items = taken.into_iter().map(|item| self.link_ids(item)).collect();
                ev
            }
            _ => ev,
        }
    }
}

/// Lowers resources read from a plan's `planned_values`: the same lowering, with each
/// resource's `values` object as its body and `overlay` for what the plan leaves out.
pub(crate) fn lower_plan<'a>(
    eval: &Eval<'a>,
    overlay: &PlanOverlay,
    decls: &'a [(ResDecl<'a>, String)],
) -> Network {
    let mut resources: Vec<Resource<'a>> = decls
        .iter()
        .map(|(decl, address)| Resource {
            env: Env::new(0, decl.file),
            decl,
            address: address.clone(),
            element: None,
        })
        .collect();
    let declared: BTreeSet<String> = decls.iter().map(|(_, address)| address.clone()).collect();
    lower_resources(eval, Some(overlay), &mut resources, declared)
}

/// What the declarations of a plan's resources are read from.
pub(crate) struct PlannedSources<'s, 'j, 'a> {
    pub(crate) file: FileId,
    /// Each kept resource's object parsed as HCL, with its start offset in the plan file.
    pub(crate) exprs: &'s [(usize, Expression)],
    /// The planned resources `exprs` were parsed from, in the same order.
    pub(crate) planned: &'s [&'s Planned<'j, 'a>],
    /// `resource_changes` by address.
    pub(crate) changes: &'s BTreeMap<String, &'j JsonObject<'a>>,
    /// The configuration's resources by instance-free address.
    pub(crate) config: &'s BTreeMap<String, &'j JsonObject<'a>>,
}

/// The resource declarations the lowering reads from a plan, and the overlay for what their
/// values leave out. Each declaration's object is recorded in `objects` (its address and range
/// in the plan), for `ConfigMap`.
pub(crate) fn declare_planned<'s>(
    sources: &PlannedSources<'s, '_, '_>,
    objects: &mut Vec<(String, TextRange)>,
) -> (PlanOverlay, Vec<(ResDecl<'s>, String)>) {
    let mut overlay = PlanOverlay::default();
    let addresses: Vec<&str> = sources.planned.iter().map(|r| r.address.as_str()).collect();
    for resource in sources.planned {
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
    let mut decls: Vec<(ResDecl<'s>, String)> = Vec::new();
    for (index, ((start, expr), resource)) in sources.exprs.iter().zip(sources.planned).enumerate()
    {
        let Expression::Object(object) = expr else {
            continue;
        };
        let entry = |key: &str| {
            object
                .iter()
                .find(|(k, _)| key_is(k, key))
                .map(|(_, v)| v.expr())
        };
        let Some(Expression::Object(values)) = entry("values") else {
            continue;
        };
        let type_span = entry("type").and_then(hcl_edit::Span::span);
        let rtype = entry("type").and_then(|t| match t {
            Expression::String(s) => Some(s.value().as_str()),
            _ => None,
        });
        let Some(rtype) = rtype else { continue };
        let scope = RefScope {
            address: &resource.address,
            module_prefix: &resource.module_prefix,
            addresses: &addresses,
        };
        record_unknowns(&mut overlay, sources, *start, values, resource, &scope);
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
        objects.push((
            resource.address.clone(),
            TextRange::from_usize(
                *start..*start + (resource.object.range.end - resource.object.range.start),
            ),
        ));
    }
    (overlay, decls)
}

/// Records the attributes of one planned resource that are unknown until apply, from its
/// change's `after_unknown` and its configuration's `expressions`.
fn record_unknowns(
    overlay: &mut PlanOverlay,
    sources: &PlannedSources<'_, '_, '_>,
    start: usize,
    values: &Object,
    resource: &Planned<'_, '_>,
    scope: &RefScope<'_>,
) {
    let change = sources.changes.get(&resource.address);
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
    let expressions = sources
        .config
        .get(&config_key)
        .and_then(|c| c.get("expressions"))
        .map(|p| &p.value);
    overlay_body(
        overlay,
        sources.file,
        start,
        values,
        unknown,
        expressions,
        scope,
    );
}

/// The `resource_changes` of managed resources, each linked to the element it changes when that
/// is in `network`. Each change's object is recorded in `objects`, for `ConfigMap`.
pub(crate) fn planned_changes(
    network: &Network,
    changes: &BTreeMap<String, &JsonObject<'_>>,
    overlay: &PlanOverlay,
    file: FileId,
    base: usize,
    objects: &mut Vec<(String, TextRange)>,
) -> Vec<PlannedChange> {
    let mut out = Vec::new();
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
                .and_then(|vnet| network.find(vnet))
        } else {
            network.find(address)
        };
        let range = change.range;
        let span_range = TextRange::from_usize(range.start + base..range.end + base);
        objects.push((address.to_owned(), span_range));
        out.push(PlannedChange {
            address: address.to_owned(),
            resource_type: rtype.to_owned(),
            actions,
            element,
            before_dns_servers: side("before"),
            after_dns_servers: side("after"),
            span: Span::new(file, span_range),
        });
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
    values: &Object,
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
                if value_of(key).is_some_and(|v| !matches!(v, Expression::Null(_))) {
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
                let Some(Expression::Array(blocks)) = value_of(key) else {
                    continue;
                };
                let written = written.and_then(Json::as_array);
                for (index, (block, item)) in blocks.iter().zip(&items.elements).enumerate() {
                    let Expression::Object(block) = block else {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
