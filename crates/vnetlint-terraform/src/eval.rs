//! Evaluation of HCL expressions into IR attribute values: literals, lists, string templates,
//! `var.NAME` with literal defaults, and references to resources of the module.
//!
//! Anything else (functions, locals, conditionals, `each`, `count`, data sources, module outputs)
//! becomes `Val::Unknown` with a reason naming the expression: a guessed value would make checks
//! report on a network that is not the one deployed.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template as HclTemplate};
use vnetlint_ir::{
    Attr, AttrList, ElementId, FileId, Origin, Reference, Span, Template, TemplatePart, TextRange,
    Unknown, Val,
};

/// One parsed file: where its spans point and the text they point into.
pub(crate) struct FileCtx<'a> {
    pub(crate) file: FileId,
    /// The whole file text as loaded (including a BOM, if any).
    pub(crate) text: &'a str,
    /// Bytes stripped before parsing (a UTF-8 BOM); added to every parser offset.
    pub(crate) base: usize,
}

impl FileCtx<'_> {
    /// The IR span of a parser range. Parsed nodes always carry a range; a missing one (a node
    /// built in code) falls back to an empty range at the start of the file rather than failing.
    pub(crate) fn span(&self, range: Option<Range<usize>>) -> Span {
        let range = range.unwrap_or(0..0);
        Span::new(
            self.file,
            TextRange::from_usize(range.start + self.base..range.end + self.base),
        )
    }

    /// The source text of a span, shortened for use in a message.
    pub(crate) fn snippet(&self, span: Span) -> String {
        let text = self.text.get(span.range.as_usize()).unwrap_or("");
        let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.chars().count() > 60 {
            let short: String = one_line.chars().take(57).collect();
            format!("{short}...")
        } else {
            one_line
        }
    }
}

/// A resource of the module that an expression can link to.
#[derive(Debug, Clone)]
pub(crate) struct Symbol {
    pub(crate) id: ElementId,
    pub(crate) address: String,
}

/// A `variable` block: where it is declared and its default, if any.
pub(crate) struct VarDef<'a> {
    pub(crate) ctx: &'a FileCtx<'a>,
    pub(crate) default: Option<&'a Expression>,
}

/// What an expression refers to: `TYPE.NAME.ATTR` or `data.TYPE.NAME.ATTR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// `TYPE.NAME` without the module prefix (`data.TYPE.NAME` for data sources).
    pub(crate) key: String,
    pub(crate) attribute: String,
    pub(crate) data: bool,
    /// The expression as written, for messages.
    pub(crate) text: String,
}

/// An evaluated expression, before it is shaped into the attribute type the IR expects.
#[derive(Debug, Clone)]
pub(crate) struct Ev {
    pub(crate) kind: EvKind,
    /// The use site: the expression written at the attribute.
    pub(crate) span: Span,
    pub(crate) origin: Origin,
}

#[derive(Debug, Clone)]
pub(crate) enum EvKind {
    /// `null`: the attribute counts as not written, as Terraform treats it.
    Null,
    /// A string or a number, kept as its text.
    Scalar(String),
    Bool(bool),
    List(Vec<Ev>),
    Object(Vec<ObjectEntry>),
    /// A string with parts only known at deployment (at least one non-literal part).
    Template(Template),
    /// A reference to an attribute of another resource or data source.
    Ref(Target),
    Unknown(Unknown),
}

#[derive(Debug, Clone)]
pub(crate) struct ObjectEntry {
    pub(crate) key: String,
    /// From the key to the end of the value.
    pub(crate) span: Span,
    pub(crate) value: Ev,
}

/// What names and resources an expression can see: one module.
pub(crate) struct Scope<'a> {
    pub(crate) prefix: &'a str,
    pub(crate) vars: BTreeMap<&'a str, VarDef<'a>>,
    /// Modelled resources by `TYPE.NAME`, filled after the elements are created.
    pub(crate) symbols: BTreeMap<String, Symbol>,
    /// Every resource `TYPE.NAME` declared in the module, modelled or not.
    pub(crate) declared: BTreeSet<String>,
    /// Known Azure names of modelled resources by `TYPE.NAME`, so that `TYPE.NAME.name` used as a
    /// string has the value it names.
    pub(crate) names: BTreeMap<String, Attr<String>>,
}

