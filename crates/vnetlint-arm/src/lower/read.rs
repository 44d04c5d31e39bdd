//! How the ARM lowering reads evaluated values: shaping them into IR attributes (strings,
//! booleans, lists, templates, references) and resolving links by resource id.

use std::collections::BTreeMap;

use vnetlint_ir::{
    ArenaId, Attr, AttrList, ElementId, ElementKind, NsgId, Origin, Reference, Span, Template,
    TemplatePart, Unknown, Val,
};

use crate::funcs::address_of_id;
use crate::value::{Kind, Value};

/// The elements of the template by lowercase address, which links by resource id resolve to.
/// Kept apart from the network being built, so that a family can write an element while it
/// resolves its links.
#[derive(Default)]
pub(super) struct Targets {
    addresses: BTreeMap<String, ElementId>,
    /// The NSGs standing in for parents outside the template (absent, or marked `existing`)
    /// that child rules add to, by lowercase address. Kept apart from `addresses`: only those
    /// child rules link to them, so that a subnet or NIC attached to such an NSG keeps an
    /// unknown link instead of being judged by a stand-in that lacks the NSG's own rules.
    stand_in_nsgs: BTreeMap<String, NsgId>,
}

impl Targets {
    /// Records the stand-in NSG for the parent at `address`.
    pub(super) fn register_stand_in(&mut self, address: &str, id: NsgId) {
        self.stand_in_nsgs
            .entry(address.to_ascii_lowercase())
            .or_insert(id);
    }

    /// The stand-in NSG for the parent at `address`, if one was made.
    pub(super) fn stand_in_at(&self, address: &str) -> Option<NsgId> {
        self.stand_in_nsgs
            .get(&address.to_ascii_lowercase())
            .copied()
    }

    /// Records the element at an address; the first element registered at it stays.
    pub(super) fn register(&mut self, address: &str, id: ElementId) {
        self.addresses
            .entry(address.to_ascii_lowercase())
            .or_insert(id);
    }

    /// The element registered at an address (any case).
    pub(super) fn element_at(&self, address: &str) -> Option<ElementId> {
        self.addresses.get(&address.to_ascii_lowercase()).copied()
    }

    /// A link to another element by a resource id value (`"[resourceId(...)]"` or the id text).
    pub(super) fn link<I: ArenaId>(&self, value: Option<&Value>) -> Option<Attr<I>> {
        self.link_with(value, I::KIND.name(), I::from_element)
    }

    /// A link to an element of a kind known only at run time (the association table's).
    pub(super) fn link_kind(
        &self,
        value: Option<&Value>,
        kind: ElementKind,
    ) -> Option<Attr<ElementId>> {
        self.link_with(value, kind.name(), |element: ElementId| {
            (element.kind() == kind).then_some(element)
        })
    }

    /// A list of links by id, each read from the `id` of an element of the array.
    pub(super) fn link_items<I: ArenaId>(&self, list: &Value) -> Vec<Attr<I>> {
        list.elements()
            .iter()
            .filter_map(|item| self.link(item.get("id")))
            .collect()
    }

