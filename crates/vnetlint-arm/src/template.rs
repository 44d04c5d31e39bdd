//! Template structure: parameters (file values, defaults, secure types), variables and user
//! functions make a scope; resources (array, or languageVersion 2.0 object), child resources
//! (nested or top level), resource `copy`, `condition` and nested deployments (inline template
//! with inner or outer scope, or a relative `templateLink` the host loads) expand into resource
//! instances whose bodies are fully evaluated.

use std::collections::BTreeMap;
use std::rc::Rc;

use vnetlint_diagnostics::{Budget, Finding, Label, Level, Limit};
use vnetlint_ir::Span;

use crate::Host;
use crate::eval::{Locals, Param, Scope};
use crate::funcs::{interleave, truthy};
use crate::json::{Json, JsonKind};
use crate::value::{Kind, Value};

/// One deployed resource: its full type and name and its evaluated body.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    /// `Microsoft.Network/networkSecurityGroups/securityRules`.
    pub(crate) rtype: String,
    /// `Microsoft.Network/networkSecurityGroups/nsg/securityRules/rule`.
    pub(crate) address: String,
    /// The `name` value as evaluated (the last segment is the resource's own name).
    pub(crate) name: Value,
    /// The evaluated resource object (without `copy`, `condition` and `resources`).
    pub(crate) body: Value,
    /// The resource object as written.
    pub(crate) span: Span,
    /// Marked `existing` (languageVersion 2.0): deployed by other means. Kept only so that the
    /// child resources the template adds to it (an NSG's rules) know their parent.
    pub(crate) existing: bool,
}

/// Nested deployments deeper than this are not expanded (a template linking itself).
const MAX_DEPTH: usize = 10;

pub(crate) struct Expander<'h> {
    pub(crate) host: &'h mut dyn Host,
    pub(crate) findings: Vec<Finding>,
    pub(crate) instances: Vec<Instance>,
    /// The limits of the whole template, nested deployments included.
    pub(crate) budget: Rc<Budget>,
}

/// Supplied parameter values: from a parameter file or a parent deployment, by lowercase name.
pub(crate) type Supplied = BTreeMap<String, Value>;

