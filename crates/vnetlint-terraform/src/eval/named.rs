//! Named values: input variables (from the module call, tfvars, `--var`, `TF_VAR_` or the
//! default, converted to the declared primitive type), locals and outputs, each evaluated once.

use std::collections::BTreeMap;

use vnetlint_ir::{Origin, Span};

use super::{Env, Eval, FileCtx, MemoKey, ModuleDef, RootValue, VarDecl};
use crate::value::{Ev, EvKind};

impl<'a> Eval<'a> {
    /// The value of `var.NAME` in a module instance.
    pub(crate) fn var(&self, inst: usize, name: &str, use_span: Span) -> Ev {
        let Some(decl) = self.def_of(inst).variables.get(name) else {
            let reason = format!("variable `{name}` is not declared in the scanned files");
            return Ev::unknown(reason, use_span);
        };
        let label = format!("{}var.{name}", self.inst(inst).prefix);
        let key = MemoKey::Var(inst, name.to_owned());
        self.named_value(key, label, use_span, || self.var_value(inst, name, decl))
    }

    fn var_value(&self, inst: usize, name: &str, decl: &VarDecl<'a>) -> Ev {
        let decl_span = self.ctx(decl.file).span(decl.span.clone());
        let info = self.inst(inst);
        let given = if let Some((parent, call, bindings)) = &info.parent {
            let call_decl = &self.def_of(*parent).calls[call.as_str()];
            call_decl.block.body.attr(name).map(|expr| {
                let env = Env::new(*parent, call_decl.file).with_all(bindings.clone());
                self.eval(&env, expr)
            })
        } else {
            self.root_values.get(name).map(|value| match value {
                RootValue::Expr { file, expr } => {
                    let mut env = Env::new(inst, *file);
                    env.no_refs = true;
                    self.eval(&env, expr)
                }
                RootValue::Text { text, what } => Self::cli_value(decl, text, what, decl_span),
            })
        };
        let value = given
            .filter(|v| !matches!(v.kind, EvKind::Null))
            .or_else(|| {
                decl.default.map(|default| {
                    let mut env = Env::new(inst, decl.file);
                    env.no_refs = true;
                    self.eval(&env, default)
                })
            });
        match value {
            Some(value) if !matches!(value.kind, EvKind::Null) => convert_to_type(value, decl),
            _ if info.parent.is_some() => Ev::unknown(
                format!(
                    "variable `{name}` of the module has no value: the module call sets no input `{name}`"
                ),
                decl_span,
            ),
            _ => Ev::unknown(
                format!("variable `{name}` has no value in the scanned files"),
                decl_span,
            ),
        }
    }

    /// A `--var` or `TF_VAR_` value: a string for primitive types, HCL for the others.
    fn cli_value(decl: &VarDecl<'a>, text: &str, what: &str, span: Span) -> Ev {
        let primitive = decl
            .type_text
            .as_deref()
            .is_none_or(|t| matches!(t, "string" | "number" | "bool"));
        if primitive {
            return Ev::str(text, span);
        }
        match hcl_edit::parser::parse_expr(text) {
            Ok(expr) => {
                // The parsed text is not a file, so every part points at the variable block.
                let scratch = [FileCtx {
                    file: span.file,
                    text,
                    base: 0,
                }];
                let defs: [ModuleDef<'_>; 1] = [ModuleDef::default()];
                let values = BTreeMap::new();
                // A `--var` value on the command line is the user's own: default limits do.
                let inner = Eval::new(&scratch, &defs, &values, "");
                let mut env = Env::new(0, 0);
                env.no_refs = true;
                respan(inner.eval(&env, &expr), span)
            }
            Err(error) => Ev::error(
                format!("{what} is not valid HCL: {}", error.message()),
                span,
            ),
        }
    }

    /// The value of `local.NAME`.
    pub(crate) fn local(&self, inst: usize, name: &str, use_span: Span) -> Ev {
        let def = self.def_of(inst);
        let Some(named) = def.locals.get(name) else {
            return Ev::error(
                format!("local value `{name}` is not declared in this module"),
                use_span,
            );
        };
        let prefix = self.inst(inst).prefix;
        self.named_value(
            MemoKey::Local(inst, name.to_owned()),
            format!("{prefix}local.{name}"),
            use_span,
            || self.eval(&Env::new(inst, named.file), named.expr),
        )
    }

    /// The value of output `name` of a module instance.
    pub(crate) fn output(&self, inst: usize, name: &str, use_span: Span) -> Ev {
        let def = self.def_of(inst);
        let prefix = self.inst(inst).prefix;
        let Some(named) = def.outputs.get(name) else {
            return Ev::error(
                format!(
                    "the module `{}` has no output `{name}`",
                    prefix.trim_end_matches('.')
                ),
                use_span,
            );
        };
        self.named_value(
            MemoKey::Output(inst, name.to_owned()),
            format!("{prefix}output.{name}"),
            use_span,
            || self.eval(&Env::new(inst, named.file), named.expr),
        )
    }
}

/// Converts a value to a variable's primitive type constraint, as Terraform does on input.
fn convert_to_type(mut value: Ev, decl: &VarDecl<'_>) -> Ev {
    match (decl.type_text.as_deref(), &value.kind) {
        (Some("string"), EvKind::Number(text)) => value.kind = EvKind::Scalar(text.clone()),
        (Some("string"), EvKind::Bool(b)) => value.kind = EvKind::Scalar(b.to_string()),
        (Some("number"), EvKind::Scalar(text)) if text.trim().parse::<f64>().is_ok() => {
            value.kind = EvKind::Number(text.trim().to_owned());
        }
        (Some("bool"), EvKind::Scalar(text)) if text == "true" || text == "false" => {
            value.kind = EvKind::Bool(text == "true");
        }
        _ => {}
    }
    value
}

/// Points every part of a value at one span (values parsed from text that is not a file).
fn respan(mut value: Ev, span: Span) -> Ev {
    value.span = span;
    value.origin = Origin::Literal;
    match &mut value.kind {
        EvKind::List(items) => {
            let taken = std::mem::take(items);
            *items = taken.into_iter().map(|i| respan(i, span)).collect();
        }
        EvKind::Object(entries) => {
            for entry in entries.iter_mut() {
                entry.span = span;
                let taken = std::mem::replace(&mut entry.value, Ev::new(EvKind::Null, span));
                entry.value = respan(taken, span);
            }
        }
        _ => {}
    }
    value
}