    fn link_with<I>(
        &self,
        value: Option<&Value>,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Option<Attr<I>> {
        let value = value?;
        let result = match &value.kind {
            Kind::Null => return None,
            Kind::Str(id) => {
                let address = address_of_id(id);
                return Some(Attr {
                    origin: value.origin.clone(),
                    ..self.link_address_with(&address, value.span, expected, pick)
                });
            }
            Kind::Runtime(reference) => Val::Unknown(Unknown::reference(
                reference.clone(),
                format!("the id of the {expected} is `{reference}`, only known at deployment"),
            )),
            _ => Val::Unknown(unknown_of(value)),
        };
        Some(attr(value, result))
    }

    /// A link to the element at a resource address (a child resource's parent).
    pub(super) fn link_address<I: ArenaId>(&self, address: &str, span: Span) -> Attr<I> {
        self.link_address_with(address, span, I::KIND.name(), I::from_element)
    }

    fn link_address_with<I>(
        &self,
        address: &str,
        span: Span,
        expected: &str,
        pick: impl Fn(ElementId) -> Option<I>,
    ) -> Attr<I> {
        let reference = Reference {
            address: address.to_owned(),
            attribute: "id".to_owned(),
        };
        let value = match self.element_at(address) {
            Some(element) => Val::link(element, reference, expected, pick),
            None => Val::Unknown(Unknown::reference(
                reference,
                format!("`{address}` is the id of a {expected} outside the scanned template"),
            )),
        };
        Attr {
            value,
            span,
            origin: Origin::Literal,
        }
    }
}

/// An attribute shaped from `value`: its span and origin with the shaped value.
pub(super) fn attr<T>(value: &Value, shaped: Val<T>) -> Attr<T> {
    Attr {
        value: shaped,
        span: value.span,
        origin: value.origin.clone(),
    }
}

/// Why a symbolic or mistyped value has no usable value.
pub(super) fn unknown_of(value: &Value) -> Unknown {
    match &value.kind {
        Kind::Unknown(reason) => Unknown::new(reason.clone()),
        Kind::Runtime(reference) => Unknown::reference(
            reference.clone(),
            format!("`{reference}` is only known after deployment"),
        ),
        Kind::Template(template) => template
            .first_unknown()
            .unwrap_or_else(|| Unknown::new("the string is not evaluated")),
        Kind::Array(_) | Kind::Object(_) => {
            Unknown::new("an array or object is written where a single value is expected")
        }
        Kind::Lambda(_) => Unknown::new("a lambda is written where a value is expected"),
        _ => Unknown::new("a list is expected here"),
    }
}

/// A value shaped as a string attribute; `None` for null (not written).
pub(super) fn shape_string(value: &Value) -> Option<Attr<String>> {
    let text = match &value.kind {
        Kind::Null => return None,
        Kind::Str(s) => Val::Known(s.clone()),
        Kind::Int(i) => Val::Known(i.to_string()),
        Kind::Number(n) => Val::Known(n.clone()),
        Kind::Bool(b) => Val::Known(b.to_string()),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(attr(value, text))
}

pub(super) fn string(value: Option<&Value>) -> Option<Attr<String>> {
    value.and_then(shape_string)
}

pub(super) fn boolean(value: Option<&Value>) -> Option<Attr<bool>> {
    let value = value?;
    let shaped = match &value.kind {
        Kind::Null => return None,
        Kind::Bool(b) => Val::Known(*b),
        Kind::Str(s) if s.eq_ignore_ascii_case("true") => Val::Known(true),
        Kind::Str(s) if s.eq_ignore_ascii_case("false") => Val::Known(false),
        Kind::Str(s) => Val::Unknown(Unknown::new(format!("`{s}` is not a boolean"))),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(attr(value, shaped))
}

/// `publicNetworkAccess` (`Enabled` or `Disabled`) as a bool.
pub(super) fn enabled(value: Option<&Value>) -> Option<Attr<bool>> {
    let shaped = shape_string(value?)?;
    let value = match shaped.value {
        Val::Known(text) => Val::Known(text.eq_ignore_ascii_case("Enabled")),
        Val::Unknown(u) => Val::Unknown(u),
    };
    Some(Attr {
        value,
        span: shaped.span,
        origin: shaped.origin,
    })
}

/// A list of strings, each element with its own span.
pub(super) fn strings(value: Option<&Value>) -> Option<AttrList<String>> {
    let value = value?;
    if matches!(value.kind, Kind::Null) {
        return None;
    }
    Some(list_of(value, shape_string))
}

/// A list, each element shaped by `item` (elements it shapes to `None` are dropped); anything
/// but an array, null included, is unknown.
pub(super) fn list_of<T>(value: &Value, item: impl Fn(&Value) -> Option<Attr<T>>) -> AttrList<T> {
    let shaped = match &value.kind {
        Kind::Array(items) => Val::Known(items.iter().filter_map(item).collect()),
        _ => Val::Unknown(unknown_of(value)),
    };
    attr(value, shaped)
}

/// The items of the array property `key` of an object, each shaped by `item` (see `list_of`);
/// `None` when the property is not written.
pub(super) fn items<T>(
    object: &Value,
    key: &str,
    item: impl Fn(&Value) -> Option<Attr<T>>,
) -> Option<AttrList<T>> {
    object.get(key).map(|list| list_of(list, item))
}

/// A comma-separated list (`bypass`: `"AzureServices, Logging"`), each item with the span of
/// the whole string.
pub(super) fn comma_list(value: &Value) -> Option<AttrList<String>> {
    let shaped = shape_string(value)?;
    let value = match shaped.value {
        Val::Known(text) => Val::Known(
            text.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Attr {
                    value: Val::Known(t.to_owned()),
                    span: shaped.span,
                    origin: shaped.origin.clone(),
                })
                .collect(),
        ),
        Val::Unknown(u) => Val::Unknown(u),
    };
    Some(Attr {
        value,
        span: shaped.span,
        origin: shaped.origin,
    })
}

/// ARM writes absent plural lists as `[]` beside the singular form; an empty list is not written.
pub(super) fn non_empty<T>(list: Option<AttrList<T>>) -> Option<AttrList<T>> {
    list.filter(|l| !matches!(&l.value, Val::Known(items) if items.is_empty()))
}

/// A string that may hold deployment-time parts (connection strings, app settings).
pub(super) fn template(value: Option<&Value>) -> Option<Attr<Template>> {
    let value = value?;
    let shaped = match &value.kind {
        Kind::Null => return None,
        Kind::Str(s) => Val::Known(Template::literal(s.clone())),
        Kind::Template(t) => Val::Known(t.clone()),
        Kind::Runtime(reference) => Val::Known(Template {
            parts: vec![TemplatePart::Reference(reference.clone())],
        }),
        Kind::Int(i) => Val::Known(Template::literal(i.to_string())),
        _ => Val::Unknown(unknown_of(value)),
    };
    Some(attr(value, shaped))
}

/// A resource id held as a reference (a private endpoint's target).
pub(super) fn reference_attr(value: &Value, attribute: &str) -> Attr<Reference> {
    let shaped = match &value.kind {
        Kind::Str(id) => Val::Known(Reference {
            address: address_of_id(id),
            attribute: attribute.to_owned(),
        }),
        _ => Val::Unknown(unknown_of(value)),
    };
    attr(value, shaped)
}

/// The name a resource id ends with (a load balancer rule's frontend, an Application Gateway
/// listener's port, which name inline elements of their resource by id).
pub(super) fn id_name(value: Option<&Value>) -> Option<Attr<String>> {
    let shaped = shape_string(value?)?;
    let value = match shaped.value {
        Val::Known(id) => {
            let address = address_of_id(&id);
            Val::Known(address.rsplit('/').next().unwrap_or_default().to_owned())
        }
        Val::Unknown(unknown) => Val::Unknown(unknown),
    };
    Some(Attr {
        value,
        span: shaped.span,
        origin: shaped.origin,
    })
}