impl Expander<'_> {
    /// Expands one template with the given parameter values.
    pub(crate) fn template(&mut self, template: &Json, supplied: &Supplied, depth: usize) {
        self.template_in(template, supplied, depth, &Locals::default());
    }

    /// Expands a template deployed at a place of its parent (`at`: a deployment in a copy
    /// loop deploys it once per iteration, which the copies inside it multiply).
    fn template_in(&mut self, template: &Json, supplied: &Supplied, depth: usize, at: &Locals) {
        let scope = build_scope(template, supplied, &self.budget);
        self.resources(template, &scope, &at.nested(), depth);
    }

    fn resources(&mut self, template: &Json, scope: &Scope<'_>, locals: &Locals, depth: usize) {
        let Some(resources) = template.get("resources") else {
            return;
        };
        match &resources.kind {
            JsonKind::Array(items) => {
                for item in items {
                    self.resource(item, None, scope, locals, depth);
                }
            }
            // languageVersion 2.0: an object keyed by symbolic name.
            JsonKind::Object(members) => {
                let mut scope_with_symbols = Scope::new(
                    scope.params.clone(),
                    scope.variables,
                    scope.functions.clone(),
                )
                .with_budget(&scope.budget);
                scope_with_symbols
                    .deployment_name
                    .clone_from(&scope.deployment_name);
                for member in members {
                    let rtype = member.value.get("type").map(|t| scope.eval_json(t, locals));
                    let name = member.value.get("name").map(|n| scope.eval_json(n, locals));
                    if let (Some(rtype), Some(name)) = (rtype, name)
                        && let (Some(rtype), Some(name)) = (rtype.as_str(), name.as_str())
                    {
                        scope_with_symbols
                            .symbols
                            .insert(member.key.to_ascii_lowercase(), interleave(rtype, name));
                    }
                }
                for member in members {
                    self.resource(&member.value, None, &scope_with_symbols, locals, depth);
                }
            }
            _ => {}
        }
    }

    fn resource(
        &mut self,
        json: &Json,
        parent: Option<(&str, &str)>,
        scope: &Scope<'_>,
        locals: &Locals,
        depth: usize,
    ) {
        if json
            .get("existing")
            .is_some_and(|e| matches!(e.kind, JsonKind::Bool(true)))
        {
            let first = self.instances.len();
            self.one_resource(json, parent, scope, locals, depth);
            if let Some(instance) = self.instances.get_mut(first) {
                instance.existing = true;
            }
            return;
        }
        let Some(copy) = json.get("copy") else {
            self.one_resource(json, parent, scope, locals, depth);
            return;
        };
        let loop_name = copy
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let count = copy.get("count").map_or_else(
            || Value::unknown("the copy has no `count`", copy.span),
            |c| scope.eval_json(c, locals),
        );
        let count_limit = i64::try_from(self.budget.limits.max_instances).unwrap_or(i64::MAX);
        let counted = Scope::copy_count(&count).and_then(|n| {
            if n > count_limit {
                let what = format!("the copy count of this resource is {n}");
                return Err(self.budget.exceeded(Limit::Instances, count.span, &what));
            }
            scope.copies_within(locals.copies_of(n), count.span)?;
            Ok(n)
        });
        match counted {
            Ok(n) => {
                for i in 0..n {
                    let index = Value::new(Kind::Int(i), count.span);
                    let mut inner = locals.in_copy(loop_name.clone(), index.clone(), n);
                    inner.resource_index = Some(index);
                    self.one_resource(json, parent, scope, &inner, depth);
                }
            }
            Err(reason) => {
                // Only where the resource can change a network verdict (a lock or a role
                // assignment under an unknown count changes none).
                if lowers_to_network(json, parent, scope, locals) {
                    self.unresolved(
                        count.span,
                    format!(
                        "the copy count of this resource cannot be evaluated ({reason}); vnetlint analyzes one instance whose index is unknown; give the values the count depends on, for example in a parameter file"
                    ),
                        "this count",
                    );
                }
                let index =
                    Value::unknown(format!("the copy count is unknown: {reason}"), count.span);
                let mut inner = locals.clone();
                inner.resource_index = Some(index.clone());
                inner.copies.push((loop_name, index));
                self.one_resource(json, parent, scope, &inner, depth);
            }
        }
    }

    fn one_resource(
        &mut self,
        json: &Json,
        parent: Option<(&str, &str)>,
        scope: &Scope<'_>,
        locals: &Locals,
        depth: usize,
    ) {
        if let Some(condition) = json.get("condition") {
            let value = scope.eval_json(condition, locals);
            match truthy(&value) {
                Ok(false) => return,
                Ok(true) => {}
                Err(reason) => {
                    if lowers_to_network(json, parent, scope, locals) {
                        self.unresolved(
                            condition.span,
                            format!(
                                "the condition of this resource cannot be evaluated ({reason}); vnetlint analyzes the resource as if it were deployed; give the values the condition depends on, for example in a parameter file"
                            ),
                            "this condition",
                        );
                    }
                }
            }
        }
        let rtype = json
            .get("type")
            .map(|t| scope.eval_json(t, locals))
            .and_then(|t| t.as_str().map(str::to_owned))
            .unwrap_or_default();
        let name = json.get("name").map_or_else(
            || Value::unknown("the resource has no name", json.span),
            |n| scope.eval_json(n, locals),
        );
        let (full_type, full_name) = match parent {
            Some((ptype, pname)) if !rtype.contains('/') => (
                format!("{ptype}/{rtype}"),
                format!("{pname}/{}", name_text(&name)),
            ),
            _ => (rtype.clone(), name_text(&name)),
        };
        let address = interleave(&full_type, &full_name);
        if full_type.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
            self.deployment(json, scope, locals, depth);
            return;
        }
        let mut members = Vec::new();
        for member in json.members() {
            let key = member.key.to_ascii_lowercase();
            if matches!(
                key.as_str(),
                "copy" | "condition" | "resources" | "dependson" | "comments" | "existing"
            ) {
                continue;
            }
            members.push((member.key.clone(), scope.eval_json(&member.value, locals)));
        }
        self.instances.push(Instance {
            rtype: full_type.clone(),
            address,
            name,
            body: Value::new(Kind::Object(members), json.span),
            span: json.span,
            existing: false,
        });
        if let Some(children) = json.get("resources") {
            for child in children.elements() {
                self.resource(child, Some((&full_type, &full_name)), scope, locals, depth);
            }
        }
    }

    /// `Microsoft.Resources/deployments`: an inline template or a linked one.
    fn deployment(&mut self, json: &Json, scope: &Scope<'_>, locals: &Locals, depth: usize) {
        let Some(properties) = json.get("properties") else {
            return;
        };
        if depth >= MAX_DEPTH {
            self.unresolved(
                json.span,
                format!("nested deployments are deeper than {MAX_DEPTH} levels; the deeper ones are not analyzed; flatten the nesting"),
                "this deployment",
            );
            return;
        }
        let inner_scope = properties
            .path(&["expressionEvaluationOptions", "scope"])
            .map(|s| scope.eval_json(s, locals))
            .and_then(|s| s.as_str().map(str::to_ascii_lowercase))
            .is_some_and(|s| s == "inner");
        if let Some(template) = properties.get("template") {
            if inner_scope {
                let supplied = deployment_parameters(properties, scope, locals);
                self.template_in(template, &supplied, depth + 1, locals);
            } else {
                // Outer scope: the nested template's expressions see the parent's names.
                self.resources(template, scope, locals, depth + 1);
            }
            return;
        }
        let Some(link) = properties.get("templateLink") else {
            return;
        };
        let relative = link.get("relativePath").map(|p| scope.eval_json(p, locals));
        let reason = match relative.as_ref().map(|r| (&r.kind, r.span)) {
            Some((Kind::Str(path), _)) => match self.host.load_linked(json.span.file, path) {
                Ok(file) => {
                    let text = self.host.sources().try_get(file).map(|s| s.text.clone());
                    match text.as_deref().map(|t| crate::json::parse(file, t)) {
                        Some(Ok(Some(linked))) => {
                            let supplied = deployment_parameters(properties, scope, locals);
                            self.template_in(&linked, &supplied, depth + 1, locals);
                            return;
                        }
                        Some(Err(error)) => {
                            self.findings.push(crate::parse_error(
                                self.host.sources(),
                                file,
                                &error,
                            ));
                            return;
                        }
                        _ => format!("the linked template `{path}` is empty"),
                    }
                }
                Err(reason) => reason,
            },
            Some(_) => "its `relativePath` cannot be evaluated".to_owned(),
            None => "it links a template by URI or template spec, which vnetlint never fetches"
                .to_owned(),
        };
        self.unresolved(
            link.span,
            format!(
                "the linked template of this deployment is not analyzed: {reason}; scan the linked template's file with its parameters, or inline it"
            ),
            "this template link",
        );
    }

    fn unresolved(&mut self, span: Span, message: String, label: &str) {
        self.findings.push(Finding::new(
            "VNL002",
            "unresolved-value",
            Level::Note,
            message,
            Label::new(span, label),
        ));
    }
}