impl Scope<'_> {
    /// Evaluates an expression written in `ctx`.
    pub(crate) fn eval(&self, ctx: &FileCtx<'_>, expr: &Expression) -> Ev {
        self.eval_in(ctx, expr, false)
    }

    /// `in_default` is set while evaluating a variable default, where Terraform allows no
    /// references; it also stops any chance of recursion between variables.
    fn eval_in(&self, ctx: &FileCtx<'_>, expr: &Expression, in_default: bool) -> Ev {
        let span = ctx.span(expr.span());
        let make = |kind| Ev {
            kind,
            span,
            origin: Origin::Literal,
        };
        let unknown = |reason: String| make(EvKind::Unknown(Unknown::new(reason)));
        let text = || ctx.snippet(span);
        match expr {
            Expression::Null(_) => make(EvKind::Null),
            Expression::Bool(b) => make(EvKind::Bool(*b.value())),
            Expression::Number(n) => {
                // Keep the number as written (`100`, `1e3`), as Azure receives the text.
                let written = ctx.text.get(span.range.as_usize()).unwrap_or("");
                let written = if written.is_empty() {
                    n.value().to_string()
                } else {
                    written.to_owned()
                };
                make(EvKind::Scalar(written))
            }
            Expression::String(s) => make(EvKind::Scalar(s.value().clone())),
            Expression::Array(array) => make(EvKind::List(
                array
                    .iter()
                    .map(|e| self.eval_in(ctx, e, in_default))
                    .collect(),
            )),
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (key, value) in object {
                    let key_text = match key {
                        ObjectKey::Ident(ident) => Some(ident.as_str().to_owned()),
                        ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
                        ObjectKey::Expression(_) => None,
                    };
                    let Some(key_text) = key_text else {
                        return unknown(format!(
                            "`{}` has a computed key, which is not evaluated yet",
                            text()
                        ));
                    };
                    let key_span = ctx.span(key.span());
                    let value_ev = self.eval_in(ctx, value.expr(), in_default);
                    entries.push(ObjectEntry {
                        key: key_text,
                        span: Span::new(
                            ctx.file,
                            TextRange::new(key_span.range.start, value_ev.span.range.end),
                        ),
                        value: value_ev,
                    });
                }
                make(EvKind::Object(entries))
            }
            Expression::StringTemplate(template) => {
                self.eval_template(ctx, template, span, in_default)
            }
            Expression::HeredocTemplate(heredoc) => {
                // The parser has already dedented `<<-` heredocs.
                self.eval_template(ctx, &heredoc.template, span, in_default)
            }
            Expression::Parenthesis(inner) => {
                let mut ev = self.eval_in(ctx, inner.inner(), in_default);
                ev.span = span;
                ev
            }
            Expression::UnaryOp(op) => {
                let inner = self.eval_in(ctx, &op.expr, in_default);
                match (op.operator.value(), inner.kind) {
                    (UnaryOperator::Neg, EvKind::Scalar(n)) if is_number(&n) => {
                        make(EvKind::Scalar(format!("-{n}")))
                    }
                    (UnaryOperator::Not, EvKind::Bool(b)) => make(EvKind::Bool(!b)),
                    _ => unknown(format!("`{}` is not evaluated yet", text())),
                }
            }
            Expression::Variable(ident) => unknown(format!(
                "`{}` is not a value vnetlint can evaluate",
                ident.as_str()
            )),
            Expression::FuncCall(call) => unknown(format!(
                "`{}(...)` is not evaluated yet (Terraform functions are not supported yet)",
                call.name.name.as_str()
            )),
            Expression::Conditional(_) => {
                unknown(format!("the conditional `{}` is not evaluated yet", text()))
            }
            Expression::BinaryOp(_) => {
                unknown(format!("the operation `{}` is not evaluated yet", text()))
            }
            Expression::ForExpr(_) => unknown(format!(
                "the `for` expression `{}` is not evaluated yet",
                text()
            )),
            Expression::Traversal(traversal) => {
                self.eval_traversal(ctx, &traversal.expr, &traversal.operators, span, in_default)
            }
        }
    }

    fn eval_traversal(
        &self,
        ctx: &FileCtx<'_>,
        root: &Expression,
        operators: &[hcl_edit::Decorated<TraversalOperator>],
        span: Span,
        in_default: bool,
    ) -> Ev {
        let text = ctx.snippet(span);
        let make = |kind| Ev {
            kind,
            span,
            origin: Origin::Literal,
        };
        let unknown = |reason: String| make(EvKind::Unknown(Unknown::new(reason)));
        let Expression::Variable(root) = root else {
            return unknown(format!("`{text}` is not evaluated yet"));
        };
        let get_attr = |i: usize| match operators.get(i).map(hcl_edit::Decorated::value) {
            Some(TraversalOperator::GetAttr(ident)) => Some(ident.as_str()),
            _ => None,
        };
        match root.as_str() {
            "var" => {
                let Some(name) = get_attr(0) else {
                    return unknown(format!("`{text}` is not evaluated yet"));
                };
                if operators.len() > 1 {
                    return unknown(format!(
                        "`{text}` selects inside variable `{name}`, which is not evaluated yet"
                    ));
                }
                if in_default {
                    return unknown(format!(
                        "`{text}` is used in a variable default, where Terraform allows no references"
                    ));
                }
                self.eval_var(name, span)
            }
            "local" => unknown(format!(
                "`{text}` is a local value, which is not evaluated yet"
            )),
            "each" | "count" => unknown(format!(
                "`{text}` depends on the instance of a resource with `for_each` or `count`, which are not expanded yet"
            )),
            "module" => unknown(format!(
                "`{text}` is a module output, and modules are not evaluated yet"
            )),
            "path" | "terraform" | "self" => unknown(format!("`{text}` is not evaluated yet")),
            "data" => {
                // data.TYPE.NAME.ATTR: an existing Azure resource, never visible in the files.
                let (Some(rtype), Some(name)) = (get_attr(0), get_attr(1)) else {
                    return unknown(format!("`{text}` is not evaluated yet"));
                };
                let mut next = 2;
                if matches!(
                    operators.get(next).map(hcl_edit::Decorated::value),
                    Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                ) {
                    next += 1;
                }
                match (get_attr(next), operators.len() == next + 1) {
                    (Some(attribute), true) => make(EvKind::Ref(Target {
                        key: format!("data.{rtype}.{name}"),
                        attribute: attribute.to_owned(),
                        data: true,
                        text,
                    })),
                    _ => unknown(format!(
                        "`{text}` reads a data source, an existing Azure resource that is not in the scanned files"
                    )),
                }
            }
            rtype => {
                let Some(name) = get_attr(0) else {
                    return unknown(format!("`{text}` is not evaluated yet"));
                };
                let mut next = 1;
                if matches!(
                    operators.get(next).map(hcl_edit::Decorated::value),
                    Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                ) {
                    next += 1;
                }
                match (get_attr(next), operators.len() == next + 1) {
                    (Some(attribute), true) => make(EvKind::Ref(Target {
                        key: format!("{rtype}.{name}"),
                        attribute: attribute.to_owned(),
                        data: false,
                        text,
                    })),
                    _ => unknown(format!(
                        "`{text}` is not a plain `TYPE.NAME.ATTRIBUTE` reference and is not evaluated yet"
                    )),
                }
            }
        }
    }

    fn eval_var(&self, name: &str, use_span: Span) -> Ev {
        let unknown = |reason: String| Ev {
            kind: EvKind::Unknown(Unknown::new(reason)),
            span: use_span,
            origin: Origin::Literal,
        };
        let Some(def) = self.vars.get(name) else {
            return unknown(format!(
                "variable `{name}` is not declared in the scanned files"
            ));
        };
        let Some(default) = def.default else {
            return unknown(format!(
                "variable `{name}` has no value in the scanned files"
            ));
        };
        let value = self.eval_in(def.ctx, default, true);
        if matches!(value.kind, EvKind::Null) {
            return unknown(format!(
                "variable `{name}` has no value in the scanned files"
            ));
        }
        let mut chain = vec![use_span, value.span];
        if let Origin::Derived(inner) = value.origin {
            chain.extend(inner.into_iter().skip(1));
        }
        Ev {
            kind: value.kind,
            span: use_span,
            origin: Origin::Derived(chain),
        }
    }

    fn eval_template(
        &self,
        ctx: &FileCtx<'_>,
        template: &HclTemplate,
        span: Span,
        in_default: bool,
    ) -> Ev {
        // A template made of one interpolation returns that value unchanged in Terraform
        // (`"${azurerm_subnet.a.id}"` is the id, not a string built from it).
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(interpolation)] = elements.as_slice() {
            let mut ev = self.eval_in(ctx, &interpolation.expr, in_default);
            ev.span = span;
            return ev;
        }
        let mut parts: Vec<TemplatePart> = Vec::new();
        let mut derived: Vec<Span> = Vec::new();
        let push_literal = |parts: &mut Vec<TemplatePart>, text: &str| {
            if let Some(TemplatePart::Literal(last)) = parts.last_mut() {
                last.push_str(text);
            } else {
                parts.push(TemplatePart::Literal(text.to_owned()));
            }
        };
        for element in elements {
            match element {
                Element::Literal(literal) => push_literal(&mut parts, literal.value()),
                Element::Interpolation(interpolation) => {
                    let ev = self.eval_in(ctx, &interpolation.expr, in_default);
                    if let Origin::Derived(chain) = &ev.origin {
                        derived.extend(chain.iter().skip(1).copied());
                    }
                    match ev.kind {
                        EvKind::Scalar(text) => push_literal(&mut parts, &text),
                        EvKind::Bool(b) => {
                            push_literal(&mut parts, if b { "true" } else { "false" });
                        }
                        EvKind::Template(inner) => {
                            for part in inner.parts {
                                match part {
                                    TemplatePart::Literal(text) => push_literal(&mut parts, &text),
                                    other => parts.push(other),
                                }
                            }
                        }
                        EvKind::Ref(target) => match self.static_name(&target) {
                            Some((name, name_span)) => {
                                push_literal(&mut parts, &name);
                                derived.push(name_span);
                            }
                            None => parts.push(TemplatePart::Reference(self.reference(&target))),
                        },
                        EvKind::Unknown(unknown) => {
                            parts.push(TemplatePart::Unknown(unknown.reason));
                        }
                        EvKind::Null => parts.push(TemplatePart::Unknown(format!(
                            "`{}` is null, which Terraform rejects in a string",
                            ctx.snippet(ev.span)
                        ))),
                        EvKind::List(_) | EvKind::Object(_) => {
                            parts.push(TemplatePart::Unknown(format!(
                                "`{}` is a collection, which Terraform rejects in a string",
                                ctx.snippet(ev.span)
                            )));
                        }
                    }
                }
                Element::Directive(directive) => {
                    let what = match directive.as_ref() {
                        Directive::If(_) => "%{if}",
                        Directive::For(_) => "%{for}",
                    };
                    parts.push(TemplatePart::Unknown(format!(
                        "the template directive `{what}` is not evaluated yet"
                    )));
                }
            }
        }
        let origin = if derived.is_empty() {
            Origin::Literal
        } else {
            let mut chain = vec![span];
            chain.extend(derived);
            Origin::Derived(chain)
        };
        let template = Template { parts };
        let kind = match template.as_literal() {
            Some(text) => EvKind::Scalar(text),
            None => EvKind::Template(template),
        };
        Ev { kind, span, origin }
    }

    /// The logical reference a target stands for, with the module prefix.
    pub(crate) fn reference(&self, target: &Target) -> Reference {
        let address = self.symbols.get(&target.key).map_or_else(
            || format!("{}{}", self.prefix, target.key),
            |symbol| symbol.address.clone(),
        );
        Reference {
            address,
            attribute: target.attribute.clone(),
        }
    }

    /// The known Azure name a `TYPE.NAME.name` reference stands for, with where it is written.
    fn static_name(&self, target: &Target) -> Option<(String, Span)> {
        if target.data || target.attribute != "name" {
            return None;
        }
        let name = self.names.get(&target.key)?;
        name.get().map(|text| (text.clone(), name.span))
    }

    /// Why a reference has no value here.
    fn ref_unknown(&self, target: &Target) -> Unknown {
        let reason = if target.data {
            format!(
                "`{}` reads a data source, an existing Azure resource that is not in the scanned files",
                target.text
            )
        } else if self.symbols.contains_key(&target.key) || self.declared.contains(&target.key) {
            if COMPUTED_ATTRIBUTES.contains(&target.attribute.as_str()) {
                format!("`{}` is computed by Azure at deployment", target.text)
            } else {
                format!(
                    "`{}` is an attribute of another resource, which is not evaluated yet",
                    target.text
                )
            }
        } else {
            format!(
                "`{}` refers to `{}`, which is not declared in this module",
                target.text, target.key
            )
        };
        Unknown::reference(self.reference(target), reason)
    }

    /// Shapes a value as a string attribute; `None` when the attribute is `null`.
    pub(crate) fn string(&self, ev: Ev) -> Option<Attr<String>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Scalar(text) => Val::Known(text),
            EvKind::Bool(b) => Val::Known(b.to_string()),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Ref(target) => {
                if let Some((name, name_span)) = self.static_name(&target) {
                    return Some(Attr {
                        value: Val::Known(name),
                        span: ev.span,
                        origin: Origin::Derived(vec![ev.span, name_span]),
                    });
                }
                Val::Unknown(self.ref_unknown(&target))
            }
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::List(_) | EvKind::Object(_) => Val::Unknown(Unknown::new(
                "a collection is written where a single value is expected",
            )),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a bool attribute; strings `"true"`/`"false"` convert as in Terraform.
    pub(crate) fn bool(&self, ev: Ev) -> Option<Attr<bool>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Bool(b) => Val::Known(b),
            EvKind::Scalar(text) if text == "true" => Val::Known(true),
            EvKind::Scalar(text) if text == "false" => Val::Known(false),
            EvKind::Scalar(text) => Val::Unknown(Unknown::new(format!("`{text}` is not a bool"))),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Ref(target) => Val::Unknown(self.ref_unknown(&target)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::List(_) | EvKind::Object(_) => Val::Unknown(Unknown::new(
                "a collection is written where a bool is expected",
            )),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a list of strings, each element with its own span.
    pub(crate) fn string_list(&self, ev: Ev) -> Option<AttrList<String>> {
        self.list(ev, Scope::string)
    }

    /// Shapes a value as a list, converting each element with `item`; null elements are dropped.
    pub(crate) fn list<T>(
        &self,
        ev: Ev,
        item: impl Fn(&Self, Ev) -> Option<Attr<T>>,
    ) -> Option<AttrList<T>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::List(items) => {
                Val::Known(items.into_iter().filter_map(|i| item(self, i)).collect())
            }
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Ref(target) => Val::Unknown(self.ref_unknown(&target)),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Scalar(_) | EvKind::Bool(_) | EvKind::Object(_) => {
                Val::Unknown(Unknown::new("a list is expected here"))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a template (connection strings, app settings), keeping references.
    pub(crate) fn template(&self, ev: Ev) -> Option<Attr<Template>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Scalar(text) => Val::Known(Template::literal(text)),
            EvKind::Bool(b) => Val::Known(Template::literal(b.to_string())),
            EvKind::Template(template) => Val::Known(template),
            // A bare reference is a one-part template, so checks see what it stands for.
            EvKind::Ref(target) => Val::Known(Template {
                parts: vec![TemplatePart::Reference(self.reference(&target))],
            }),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::List(_) | EvKind::Object(_) => Val::Unknown(Unknown::new(
                "a collection is written where a string is expected",
            )),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a link to another element by its `id`.
    pub(crate) fn link<I>(
        &self,
        ev: Ev,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Ref(target) => self.resolve(&target, "id", expected, &pick),
            EvKind::Scalar(text) => Val::Unknown(Unknown::reference(
                Reference {
                    address: text.clone(),
                    attribute: "id".to_owned(),
                },
                format!("`{text}` is the id of a {expected} outside the scanned files"),
            )),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Bool(_) | EvKind::List(_) | EvKind::Object(_) => Val::Unknown(Unknown::new(
                format!("the id of a {expected} is expected here"),
            )),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a link to another element by its Azure name: a `.name` reference, or a
    /// literal matched against the literal names in `names` (which must match exactly one).
    pub(crate) fn name_link<I>(
        &self,
        ev: Ev,
        expected: &str,
        names: &BTreeMap<String, Vec<(ElementId, Span)>>,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let mut origin = ev.origin;
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Ref(target) => self.resolve(&target, "name", expected, &pick),
            EvKind::Scalar(text) => {
                let candidates: Vec<&(ElementId, Span)> = names
                    .get(&text)
                    .map(|v| v.iter().filter(|(id, _)| pick(*id).is_some()).collect())
                    .unwrap_or_default();
                match candidates.as_slice() {
                    [(id, name_span)] => {
                        // Point from the use site to the name that matched.
                        let mut chain = match origin {
                            Origin::Derived(chain) => chain,
                            _ => vec![ev.span],
                        };
                        chain.push(*name_span);
                        origin = Origin::Derived(chain);
                        pick(*id).map_or_else(
                            || Val::Unknown(Unknown::new("internal: candidate vanished")),
                            Val::Known,
                        )
                    }
                    [] => Val::Unknown(Unknown::new(format!(
                        "no {expected} named `{text}` is declared in this module"
                    ))),
                    _ => Val::Unknown(Unknown::new(format!(
                        "several {expected}s in this module are named `{text}`; reference one by `.name` instead"
                    ))),
                }
            }
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Bool(_) | EvKind::List(_) | EvKind::Object(_) => Val::Unknown(Unknown::new(
                format!("the name of a {expected} is expected here"),
            )),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin,
        })
    }

    fn resolve<I>(
        &self,
        target: &Target,
        attribute: &str,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Val<I> {
        if target.data {
            return Val::Unknown(self.ref_unknown(target));
        }
        let Some(symbol) = self.symbols.get(&target.key) else {
            let reason = if self.declared.contains(&target.key) {
                format!(
                    "`{}` is not a {expected}, or not a resource type vnetlint models yet",
                    target.key
                )
            } else {
                format!(
                    "`{}` refers to `{}`, which is not declared in this module",
                    target.text, target.key
                )
            };
            return Val::Unknown(Unknown::reference(self.reference(target), reason));
        };
        if target.attribute != attribute {
            return Val::Unknown(Unknown::reference(
                self.reference(target),
                format!("`{}` is not the `{attribute}` of a {expected}", target.text),
            ));
        }
        match pick(symbol.id) {
            Some(id) => Val::Known(id),
            None => Val::Unknown(Unknown::reference(
                self.reference(target),
                format!(
                    "`{}` is a {}, not a {expected}",
                    target.key,
                    symbol.id.kind_name()
                ),
            )),
        }
    }
}

/// Attributes Azure assigns when it deploys a resource, which no template can know.
const COMPUTED_ATTRIBUTES: &[&str] = &[
    "id",
    "ip_address",
    "ip_addresses",
    "fqdn",
    "fully_qualified_domain_name",
    "private_ip_address",
    "private_ip_addresses",
    "outbound_ip_addresses",
    "possible_outbound_ip_addresses",
    "default_hostname",
    "internal_inbound_ip_addresses",
    "external_inbound_ip_addresses",
    "internal_ip_address",
    "service_ip_address",
    "guid",
];

/// Why a template with deployment-time parts has no single value.
fn template_unknown(template: &Template) -> Unknown {
    for part in &template.parts {
        match part {
            TemplatePart::Reference(reference) => {
                return Unknown::reference(
                    reference.clone(),
                    format!(
                        "the string depends on `{reference}`, which is only known after deployment"
                    ),
                );
            }
            TemplatePart::Unknown(reason) => return Unknown::new(reason.clone()),
            TemplatePart::Literal(_) => {}
        }
    }
    Unknown::new("the string is not evaluated yet")
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.parse::<f64>().is_ok()
}
