//! References and the operators after them: `var.x`, `local.x`, `module.x`, `data.x.y`,
//! `TYPE.NAME`, `path.*`, `terraform.workspace`, then `.attr`, `[index]` and splats.

use hcl_edit::expr::{Expression, TraversalOperator};
use vnetlint_ir::{Reference, Span, Unknown};

use super::{COMPUTED_ATTRIBUTES, Env, Eval, InstKey, scalar_text, unresolved_as};
use crate::value::{Ev, EvKind, ResInst};
use crate::value::{format_number, number};

impl Eval<'_> {
    pub(super) fn eval_traversal(
        &self,
        env: &Env,
        root: &Expression,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        span: Span,
    ) -> Ev {
        let ctx = self.ctx(env.file);
        let text = ctx.snippet(span);
        // Resolve the root name and how many operators that consumed.
        let (start, used) = match root {
            Expression::Variable(ident) => {
                let name = ident.as_str();
                if let Some((_, value)) = env.bindings.iter().rev().find(|(n, _)| n == name) {
                    (value.clone().seen_from(span), 0)
                } else if env.no_refs {
                    return Ev::error(
                        format!(
                            "`{text}` is a reference, which Terraform allows no here (variable defaults and tfvars must be constants)"
                        ),
                        span,
                    );
                } else {
                    match self.eval_root_name(env, name, operators, span, &text) {
                        Ok(pair) => pair,
                        Err(ev) => return ev,
                    }
                }
            }
            other => (self.eval(env, other), 0),
        };
        self.apply_operators(env, start, &operators[used.min(operators.len())..], span)
    }

    /// The value a root name stands for and how many operators it consumed (`var.x` uses 1).
    fn eval_root_name(
        &self,
        env: &Env,
        name: &str,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        span: Span,
        text: &str,
    ) -> Result<(Ev, usize), Ev> {
        let get_attr = |i: usize| match operators.get(i).map(hcl_edit::Decorated::value) {
            Some(TraversalOperator::GetAttr(ident)) => Some(ident.as_str()),
            _ => None,
        };
        let need = |i: usize| {
            get_attr(i).ok_or_else(|| Ev::error(format!("`{text}` is not a valid reference"), span))
        };
        match name {
            "var" => {
                let var = need(0)?;
                Ok((self.var(env.inst, var, span), 1))
            }
            "local" => {
                let local = need(0)?;
                Ok((self.local(env.inst, local, span), 1))
            }
            "module" => {
                let call = need(0)?;
                Ok((self.module_call(env.inst, call, span), 1))
            }
            "each" | "count" => Err(Ev::error(
                format!(
                    "`{text}` is only valid in a block with `{}`",
                    if name == "each" { "for_each" } else { "count" }
                ),
                span,
            )),
            "path" => {
                let what = need(0)?;
                match what {
                    "module" => Ok((Ev::str(self.def_of(env.inst).dir.clone(), span), 1)),
                    "root" => Ok((Ev::str(self.defs[0].dir.clone(), span), 1)),
                    _ => Err(Ev::unknown(
                        format!("`{text}` depends on where Terraform runs"),
                        span,
                    )),
                }
            }
            "terraform" => match need(0)? {
                "workspace" => Ok((Ev::str("default", span), 1)),
                _ => Err(Ev::unknown(format!("`{text}` is not evaluated"), span)),
            },
            "self" => Err(Ev::unknown(
                format!("`{text}` is only known at deployment"),
                span,
            )),
            "data" => {
                let rtype = need(0)?;
                let rname = need(1)?;
                let key = format!("data.{rtype}.{rname}");
                let prefix = self.inst(env.inst).prefix;
                let mut used = 2;
                let mut suffix = String::new();
                if let Some(TraversalOperator::Index(index)) =
                    operators.get(2).map(hcl_edit::Decorated::value)
                {
                    let index = self.eval(env, index);
                    if let Some(text) = scalar_text(&index) {
                        suffix = match index.kind {
                            EvKind::Number(_) => format!("[{text}]"),
                            _ => InstKey::Str(text).suffix(),
                        };
                    }
                    used = 3;
                }
                let attribute = get_attr(used).unwrap_or("id");
                let reference = Reference {
                    address: format!("{prefix}{key}{suffix}"),
                    attribute: attribute.to_owned(),
                };
                let consumed = if get_attr(used).is_some() {
                    used + 1
                } else {
                    used
                };
                let reason = format!(
                    "`{text}` reads a data source, an existing Azure resource that is not in the scanned files"
                );
                Ok((
                    Ev::new(EvKind::Ref(Unknown::reference(reference, reason)), span),
                    consumed,
                ))
            }
            rtype => {
                let rname = need(0)?;
                let key = format!("{rtype}.{rname}");
                let def = self.def_of(env.inst);
                let Some(&res) = def.resource_index.get(&key) else {
                    let prefix = self.inst(env.inst).prefix;
                    let attribute = get_attr(1).unwrap_or("id");
                    return Err(Ev::new(
                        EvKind::Ref(Unknown::reference(
                            Reference {
                                address: format!("{prefix}{key}"),
                                attribute: attribute.to_owned(),
                            },
                            format!(
                                "`{text}` refers to `{key}`, which is not declared in this module"
                            ),
                        )),
                        span,
                    ));
                };
                Ok((self.resource_value(env.inst, res, span), 1))
            }
        }
    }

    /// Applies `.attr`, `[index]` and splat operators.
    fn apply_operators(
        &self,
        env: &Env,
        mut value: Ev,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        span: Span,
    ) -> Ev {
        for (i, operator) in operators.iter().enumerate() {
            match operator.value() {
                TraversalOperator::GetAttr(ident) => {
                    value = self.get_attr(value, ident.as_str(), span);
                }
                TraversalOperator::Index(index) => {
                    let index = self.eval(env, index);
                    value = Self::index(value, &index, span);
                }
                TraversalOperator::LegacyIndex(index) => {
                    let index = Ev::new(EvKind::Number(index.value().to_string()), span);
                    value = Self::index(value, &index, span);
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &operators[i + 1..];
                    let items = match value.kind {
                        EvKind::Null => Vec::new(),
                        EvKind::List(items) => items,
                        EvKind::Unknown(_) | EvKind::Error(_) | EvKind::Ref(_) => {
                            return unresolved_as(value, span);
                        }
                        EvKind::Resource(ResInst {
                            key: Some(InstKey::Star),
                            ..
                        }) => {
                            return Ev::unknown(
                                "the splat is over a resource whose instances are unknown",
                                span,
                            );
                        }
                        _ => vec![value],
                    };
                    let (inside, after) = match operator.value() {
                        TraversalOperator::AttrSplat(_) => {
                            let n = rest
                                .iter()
                                .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                                .count();
                            (&rest[..n], &rest[n..])
                        }
                        _ => (rest, &rest[rest.len()..]),
                    };
                    let mapped: Vec<Ev> = items
                        .into_iter()
                        .map(|item| {
                            let item_span = item.span;
                            self.apply_operators(env, item, inside, item_span)
                        })
                        .collect();
                    let list = Ev::new(EvKind::List(mapped), span);
                    return self.apply_operators(env, list, after, span);
                }
            }
            if matches!(value.kind, EvKind::Unknown(_) | EvKind::Error(_)) {
                return value;
            }
        }
        value
    }

    /// `value.name`.
    pub(crate) fn get_attr(&self, value: Ev, name: &str, span: Span) -> Ev {
        match value.kind {
            EvKind::Object(entries) => match entries.into_iter().find(|e| e.key == name) {
                Some(entry) => entry.value.seen_from(span),
                None => Ev::error(format!("the object has no attribute `{name}`"), span),
            },
            EvKind::Resource(ri) => self.resource_attr(&ri, name, span),
            EvKind::Module(inst) => self.output(inst, name, span),
            EvKind::Ref(unknown) => Ev::new(
                EvKind::Ref(within_block(unknown, &format!(".{name}"))),
                span,
            ),
            EvKind::Unknown(_) | EvKind::Error(_) => Ev { span, ..value },
            EvKind::Null => Ev::error(format!("cannot read `{name}` of null"), span),
            _ => Ev::error(
                format!("cannot read attribute `{name}` of a primitive value"),
                span,
            ),
        }
    }

    /// `value[index]`.
    pub(crate) fn index(value: Ev, index: &Ev, span: Span) -> Ev {
        if index.is_unresolved() {
            return unresolved_as(index.clone(), span);
        }
        match value.kind {
            EvKind::List(items) => {
                let Some(n) = number(index) else {
                    return Ev::error("a list index must be a number", span);
                };
                #[allow(clippy::cast_precision_loss)]
                let in_range = n >= 0.0 && n.fract() == 0.0 && n < items.len() as f64;
                if !in_range {
                    return Ev::error(
                        format!(
                            "the index {} is out of range for a list of {}",
                            format_number(n),
                            items.len()
                        ),
                        span,
                    );
                }
                #[allow(clippy::cast_sign_loss, clippy::cast_possible_truncation)]
                let item = items.into_iter().nth(n as usize);
                item.map_or_else(
                    || Ev::error("index out of range", span),
                    |i| i.seen_from(span),
                )
            }
            EvKind::Object(entries) => {
                let Some(key) = scalar_text(index) else {
                    return Ev::error("a map key must be a string", span);
                };
                match entries.into_iter().find(|e| e.key == key) {
                    Some(entry) => entry.value.seen_from(span),
                    None => Ev::error(format!("the map has no key `{key}`"), span),
                }
            }
            EvKind::Resource(ri) if ri.key == Some(InstKey::Star) => {
                Ev::new(EvKind::Resource(ri), span)
            }
            EvKind::Ref(unknown) => {
                let step = match (&index.kind, scalar_text(index)) {
                    (EvKind::Number(_), Some(text)) => format!("[{text}]"),
                    (_, Some(text)) => InstKey::Str(text).suffix(),
                    (_, None) => String::new(),
                };
                Ev::new(EvKind::Ref(within_block(unknown, &step)), span)
            }
            EvKind::Unknown(_) | EvKind::Error(_) => Ev { span, ..value },
            _ => Ev::error("only lists and maps can be indexed", span),
        }
    }
}

/// A reference read further (`step` is `.name` or `[index]`): a reference into a nested block
/// (its path has an index, see `instances::nested_blocks`) names the attribute read; any other
/// (`azurerm_x.y.id.something`, a data source's attribute) stays as it is.
fn within_block(unknown: Unknown, step: &str) -> Unknown {
    match unknown.reference {
        Some(reference) if reference.attribute.contains('[') && !step.is_empty() => {
            let reference = Reference {
                attribute: format!("{}{step}", reference.attribute),
                address: reference.address,
            };
            let computed = step
                .strip_prefix('.')
                .is_some_and(|name| COMPUTED_ATTRIBUTES.contains(&name));
            let reason = if computed {
                format!("`{reference}` is computed by Azure at deployment")
            } else {
                format!("`{reference}` is only known at deployment")
            };
            Unknown::reference(reference, reason)
        }
        _ => unknown,
    }
}