/// Whether a resource can put anything into the network: its type (with its parent's, for a
/// child) lowers into an element, it is a nested deployment, or it has child resources. A type
/// that cannot be evaluated counts as one that lowers (never silent on what might matter).
fn lowers_to_network(
    json: &Json,
    parent: Option<(&str, &str)>,
    scope: &Scope<'_>,
    locals: &Locals,
) -> bool {
    if json.get("resources").is_some() {
        return true;
    }
    let Some(rtype) = json
        .get("type")
        .map(|t| scope.eval_json(t, locals))
        .and_then(|t| t.as_str().map(str::to_owned))
    else {
        return true;
    };
    let full = match parent {
        Some((ptype, _)) if !rtype.contains('/') => format!("{ptype}/{rtype}"),
        _ => rtype,
    };
    if full.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
        // An inline template matters when one of its resources does (a telemetry deployment
        // with no resources, as Azure Verified Modules carry, does not); a linked one may.
        return match json.path(&["properties", "template", "resources"]) {
            Some(resources) => resources
                .elements()
                .iter()
                .any(|r| lowers_to_network(r, None, scope, locals)),
            None => true,
        };
    }
    crate::lower::lowers(&full)
}

/// The text of a resource name, or a placeholder that says it is not known.
pub(crate) fn name_text(name: &Value) -> String {
    match &name.kind {
        Kind::Str(s) => s.clone(),
        Kind::Int(i) => i.to_string(),
        _ => "[unknown]".to_owned(),
    }
}

