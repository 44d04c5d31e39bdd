//! How the Terraform lowering reads values: the one place attributes are evaluated (from the
//! configuration or from a plan's values), nested and `dynamic` blocks, and the shaping of
//! evaluated values into IR attributes, links by id and by name included.
//!
//! The `Reader` holds what reading needs and nothing of the network being built, so that a
//! family can write an element's fields as it reads them; a `Block` is one resource or nested
//! block with the environment its expressions see, and is what the families read from.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use vnetlint_diagnostics::Limit;
use vnetlint_ir::{
    ArenaId, Attr, AttrList, ElementId, ElementKind, Meta, Origin, Reference, Span, Template,
    TemplatePart, Unknown, Val,
};

use super::PlanOverlay;
use crate::eval::{Env, Eval};
use crate::syntax::{BlockRef, BodyRef};
use crate::value::{Ev, EvKind, ObjectEntry, iterate, template_unknown, unresolved_reason};

/// What reading a value needs: the evaluator or the plan, and the elements links resolve to.
pub(super) struct Reader<'e, 'a> {
    pub(super) eval: &'e Eval<'a>,
    /// Set when the values come from a plan rather than from the configuration.
    pub(super) plan: Option<&'e PlanOverlay>,
    /// Elements by logical address.
    pub(super) symbols: BTreeMap<String, ElementId>,
    /// Every resource instance address, modelled or not.
    pub(super) declared: BTreeSet<String>,
    /// Known Azure names of the elements that other resources link to by name.
    pub(super) names: BTreeMap<String, Vec<(ElementId, Span)>>,
}

/// One resource or nested block to read attributes from.
pub(super) struct Block<'r, 'e, 'a> {
    reader: &'r Reader<'e, 'a>,
    /// What the block's expressions see (`count`, `each`, a dynamic block's iterator).
    env: Env,
    syntax: BlockRef<'a>,
}

/// What a link attribute holds: the `id` of the element, or its Azure `name`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LinkBy {
    Id,
    Name,
}

impl LinkBy {
    /// The attribute of the element that a reference must read.
    fn attribute(self) -> &'static str {
        match self {
            LinkBy::Id => "id",
            LinkBy::Name => "name",
        }
    }
}

impl<'r, 'e, 'a> Block<'r, 'e, 'a> {
    /// The whole block.
    pub(super) fn span(&self) -> Span {
        self.reader.span(&self.env, self.syntax.span.clone())
    }

    /// The block's type label (`azurerm_app_service_environment_v3`), else the whole block.
    pub(super) fn type_span(&self) -> Span {
        let block = self.span();
        self.syntax.labels.first().map_or(block, |(_, range)| {
            self.reader.span(&self.env, range.clone())
        })
    }

    /// The element metadata of the block: its address and Azure `name`.
    pub(super) fn meta(&self, address: String) -> Meta {
        Meta {
            address,
            span: self.span(),
            name: self.string("name"),
        }
    }

    /// The value of one attribute, as evaluated.
    pub(super) fn ev(&self, key: &str) -> Option<Ev> {
        self.reader.ev(&self.env, self.syntax.body, key)
    }

    pub(super) fn string(&self, key: &str) -> Option<Attr<String>> {
        self.ev(key).and_then(shape_string)
    }

    pub(super) fn bool(&self, key: &str) -> Option<Attr<bool>> {
        self.ev(key).and_then(shape_bool)
    }

    pub(super) fn strings(&self, key: &str) -> Option<AttrList<String>> {
        self.ev(key).and_then(|ev| shape_list(ev, shape_string))
    }

    /// `Enabled` or `Disabled` (`public_network_access`) as a bool.
    pub(super) fn enabled(&self, key: &str) -> Option<Attr<bool>> {
        let shaped = self.string(key)?;
        let value = match shaped.value {
            Val::Known(text) => Val::Known(text.eq_ignore_ascii_case("Enabled")),
            Val::Unknown(unknown) => Val::Unknown(unknown),
        };
        Some(Attr::new(value, shaped.span, shaped.origin))
    }

