//! What `count` and `for_each` make of a resource or module call: its instances (created on
//! first use, with their `count`/`each` bindings), the values expressions see for them, and
//! the attributes of resource instances, written or computed by Azure at deployment.

use std::rc::Rc;

use hcl_edit::Span as _;

use vnetlint_diagnostics::{Label, Limit};
use vnetlint_ir::{Reference, Span, Unknown};

use super::{
    COMPUTED_ATTRIBUTES, CallInsts, CallTarget, Env, Eval, Expansion, Inst, InstKey,
    META_ARGUMENTS, MemoKey, number, placeholder_span, scalar_text,
};
use crate::syntax::BodyRef;
use crate::value::{Ev, EvKind, ObjectEntry, ResInst, unresolved_reason};

impl<'a> Eval<'a> {
    /// `module.NAME`: one module instance, a list (count) or a map (`for_each`) of them.
    pub(super) fn module_call(&self, inst: usize, call: &str, span: Span) -> Ev {
        match &*self.call_instances(inst, call, span) {
            CallInsts::Single(child) => Ev::new(EvKind::Module(*child), span),
            CallInsts::Many(children) => {
                let is_count = children.iter().all(|(k, _)| matches!(k, InstKey::Int(_)));
                instances_value(
                    children
                        .iter()
                        .map(|(key, child)| (key, Ev::new(EvKind::Module(*child), span))),
                    is_count && !children.is_empty(),
                    span,
                )
            }
            CallInsts::Unknown(unknown) => Ev::new(EvKind::Unknown(unknown.clone()), span),
        }
    }

    /// The instances of a module call, created on first use.
    pub(crate) fn call_instances(&self, inst: usize, call: &str, span: Span) -> Rc<CallInsts> {
        let info = self.inst(inst);
        let label = format!("{}module.{call}", info.prefix);
        self.guarded(
            MemoKey::Calls(inst, call.to_owned()),
            label.clone(),
            span,
            &self.call_insts,
            || Rc::new(self.make_call_instances(inst, call, &info, span)),
            |reason| Rc::new(CallInsts::Unknown(Unknown::new(reason))),
        )
    }

    fn make_call_instances(&self, inst: usize, call: &str, info: &Inst, span: Span) -> CallInsts {
        let def = &self.defs[info.def];
        let Some(decl) = def.calls.get(call) else {
            return CallInsts::Unknown(Unknown::new(format!(
                "module `{call}` is not declared in this module"
            )));
        };
        let child_def = match &decl.target {
            CallTarget::Local(child) => *child,
            CallTarget::Unresolved(reason) => {
                return CallInsts::Unknown(Unknown::new(reason.clone()));
            }
        };
        // A module that calls itself, directly or through others, would expand forever.
        let mut chain = vec![info.def];
        let mut up = info.parent.as_ref().map(|(p, _, _)| *p);
        while let Some(p) = up {
            let parent = self.inst(p);
            chain.push(parent.def);
            up = parent.parent.as_ref().map(|(pp, _, _)| *pp);
        }
        if chain.contains(&child_def) || info.depth >= 16 {
            // The directory is not named: it is an absolute path, and outputs hold none.
            let path = format!(
                "module `{}{call}` calls a module directory that is already being expanded above it",
                info.prefix
            );
            let decl_span = self.ctx(decl.file).span(decl.block.span.clone());
            self.report_module_recursion(&path, decl_span);
            return CallInsts::Unknown(Unknown::new(path));
        }
        let env = Env::new(inst, decl.file);
        let expansion = self.expand(
            &env,
            decl.block.body,
            &format!("{}module.{call}", info.prefix),
        );
        let siblings = match &expansion {
            Expansion::Instances(items) => items.len() as u64,
            Expansion::Single | Expansion::Unknown(..) => 1,
        };
        let multiplicity = info.multiplicity.saturating_mul(siblings);
        let make = |key: Option<&InstKey>, bindings: Vec<(String, Ev)>| {
            let prefix = format!(
                "{}module.{call}{}.",
                info.prefix,
                key.map(InstKey::suffix).unwrap_or_default()
            );
            let mut insts = self.insts.borrow_mut();
            insts.push(Inst {
                def: child_def,
                prefix,
                parent: Some((inst, call.to_owned(), bindings)),
                depth: info.depth + 1,
                multiplicity,
            });
            insts.len() - 1
        };
        let _ = span;
        match expansion {
            Expansion::Single => CallInsts::Single(make(None, Vec::new())),
            Expansion::Instances(items) => CallInsts::Many(
                items
                    .into_iter()
                    .map(|(key, binding)| {
                        let child = make(Some(&key), vec![binding]);
                        (key, child)
                    })
                    .collect(),
            ),
            Expansion::Unknown(unknown, name) => {
                let value = Ev::new(EvKind::Unknown(unknown), placeholder_span());
                let child = make(Some(&InstKey::Star), vec![(name.to_owned(), value)]);
                CallInsts::Many(vec![(InstKey::Star, child)])
            }
        }
    }

