//! How the Terraform lowering reads values: the one place attributes are evaluated (from the
//! configuration or from a plan's values), nested and `dynamic` blocks, and the shaping of
//! evaluated values into IR attributes, links by id and by name included.

use std::ops::Range;

use vnetlint_diagnostics::Limit;
use vnetlint_ir::{
    ArenaId, Attr, AttrList, ElementId, ElementKind, Meta, Origin, Reference, Span, Template,
    TemplatePart, Unknown, Val,
};

use super::Lowerer;
use crate::eval::{Env, Ev, EvKind, ObjectEntry, iterate, template_unknown, unresolved_reason};
use crate::syntax::{BlockRef, BodyRef};

impl<'a> Lowerer<'_, 'a> {
    pub(super) fn span(&self, env: &Env, range: Option<Range<usize>>) -> Span {
        self.eval.ctx(env.file).span(range)
    }

    /// The value of one attribute: the only place the lowering reads values, from the
    /// configuration's evaluator or from a plan's values (with its overlay).
    pub(super) fn ev(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Ev> {
        let Some(plan) = self.plan else {
            return body.attr(key).map(|expr| self.eval.eval(env, expr));
        };
        if let Some(expr) = body.attr(key) {
            return Some(plan.link_ids(self.eval.eval(env, expr)));
        }
        let BodyRef::Json(object) = body else {
            return None;
        };
        let start = self.span(env, hcl_edit::Span::span(object)).range.start;
        plan.missing.get(&start)?.get(key).cloned()
    }

    pub(super) fn string(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Attr<String>> {
        self.ev(env, body, key).and_then(|ev| self.shape_string(ev))
    }

    pub(super) fn bool(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Attr<bool>> {
        self.ev(env, body, key).and_then(|ev| self.shape_bool(ev))
    }

    pub(super) fn strings(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
    ) -> Option<AttrList<String>> {
        self.ev(env, body, key)
            .and_then(|ev| self.shape_list(ev, Self::shape_string))
    }

    /// A list attribute that older provider versions wrote as a single string (`address_prefix`).
    pub(super) fn strings_or_single(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        plural: &str,
        singular: &str,
    ) -> Option<AttrList<String>> {
        self.strings(env, body, plural)
            .or_else(|| self.string(env, body, singular).map(AttrList::of_one))
    }

    /// A link to another element by its `id`.
    pub(super) fn link<I: ArenaId>(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
    ) -> Option<Attr<I>> {
        self.ev(env, body, key)
            .and_then(|ev| self.shape_link(ev, I::KIND.name(), &I::from_element))
    }

    /// A link to an element of a kind known only at run time (the association table's).
    pub(super) fn link_kind(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
        kind: ElementKind,
    ) -> Option<Attr<ElementId>> {
        let pick = |element: ElementId| (element.kind() == kind).then_some(element);
        self.ev(env, body, key)
            .and_then(|ev| self.shape_link(ev, kind.name(), &pick))
    }

    /// A link to another element by its Azure name.
    pub(super) fn name_link<I: ArenaId>(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
    ) -> Option<Attr<I>> {
        self.ev(env, body, key)
            .and_then(|ev| self.shape_name_link(ev, I::KIND.name(), &I::from_element))
    }

    /// A list of links to other elements by their `id`.
    pub(super) fn link_list<I: ArenaId>(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        key: &str,
    ) -> Option<AttrList<I>> {
        self.ev(env, body, key).and_then(|ev| {
            self.shape_list(ev, |this: &Self, item| {
                this.shape_link(item, I::KIND.name(), &I::from_element)
            })
        })
    }

    /// The nested blocks of one type, static and `dynamic`, in written order, each with the
    /// environment its expressions see (a dynamic block's iterator).
    pub(super) fn blocks(
        &self,
        env: &Env,
        body: BodyRef<'a>,
        name: &'a str,
    ) -> Vec<(Env, BlockRef<'a>)> {
        let mut out: Vec<(Env, BlockRef<'a>)> = body
            .blocks(name)
            .into_iter()
            .map(|b| (env.clone(), b))
            .collect();
        for dynamic in body.dynamic_blocks(name) {
            let iterator = match dynamic.body.attr("iterator") {
                Some(hcl_edit::expr::Expression::Variable(ident)) => ident.as_str().to_owned(),
                _ => name.to_owned(),
            };
            let Some(content) = dynamic.body.blocks("content").into_iter().next() else {
                continue;
            };
            let collection = self
                .ev(env, dynamic.body, "for_each")
                .unwrap_or_else(|| Ev::new(EvKind::Null, self.span(env, dynamic.span.clone())));
            let iterated = iterate(&collection).and_then(|items| {
                let limit = self.eval.budget.limits.max_instances;
                if items.len() > limit {
                    let what = format!(
                        "the `for_each` of the dynamic `{name}` block has {} elements",
                        items.len()
                    );
                    let reason =
                        self.eval
                            .budget
                            .exceeded(Limit::Instances, collection.span, &what);
                    return Err(Ev::unknown(reason, collection.span));
                }
                Ok(items)
            });
            match iterated {
                Ok(items) => {
                    for (key, value) in items {
                        let object = Ev::new(
                            EvKind::Object(vec![
                                ObjectEntry {
                                    key: "key".to_owned(),
                                    span: key.span,
                                    value: key,
                                },
                                ObjectEntry {
                                    key: "value".to_owned(),
                                    span: value.span,
                                    value,
                                },
                            ]),
                            collection.span,
                        );
                        out.push((env.with(iterator.clone(), object), content.clone()));
                    }
                }
                Err(unresolved) => {
                    // One block stands for all of them, every value depending on the iterator
                    // unknown: a check then says which value it could not judge.
                    let reason = format!(
                        "the `for_each` of the dynamic `{name}` block is unresolved: {}",
                        unresolved_reason(&unresolved)
                    );
                    let value = Ev::unknown(reason, collection.span);
                    out.push((env.with(iterator.clone(), value), content.clone()));
                }
            }
        }
        out.sort_by_key(|(_, b)| b.span.as_ref().map_or(0, |r| r.start));
        out
    }

    pub(super) fn meta(&self, env: &Env, address: String, block: &BlockRef<'a>) -> Meta {
        Meta {
            address,
            span: self.span(env, block.span.clone()),
            name: self.string(env, block.body, "name"),
        }
    }

    /// Shapes a value as a string attribute; `None` when the attribute is `null`.
    // A method, so that every shaper has the signature `shape_list` takes.
    #[allow(clippy::unused_self)]
    fn shape_string(&self, ev: Ev) -> Option<Attr<String>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Scalar(text) | EvKind::Number(text) => Val::Known(text),
            EvKind::Bool(b) => Val::Known(b.to_string()),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                Val::Unknown(Unknown::new(
                    "a collection is written where a single value is expected",
                ))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a bool attribute; strings `"true"`/`"false"` convert as in Terraform.
    #[allow(clippy::unused_self)]
    fn shape_bool(&self, ev: Ev) -> Option<Attr<bool>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Bool(b) => Val::Known(b),
            EvKind::Scalar(text) if text == "true" => Val::Known(true),
            EvKind::Scalar(text) if text == "false" => Val::Known(false),
            EvKind::Scalar(text) | EvKind::Number(text) => {
                Val::Unknown(Unknown::new(format!("`{text}` is not a bool")))
            }
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                Val::Unknown(Unknown::new(
                    "a collection is written where a bool is expected",
                ))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a list, converting each element with `item`; null elements are dropped.
    fn shape_list<I>(
        &self,
        ev: Ev,
        item: impl Fn(&Self, Ev) -> Option<Attr<I>>,
    ) -> Option<AttrList<I>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::List(items) => {
                Val::Known(items.into_iter().filter_map(|i| item(self, i)).collect())
            }
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Scalar(_)
            | EvKind::Number(_)
            | EvKind::Bool(_)
            | EvKind::Object(_)
            | EvKind::Resource(_)
            | EvKind::Module(_) => Val::Unknown(Unknown::new("a list is expected here")),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a template (connection strings, app settings), keeping references.
    #[allow(clippy::unused_self)]
    pub(super) fn shape_template(&self, ev: Ev) -> Option<Attr<Template>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Scalar(text) | EvKind::Number(text) => Val::Known(Template::literal(text)),
            EvKind::Bool(b) => Val::Known(Template::literal(b.to_string())),
            EvKind::Template(template) => Val::Known(template),
            // A bare reference is a one-part template, so checks see what it stands for.
            EvKind::Ref(Unknown {
                reference: Some(reference),
                ..
            }) => Val::Known(Template {
                parts: vec![TemplatePart::Reference(reference)],
            }),
            EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                Val::Unknown(Unknown::new(
                    "a collection is written where a string is expected",
                ))
            }
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a link to another element by its `id`.
    fn shape_link<I>(
        &self,
        ev: Ev,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Ref(unknown) => self.resolve(unknown, "id", expected, pick),
            EvKind::Scalar(text) => Val::Unknown(Unknown::reference(
                Reference {
                    address: text.clone(),
                    attribute: "id".to_owned(),
                },
                format!("`{text}` is the id of a {expected} outside the scanned files"),
            )),
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::Number(_)
            | EvKind::Bool(_)
            | EvKind::List(_)
            | EvKind::Object(_)
            | EvKind::Resource(_)
            | EvKind::Module(_) => Val::Unknown(Unknown::new(format!(
                "the id of a {expected} is expected here"
            ))),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin: ev.origin,
        })
    }

    /// Shapes a value as a link by Azure name: the resource a `.name` was read from, or a
    /// literal matched against the known names (which must match exactly one element).
    fn shape_name_link<I>(
        &self,
        ev: Ev,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let mut origin = ev.origin;
        if let Some(via) = ev.via.filter(|via| via.attribute == "name")
            && let Some(&id) = self.lookup(&via.address)
        {
            return Some(Attr {
                value: Val::link(id, via, expected, pick),
                span: ev.span,
                origin,
            });
        }
        let value = match ev.kind {
            EvKind::Null => return None,
            EvKind::Ref(unknown) => self.resolve(unknown, "name", expected, pick),
            EvKind::Scalar(text) => {
                let candidates: Vec<&(ElementId, Span)> = self
                    .names
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
                        "no {expected} named `{text}` is declared in the scanned modules"
                    ))),
                    _ => Val::Unknown(Unknown::new(format!(
                        "several {expected}s are named `{text}`; reference one by `.name` instead"
                    ))),
                }
            }
            EvKind::Template(template) => Val::Unknown(template_unknown(&template)),
            EvKind::Unknown(unknown) => Val::Unknown(unknown),
            EvKind::Error(reason) => Val::Unknown(Unknown::new(reason)),
            EvKind::Number(_)
            | EvKind::Bool(_)
            | EvKind::List(_)
            | EvKind::Object(_)
            | EvKind::Resource(_)
            | EvKind::Module(_) => Val::Unknown(Unknown::new(format!(
                "the name of a {expected} is expected here"
            ))),
        };
        Some(Attr {
            value,
            span: ev.span,
            origin,
        })
    }

    /// The element at an address; an instance of a resource whose instances are unknown falls
    /// back to the one element standing for all of them.
    fn lookup(&self, address: &str) -> Option<&ElementId> {
        self.symbols.get(address).or_else(|| {
            let base = address.strip_suffix(']')?.rsplit_once('[')?.0;
            self.symbols.get(&format!("{base}[*]"))
        })
    }

    fn resolve<I>(
        &self,
        unknown: Unknown,
        attribute: &str,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Val<I> {
        let Some(reference) = unknown.reference.clone() else {
            return Val::Unknown(unknown);
        };
        let Some(&id) = self.lookup(&reference.address) else {
            if self.declared.contains(&reference.address) {
                return Val::Unknown(Unknown::reference(
                    reference.clone(),
                    format!(
                        "`{}` is not a {expected}, or not a resource type vnetlint models yet",
                        reference.address
                    ),
                ));
            }
            return Val::Unknown(unknown);
        };
        if reference.attribute != attribute {
            return Val::Unknown(Unknown::reference(
                reference.clone(),
                format!("`{reference}` is not the `{attribute}` of a {expected}"),
            ));
        }
        Val::link(id, reference, expected, pick)
    }
}

/// The resource a `private_connection_resource_id` stands for.
pub(super) fn shape_reference(ev: Ev) -> Option<Attr<Reference>> {
    let value = match ev.kind {
        EvKind::Null => return None,
        EvKind::Ref(Unknown {
            reference: Some(reference),
            ..
        }) => Val::Known(reference),
        EvKind::Scalar(text) => Val::Known(Reference {
            address: text,
            attribute: "id".to_owned(),
        }),
        EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
        other => Val::Unknown(Unknown::new(unresolved_reason(&Ev::new(other, ev.span)))),
    };
    Some(Attr {
        value,
        span: ev.span,
        origin: ev.origin,
    })
}

/// The address suffix of an inline block: `["name"]` when the name is known, else `[index]`.
/// Terraform's instance-key syntax, so it stays in this frontend.
pub(super) fn block_key(name: Option<&Attr<String>>, index: usize) -> String {
    match name.and_then(Attr::get) {
        Some(name) => format!("[\"{}\"]", name.replace('\\', "\\\\").replace('"', "\\\"")),
        None => format!("[{index}]"),
    }
}