    /// A list that older provider versions wrote as one comma-separated string (Cosmos DB's
    /// `ip_range_filter`) or as a single value (a key vault's `bypass`): each item of a string
    /// has the span of the whole string.
    pub(super) fn string_list(&self, key: &str) -> Option<AttrList<String>> {
        let ev = self.ev(key)?;
        let EvKind::Scalar(text) = &ev.kind else {
            return shape_list(ev, shape_string);
        };
        let items = text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| Attr::new(Val::Known(item.to_owned()), ev.span, ev.origin.clone()))
            .collect();
        Some(Attr::new(Val::Known(items), ev.span, ev.origin))
    }

    /// One attribute of each nested block of a type, as a list with the span of the first
    /// block (`ip_rule { ip_mask = ... }`); `None` when there is no such block.
    pub(super) fn nested<T>(
        &self,
        name: &'a str,
        read: impl Fn(&Block<'r, 'e, 'a>) -> Option<Attr<T>>,
    ) -> Option<AttrList<T>> {
        let blocks = self.blocks(name);
        let span = blocks.first()?.span();
        Some(Attr::new(
            Val::Known(blocks.iter().filter_map(read).collect()),
            span,
            Origin::Literal,
        ))
    }

    /// A list attribute that older provider versions wrote as a single string (`address_prefix`).
    pub(super) fn strings_or_single(
        &self,
        plural: &str,
        singular: &str,
    ) -> Option<AttrList<String>> {
        self.strings(plural)
            .or_else(|| self.string(singular).map(AttrList::of_one))
    }

    /// A string that may hold deployment-time parts (connection strings, app settings).
    pub(super) fn template(&self, key: &str) -> Option<Attr<Template>> {
        self.ev(key).and_then(shape_template)
    }

    /// The resource an id stands for (a private endpoint's target), in the scanned files or not.
    pub(super) fn reference(&self, key: &str) -> Option<Attr<Reference>> {
        self.ev(key).and_then(shape_reference)
    }

    /// A link to another element by its `id`.
    pub(super) fn link<I: ArenaId>(&self, key: &str) -> Option<Attr<I>> {
        self.typed_link(key, LinkBy::Id)
    }

    /// A link to an element of a kind known only at run time (the association table's).
    pub(super) fn link_kind(&self, key: &str, kind: ElementKind) -> Option<Attr<ElementId>> {
        let pick = |element: ElementId| (element.kind() == kind).then_some(element);
        self.ev(key)
            .and_then(|ev| self.reader.shape_link(ev, LinkBy::Id, kind.name(), &pick))
    }

    /// A link to another element by its Azure name.
    pub(super) fn name_link<I: ArenaId>(&self, key: &str) -> Option<Attr<I>> {
        self.typed_link(key, LinkBy::Name)
    }

    fn typed_link<I: ArenaId>(&self, key: &str, by: LinkBy) -> Option<Attr<I>> {
        self.ev(key).and_then(|ev| {
            self.reader
                .shape_link(ev, by, I::KIND.name(), &I::from_element)
        })
    }

    /// A list of links to other elements by their `id`.
    pub(super) fn link_list<I: ArenaId>(&self, key: &str) -> Option<AttrList<I>> {
        self.ev(key).and_then(|ev| {
            shape_list(ev, |item| {
                self.reader
                    .shape_link(item, LinkBy::Id, I::KIND.name(), &I::from_element)
            })
        })
    }

    /// A list of links as the IR's plain `Vec` of links (see `AttrList::into_items`).
    pub(super) fn link_items<I: ArenaId>(&self, key: &str) -> Vec<Attr<I>> {
        self.link_list(key)
            .map(AttrList::into_items)
            .unwrap_or_default()
    }

    /// The nested blocks of one type, static and `dynamic`, in written order.
    pub(super) fn blocks(&self, name: &'a str) -> Vec<Block<'r, 'e, 'a>> {
        self.reader
            .blocks(&self.env, self.syntax.body, name)
            .into_iter()
            .map(|(env, syntax)| Block {
                reader: self.reader,
                env,
                syntax,
            })
            .collect()
    }

    /// The first nested block of one type.
    pub(super) fn first_block(&self, name: &'a str) -> Option<Block<'r, 'e, 'a>> {
        self.blocks(name).into_iter().next()
    }

    /// The first value `read` finds in the nested blocks of one type (a gateway's subnet: that
    /// of its first IP configuration that names one).
    pub(super) fn first_of<T>(
        &self,
        name: &'a str,
        read: impl Fn(&Block<'r, 'e, 'a>) -> Option<T>,
    ) -> Option<T> {
        self.blocks(name).iter().find_map(read)
    }
}

impl<'e, 'a> Reader<'e, 'a> {
    /// A block seen from `env`.
    pub(super) fn block<'r>(&'r self, env: &Env, block: &BlockRef<'a>) -> Block<'r, 'e, 'a> {
        Block {
            reader: self,
            env: env.clone(),
            syntax: block.clone(),
        }
    }

    fn span(&self, env: &Env, range: Option<Range<usize>>) -> Span {
        self.eval.ctx(env.file).span(range)
    }

    /// The value of one attribute: the only place the lowering reads values, from the
    /// configuration's evaluator or from a plan's values (with its overlay).
    fn ev(&self, env: &Env, body: BodyRef<'a>, key: &str) -> Option<Ev> {
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

    /// The nested blocks of one type, static and `dynamic`, in written order, each with the
    /// environment its expressions see (a dynamic block's iterator).
    fn blocks(&self, env: &Env, body: BodyRef<'a>, name: &'a str) -> Vec<(Env, BlockRef<'a>)> {
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

    /// Shapes a value as a link to another element by its `id` or its Azure name. By name: the
    /// resource a `.name` was read from, or a literal matched against the known names (which
    /// must match exactly one element).
    fn shape_link<I>(
        &self,
        ev: Ev,
        by: LinkBy,
        expected: &str,
        pick: &impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let Ev {
            kind,
            span,
            mut origin,
            via,
        } = ev;
        if by == LinkBy::Name
            && let Some(via) = via.filter(|via| via.attribute == "name")
            && let Some(&id) = self.lookup(&via.address)
        {
            return Some(Attr::new(Val::link(id, via, expected, pick), span, origin));
        }
        let value = match kind {
            EvKind::Null => return None,
            EvKind::Ref(unknown) => self.resolve(unknown, by.attribute(), expected, pick),
            EvKind::Scalar(text) if by == LinkBy::Id => Val::Unknown(Unknown::reference(
                Reference {
                    address: text.clone(),
                    attribute: "id".to_owned(),
                },
                format!("`{text}` is the id of a {expected} outside the scanned files"),
            )),
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
                            _ => vec![span],
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
            other => Val::Unknown(unknown_of(
                other,
                format!("the {} of a {expected} is expected here", by.attribute()),
            )),
        };
        Some(Attr::new(value, span, origin))
    }

    /// The element at an address; an instance of a resource whose instances are unknown falls
    /// back to the one element standing for all of them.
    fn lookup(&self, address: &str) -> Option<&ElementId> {
        self.symbols.get(address).or_else(|| {
            let base = address.strip_suffix(']')?.rsplit_once('[')?.0;
            self.symbols.get(&format!("{base}[*]"))
        })
    }

    /// The value of a link whose evaluation is a reference to `attribute` of some address.
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

/// Why a value of another shape than expected has no value: its own reason when it is a
/// reference, an unknown, an error or a string with deployment-time parts, else `mismatch`.
fn unknown_of(kind: EvKind, mismatch: impl Into<String>) -> Unknown {
    match kind {
        EvKind::Template(template) => template_unknown(&template),
        EvKind::Ref(unknown) | EvKind::Unknown(unknown) => unknown,
        EvKind::Error(reason) => Unknown::new(reason),
        _ => Unknown::new(mismatch),
    }
}

/// Shapes a value into an attribute with the value's span and origin; `None` when it is `null`,
/// which Terraform treats as not written.
fn shaped<T>(ev: Ev, value: impl FnOnce(EvKind) -> Val<T>) -> Option<Attr<T>> {
    if matches!(ev.kind, EvKind::Null) {
        return None;
    }
    Some(Attr::new(value(ev.kind), ev.span, ev.origin))
}

/// Shapes a value as a string attribute.
fn shape_string(ev: Ev) -> Option<Attr<String>> {
    shaped(ev, |kind| match kind {
        EvKind::Scalar(text) | EvKind::Number(text) => Val::Known(text),
        EvKind::Bool(b) => Val::Known(b.to_string()),
        other => Val::Unknown(unknown_of(
            other,
            "a collection is written where a single value is expected",
        )),
    })
}

/// Shapes a value as a bool attribute; strings `"true"`/`"false"` convert as in Terraform.
fn shape_bool(ev: Ev) -> Option<Attr<bool>> {
    shaped(ev, |kind| match kind {
        EvKind::Bool(b) => Val::Known(b),
        EvKind::Scalar(text) if text == "true" => Val::Known(true),
        EvKind::Scalar(text) if text == "false" => Val::Known(false),
        EvKind::Scalar(text) | EvKind::Number(text) => {
            Val::Unknown(Unknown::new(format!("`{text}` is not a bool")))
        }
        other => Val::Unknown(unknown_of(
            other,
            "a collection is written where a bool is expected",
        )),
    })
}

/// Shapes a value as a list, converting each element with `item`; null elements are dropped.
fn shape_list<I>(ev: Ev, item: impl Fn(Ev) -> Option<Attr<I>>) -> Option<AttrList<I>> {
    shaped(ev, |kind| match kind {
        EvKind::List(items) => Val::Known(items.into_iter().filter_map(item).collect()),
        other => Val::Unknown(unknown_of(other, "a list is expected here")),
    })
}

/// Shapes a value as a template (connection strings, app settings), keeping references.
pub(super) fn shape_template(ev: Ev) -> Option<Attr<Template>> {
    shaped(ev, |kind| match kind {
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
        other => Val::Unknown(unknown_of(
            other,
            "a collection is written where a string is expected",
        )),
    })
}

/// The resource a `private_connection_resource_id` stands for.
fn shape_reference(ev: Ev) -> Option<Attr<Reference>> {
    let span = ev.span;
    shaped(ev, |kind| match kind {
        EvKind::Ref(Unknown {
            reference: Some(reference),
            ..
        }) => Val::Known(reference),
        EvKind::Scalar(text) => Val::Known(Reference {
            address: text,
            attribute: "id".to_owned(),
        }),
        EvKind::Ref(unknown) | EvKind::Unknown(unknown) => Val::Unknown(unknown),
        other => Val::Unknown(Unknown::new(unresolved_reason(&Ev::new(other, span)))),
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