    fn report_module_recursion(&self, path: &str, span: Span) {
        self.report_unresolvable(
            std::iter::once(path.to_owned()).collect(),
            format!(
                "the module calls itself: {path}; Terraform rejects the recursion, and the call's outputs are unresolved; remove the recursive call"
            ),
            Label::new(span, "this call recurses"),
        );
    }

    /// Evaluates `count` / `for_each` of a resource or module call. Its instances, times the
    /// instances of the module calls around it, are checked against `max_elements`: a
    /// `count` of ten thousand in a module called ten thousand times would otherwise make a
    /// hundred million resources, each within `max_instances`.
    pub(crate) fn expand(&self, env: &Env, body: BodyRef<'a>, what: &str) -> Expansion {
        let expansion = self.expand_here(env, body, what);
        let multiplicity = self.insts.borrow()[env.inst].multiplicity;
        let (true, Expansion::Instances(items), Some((name, expr))) = (
            multiplicity > 1,
            &expansion,
            [("count", "count"), ("each", "for_each")]
                .into_iter()
                .find_map(|(name, attr)| Some((name, body.attr(attr)?))),
        ) else {
            return expansion;
        };
        let total = multiplicity.saturating_mul(items.len() as u64);
        let span = self.ctx(env.file).span(expr.span());
        let within = self.budget.within(Limit::Elements, total, span, || {
            format!(
                "`{what}` has {} instances in each of the {multiplicity} instances of the module calls around it",
                items.len()
            )
        });
        match within {
            Ok(()) => expansion,
            Err(reason) => Expansion::Unknown(Unknown::new(reason), name),
        }
    }