/// The `parameters` of a deployment, evaluated in the parent's scope.
fn deployment_parameters(properties: &Json, scope: &Scope<'_>, locals: &Locals) -> Supplied {
    supplied_values(properties, |value| scope.eval_json(value, locals))
}

/// The values of a parameter file (`parameters: { name: { value } }`), as literals.
pub(crate) fn parameter_file_values(file: &Json) -> Supplied {
    supplied_values(file, Value::literal)
}

/// The `parameters` of a parameter file or a nested deployment, each `value` read with
/// `read`; a Key Vault `reference` is unknown, as vnetlint never reads secrets.
fn supplied_values(holder: &Json, read: impl Fn(&Json) -> Value) -> Supplied {
    let mut supplied = Supplied::new();
    if let Some(params) = holder.get("parameters") {
        for member in params.members() {
            let value = if let Some(value) = member.value.get("value") {
                read(value)
            } else if member.value.get("reference").is_some() {
                Value::unknown(
                    "the value is a Key Vault secret, which vnetlint does not read",
                    member.value.span,
                )
            } else {
                continue;
            };
            supplied.insert(member.key.to_ascii_lowercase(), value);
        }
    }
    supplied
}

/// The scope of a template: parameters resolved in declaration order (a default may use the
/// parameters before it), variables and user functions.
pub(crate) fn build_scope<'a>(
    template: &'a Json,
    supplied: &Supplied,
    budget: &Rc<Budget>,
) -> Scope<'a> {
    let mut params: BTreeMap<String, (String, Param)> = BTreeMap::new();
    if let Some(declared) = template.get("parameters") {
        for member in declared.members() {
            let def = &member.value;
            let ptype = def
                .get("type")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let secret = ptype == "securestring" || ptype == "secureobject";
            let key = member.key.to_ascii_lowercase();
            let value = if let Some(value) = supplied.get(&key) {
                value.clone()
            } else if let Some(default) = def.get("defaultValue") {
                let partial = Scope::new(params.clone(), None, BTreeMap::new()).with_budget(budget);
                partial.eval_json(default, &Locals::default())
            } else {
                let allowed = def
                    .get("allowedValues")
                    .filter(|_| !secret)
                    .map(|a| {
                        let texts: Vec<String> = a
                            .elements()
                            .iter()
                            .map(|e| match &e.kind {
                                JsonKind::String(s) => format!("`{s}`"),
                                JsonKind::Number(n) => format!("`{n}`"),
                                _ => "a value".to_owned(),
                            })
                            .collect();
                        format!(" (allowed: {})", texts.join(", "))
                    })
                    .unwrap_or_default();
                Value::unknown(
                    format!(
                        "parameter `{}` has no value: no default and no parameter file value{allowed}",
                        member.key
                    ),
                    member.key_span,
                )
            };
            params.insert(key, (member.key.clone(), Param { value, secret }));
        }
    }
    let mut functions = BTreeMap::new();
    if let Some(groups) = template.get("functions") {
        for group in groups.elements() {
            let namespace = group.get("namespace").and_then(Json::as_str).unwrap_or("");
            if let Some(members) = group.get("members") {
                for member in members.members() {
                    functions.insert(
                        format!("{namespace}.{}", member.key).to_ascii_lowercase(),
                        &member.value,
                    );
                }
            }
        }
    }
    Scope::new(params, template.get("variables"), functions).with_budget(budget)
}

/// Whether a file is Bicep output (`metadata._generator.name == "bicep"`).
pub(crate) fn is_bicep(template: &Json) -> bool {
    template
        .path(&["metadata", "_generator", "name"])
        .and_then(Json::as_str)
        .is_some_and(|n| n.eq_ignore_ascii_case("bicep"))
}
