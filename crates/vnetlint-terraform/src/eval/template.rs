//! String templates: interpolations and the `%{if}` and `%{for}` directives with their `~`
//! strip markers, rendered into a string or a template with deployment-time parts.

use hcl_edit::template::{Directive, Element, ForDirective, Template as HclTemplate};
use vnetlint_diagnostics::Limit;
use vnetlint_ir::Span;

use super::{Env, Eval, TemplateBuilder, placeholder_span, truth};
use crate::value::{Ev, iterate, unresolved_reason};

impl Eval<'_> {
    /// The templates's value: a string, or a `Template` with deployment-time parts.
    pub(super) fn eval_template(&self, env: &Env, template: &HclTemplate, span: Span) -> Ev {
        // A template made of one interpolation returns that value unchanged in Terraform
        // (`"${azurerm_subnet.a.id}"` is the id, not a string built from it).
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(interpolation)] = elements.as_slice() {
            return self.eval(env, &interpolation.expr).seen_from(span);
        }
        let mut builder = TemplateBuilder::default();
        if let Err(error) = self.render(env, template, &mut builder, 0, span) {
            return error;
        }
        builder.finish(span)
    }

    /// Appends a template's elements to `out`; an `Err` is the value of the whole instead: an
    /// evaluation error, or unknown once the string passes `max_string_len` (checked at each
    /// element, so a `%{for}` stops there instead of building the rest).
    fn render(
        &self,
        env: &Env,
        template: &HclTemplate,
        out: &mut TemplateBuilder,
        depth: usize,
        span: Span,
    ) -> Result<(), Ev> {
        if depth > 32 {
            return Err(Ev::unknown(
                "the template nests directives too deeply",
                placeholder_span(),
            ));
        }
        for element in template {
            let len = out.len();
            if len > self.budget.limits.max_string_len {
                let what = format!("a string of {len} bytes is built here");
                let reason = self.budget.exceeded(Limit::StringLen, span, &what);
                return Err(Ev::unknown(reason, span));
            }
            match element {
                Element::Literal(literal) => out.literal(literal.value()),
                Element::Interpolation(interpolation) => {
                    if interpolation.strip.strip_start() {
                        out.strip_end();
                    }
                    let value = self.eval(env, &interpolation.expr);
                    out.value(value)?;
                    if interpolation.strip.strip_end() {
                        out.strip_next = true;
                    }
                }
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(if_directive) => {
                        if if_directive.if_expr.strip.strip_start() {
                            out.strip_end();
                        }
                        let condition = self.eval(env, &if_directive.if_expr.cond_expr);
                        match truth(&condition) {
                            Some(true) => {
                                out.strip_next = if_directive.if_expr.strip.strip_end();
                                self.render(
                                    env,
                                    &if_directive.if_expr.template,
                                    out,
                                    depth + 1,
                                    span,
                                )?;
                            }
                            Some(false) => {
                                if let Some(else_expr) = &if_directive.else_expr {
                                    out.strip_next = else_expr.strip.strip_end();
                                    self.render(env, &else_expr.template, out, depth + 1, span)?;
                                }
                            }
                            None => out.unknown(format!(
                                "the `%{{if}}` condition is unresolved: {}",
                                unresolved_reason(&condition)
                            )),
                        }
                        if if_directive.endif_expr.strip.strip_start() {
                            out.strip_end();
                        }
                        out.strip_next = if_directive.endif_expr.strip.strip_end();
                    }
                    Directive::For(for_directive) => {
                        self.render_for(env, for_directive, out, depth, span)?;
                    }
                },
            }
        }
        Ok(())
    }

    /// Appends a `%{for}` directive: its template once per item of its collection, which is
    /// held while the directive renders.
    fn render_for(
        &self,
        env: &Env,
        for_directive: &ForDirective,
        out: &mut TemplateBuilder,
        depth: usize,
        span: Span,
    ) -> Result<(), Ev> {
        let for_expr = &for_directive.for_expr;
        if for_expr.strip.strip_start() {
            out.strip_end();
        }
        let (collection, held) = self.eval_held(env, &for_expr.collection_expr);
        let items = iterate(&collection);
        let collection_span = collection.span;
        drop(collection);
        let rendered = match items {
            Ok(items) if items.len() > self.budget.limits.max_collection => {
                let what = format!(
                    "the `%{{for}}` directive iterates over {} items",
                    items.len()
                );
                let reason = self
                    .budget
                    .exceeded(Limit::Collection, collection_span, &what);
                out.unknown(reason);
                Ok(())
            }
            Ok(items) => items.into_iter().try_for_each(|(key, value)| {
                let mut inner = env.with(for_expr.value_var.as_str().to_owned(), value);
                if let Some(key_var) = &for_expr.key_var {
                    inner = inner.with(key_var.as_str().to_owned(), key);
                }
                out.strip_next = for_expr.strip.strip_end();
                self.render(&inner, &for_expr.template, out, depth + 1, span)?;
                if for_directive.endfor_expr.strip.strip_start() {
                    out.strip_end();
                }
                Ok(())
            }),
            Err(unresolved) => {
                out.unknown(format!(
                    "the `%{{for}}` collection is unresolved: {}",
                    unresolved_reason(&unresolved)
                ));
                Ok(())
            }
        };
        self.release(held);
        rendered?;
        out.strip_next = for_directive.endfor_expr.strip.strip_end();
        Ok(())
    }
}