    /// `count` / `for_each` of a block, in one instance of its module.
    fn expand_here(&self, env: &Env, body: BodyRef<'a>, what: &str) -> Expansion {
        if let Some(expr) = body.attr("count") {
            let value = self.eval(env, expr);
            return match number(&value) {
                #[allow(clippy::cast_precision_loss)]
                Some(n)
                    if n >= 0.0
                        && n.fract() == 0.0
                        && n > self.budget.limits.max_instances as f64 =>
                {
                    let what = format!("the `count` of `{what}` is {n}");
                    Expansion::Unknown(
                        Unknown::new(self.budget.exceeded(Limit::Instances, value.span, &what)),
                        "count",
                    )
                }
                Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                    #[allow(clippy::cast_possible_truncation)]
                    let n = n as i64;
                    Expansion::Instances(
                        (0..n)
                            .map(|i| {
                                let index = Ev::new(EvKind::Number(i.to_string()), value.span);
                                let object = Ev::new(
                                    EvKind::Object(vec![ObjectEntry {
                                        key: "index".to_owned(),
                                        span: value.span,
                                        value: index,
                                    }]),
                                    value.span,
                                );
                                (InstKey::Int(i), ("count".to_owned(), object))
                            })
                            .collect(),
                    )
                }
                Some(_) => Expansion::Unknown(
                    Unknown::new(format!(
                        "the `count` of `{what}` is not a whole number vnetlint expands"
                    )),
                    "count",
                ),
                None => Expansion::Unknown(
                    Unknown::new(format!(
                        "the `count` of `{what}` is unresolved: {}",
                        unresolved_reason(&value)
                    )),
                    "count",
                ),
            };
        }
        if let Some(expr) = body.attr("for_each") {
            let value = self.eval(env, expr);
            let items = match &value.kind {
                EvKind::Object(entries) => {
                    let mut sorted: Vec<(String, Ev)> = entries
                        .iter()
                        .map(|e| (e.key.clone(), e.value.clone()))
                        .collect();
                    sorted.sort_by(|a, b| a.0.cmp(&b.0));
                    Some(sorted)
                }
                EvKind::List(items) => {
                    let mut keys: Vec<(String, Ev)> = Vec::new();
                    for item in items {
                        if let Some(text) = scalar_text(item) {
                            keys.push((text, item.clone()));
                        } else {
                            {
                                return Expansion::Unknown(
                                    Unknown::new(format!(
                                        "the `for_each` of `{what}` has an element that is not a known string: {}",
                                        unresolved_reason(item)
                                    )),
                                    "each",
                                );
                            }
                        }
                    }
                    keys.sort_by(|a, b| a.0.cmp(&b.0));
                    keys.dedup_by(|a, b| a.0 == b.0);
                    Some(keys)
                }
                EvKind::Null => Some(Vec::new()),
                _ => None,
            };
            let Some(items) = items else {
                return Expansion::Unknown(
                    Unknown::new(format!(
                        "the `for_each` of `{what}` is unresolved: {}",
                        unresolved_reason(&value)
                    )),
                    "each",
                );
            };
            if items.len() > self.budget.limits.max_instances {
                let what = format!("the `for_each` of `{what}` has {} elements", items.len());
                return Expansion::Unknown(
                    Unknown::new(self.budget.exceeded(Limit::Instances, value.span, &what)),
                    "each",
                );
            }
            return Expansion::Instances(
                items
                    .into_iter()
                    .map(|(key, item)| {
                        let object = Ev::new(
                            EvKind::Object(vec![
                                ObjectEntry {
                                    key: "key".to_owned(),
                                    span: value.span,
                                    value: Ev::str(key.clone(), item.span),
                                },
                                ObjectEntry {
                                    key: "value".to_owned(),
                                    span: item.span,
                                    value: item,
                                },
                            ]),
                            value.span,
                        );
                        (InstKey::Str(key), ("each".to_owned(), object))
                    })
                    .collect(),
            );
        }
        Expansion::Single
    }

    /// The instances of a resource (memoized).
    pub(crate) fn resource_expansion(&self, inst: usize, res: usize, span: Span) -> Rc<Expansion> {
        let decl = &self.def_of(inst).resources[res];
        let prefix = self.inst(inst).prefix;
        let what = format!("{prefix}{}", decl.key);
        self.guarded(
            MemoKey::Expand(inst, res),
            format!("{what} (count/for_each)"),
            span,
            &self.expansions,
            || Rc::new(self.expand(&Env::new(inst, decl.file), decl.block.body, &what)),
            |reason| Rc::new(Expansion::Unknown(Unknown::new(reason), "each")),
        )
    }

    /// `TYPE.NAME`: one resource instance, a list (count) or a map (`for_each`) of them.
    pub(super) fn resource_value(&self, inst: usize, res: usize, span: Span) -> Ev {
        let expansion = self.resource_expansion(inst, res, span);
        let make =
            |key: Option<InstKey>| Ev::new(EvKind::Resource(ResInst { inst, res, key }), span);
        match &*expansion {
            Expansion::Single => make(None),
            Expansion::Instances(items) => {
                let is_count = matches!(items.first(), Some((InstKey::Int(_), _)));
                instances_value(
                    items.iter().map(|(key, _)| (key, make(Some(key.clone())))),
                    is_count || items.is_empty(),
                    span,
                )
            }
            Expansion::Unknown(..) => make(Some(InstKey::Star)),
        }
    }

    /// The bindings of one resource instance (`count.index`, `each.key`...).
    pub(crate) fn instance_bindings(&self, ri: &ResInst) -> Vec<(String, Ev)> {
        let Some(key) = &ri.key else {
            return Vec::new();
        };
        let expansion = self.resource_expansion(ri.inst, ri.res, placeholder_span());
        if let Expansion::Instances(items) = &*expansion {
            // Instances are in key order: found without building every instance's bindings,
            // which would make a resource of n instances cost n² to evaluate.
            let found = match items.binary_search_by(|(k, _)| k.cmp(key)) {
                Ok(at) => items.get(at),
                Err(_) => items.iter().find(|(k, _)| k == key),
            };
            return found
                .map(|(_, binding)| vec![binding.clone()])
                .unwrap_or_default();
        }
        expansion
            .instances()
            .into_iter()
            .find(|(k, _)| k.as_ref() == Some(key))
            .map(|(_, b)| b)
            .unwrap_or_default()
    }

    /// `TYPE.NAME[key].attr`: the written value, or a symbolic reference for what Azure computes.
    pub(super) fn resource_attr(&self, ri: &ResInst, attribute: &str, span: Span) -> Ev {
        let decl = &self.def_of(ri.inst).resources[ri.res];
        let address = self.address(ri);
        let reference = Reference {
            address: address.clone(),
            attribute: attribute.to_owned(),
        };
        let expr = decl
            .block
            .body
            .attr(attribute)
            .filter(|_| !META_ARGUMENTS.contains(&attribute));
        let Some(expr) = expr else {
            let body = decl.block.body;
            let blocks = body.blocks(attribute).len();
            if blocks > 0 && body.dynamic_blocks(attribute).is_empty() {
                return nested_blocks(&reference, blocks, span);
            }
            let reason = if COMPUTED_ATTRIBUTES.contains(&attribute) {
                format!("`{address}.{attribute}` is computed by Azure at deployment")
            } else {
                format!(
                    "`{address}.{attribute}` is not set in the configuration and is only known at deployment"
                )
            };
            return Ev::new(EvKind::Ref(Unknown::reference(reference, reason)), span);
        };
        let mut value = self.named_value(
            MemoKey::Attr(ri.clone(), attribute.to_owned()),
            format!("{address}.{attribute}"),
            span,
            || {
                let env = Env::new(ri.inst, decl.file).with_all(self.instance_bindings(ri));
                self.eval(&env, expr)
            },
        );
        if !value.is_unresolved() {
            value.via = Some(reference);
        }
        value
    }
}

/// The nested blocks of one type written in a resource (`ip_configuration`), read as the list
/// Terraform makes of them: one symbolic reference per block (`ip_configuration[0]`), which
/// the attributes and indexes read after it extend (see `Eval::get_attr`), so that
/// `azurerm_firewall.hub.ip_configuration[0].private_ip_address` names the firewall and the
/// path, however it is reached (an index, a splat, `one`, a module output).
fn nested_blocks(reference: &Reference, count: usize, span: Span) -> Ev {
    let items = (0..count)
        .map(|index| {
            let reference = Reference {
                address: reference.address.clone(),
                attribute: format!("{}[{index}]", reference.attribute),
            };
            let reason = format!("`{reference}` is a nested block, known only at deployment");
            Ev::new(EvKind::Ref(Unknown::reference(reference, reason)), span)
        })
        .collect();
    Ev::new(EvKind::List(items), span)
}

/// The instances of a resource or module call as an expression sees them: a list when `count`
/// made them, a map by instance key when `for_each` did.
fn instances_value<'k>(
    instances: impl Iterator<Item = (&'k InstKey, Ev)>,
    as_list: bool,
    span: Span,
) -> Ev {
    let kind = if as_list {
        EvKind::List(instances.map(|(_, value)| value).collect())
    } else {
        EvKind::Object(
            instances
                .map(|(key, value)| ObjectEntry {
                    key: match key {
                        InstKey::Str(s) => s.clone(),
                        other => other.suffix(),
                    },
                    span,
                    value,
                })
                .collect(),
        )
    };
    Ev::new(kind, span)
}
