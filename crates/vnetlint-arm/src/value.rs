//! Evaluated ARM values: JSON plus what only deployment knows (`reference()` results, strings
//! built from them) and what vnetlint could not evaluate, each with the span that produced it;
//! and what the evaluation budget measures of a value (its size, its canonical key).

use std::collections::BTreeMap;
use std::rc::Rc;

use vnetlint_diagnostics::Size;
use vnetlint_diagnostics::measure::{self, Key};
use vnetlint_ir::{Origin, Reference, Span, Template, TemplatePart};

use crate::expr::Expr;
use crate::json::{Json, JsonKind};

/// An evaluated value with its use site and, when it came from elsewhere, the chain of places.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Value {
    pub(crate) kind: Kind,
    pub(crate) span: Span,
    pub(crate) origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    /// A non-integer JSON number, as written.
    Number(String),
    Str(String),
    Array(Vec<Value>),
    /// Members in written order; keys compare case-insensitively, as ARM does.
    Object(Vec<(String, Value)>),
    /// A value Azure computes at deployment (`reference(...).ipAddress`, `listKeys(...)`).
    Runtime(Reference),
    /// A string with parts only known at deployment.
    Template(Template),
    Lambda(Rc<Lambda>),
    /// Not evaluated, with the reason in words a user understands.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lambda {
    pub(crate) params: Vec<String>,
    pub(crate) body: Expr,
}

impl Value {
    pub(crate) fn new(kind: Kind, span: Span) -> Self {
        Self {
            kind,
            span,
            origin: Origin::Literal,
        }
    }

    pub(crate) fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Self::new(Kind::Unknown(reason.into()), span)
    }

    /// A literal JSON value without evaluating expressions (parameter values, `json()`).
    pub(crate) fn literal(json: &Json) -> Self {
        let kind = match &json.kind {
            JsonKind::Null => Kind::Null,
            JsonKind::Bool(b) => Kind::Bool(*b),
            JsonKind::Number(n) => json_number(n),
            JsonKind::String(s) => Kind::Str(s.clone()),
            JsonKind::Array(items) => Kind::Array(items.iter().map(Self::literal).collect()),
            JsonKind::Object(members) => Kind::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), Self::literal(&m.value)))
                    .collect(),
            ),
        };
        Self::new(kind, json.span)
    }

    /// The member `key` of an object, ignoring case.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(members) => members
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A nested member by path.
    pub(crate) fn path(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |value, key| value.get(key))
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn elements(&self) -> &[Value] {
        match &self.kind {
            Kind::Array(items) => items,
            _ => &[],
        }
    }

    pub(crate) fn members(&self) -> &[(String, Value)] {
        match &self.kind {
            Kind::Object(members) => members,
            _ => &[],
        }
    }

    /// Whether the value is not fully known (unknown, runtime or partly runtime).
    pub(crate) fn is_symbolic(&self) -> bool {
        matches!(
            self.kind,
            Kind::Unknown(_) | Kind::Runtime(_) | Kind::Template(_)
        )
    }

    /// The derived spans after the use site, to chain into a value computed from this one.
    pub(crate) fn derived_tail(&self) -> &[Span] {
        match &self.origin {
            Origin::Derived(chain) => chain.get(1..).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// This value as used at `use_site`: the span moves there and the origin records where the
    /// value was defined (`[use site, definition, ...]`).
    pub(crate) fn used_at(mut self, use_site: Span) -> Self {
        let mut chain = vec![use_site, self.span];
        chain.extend_from_slice(self.derived_tail());
        chain.dedup();
        self.span = use_site;
        self.origin = if chain.len() > 1 {
            Origin::Derived(chain)
        } else {
            Origin::Literal
        };
        self
    }

    /// The value as the text of a string part, for `concat` and `format`.
    pub(crate) fn string_parts(&self) -> Result<Vec<TemplatePart>, String> {
        Ok(match &self.kind {
            Kind::Str(s) => vec![TemplatePart::Literal(s.clone())],
            Kind::Int(i) => vec![TemplatePart::Literal(i.to_string())],
            Kind::Number(n) => vec![TemplatePart::Literal(n.clone())],
            Kind::Bool(b) => vec![TemplatePart::Literal(
                if *b { "True" } else { "False" }.into(),
            )],
            Kind::Null => vec![TemplatePart::Literal(String::new())],
            Kind::Runtime(reference) => vec![TemplatePart::Reference(reference.clone())],
            Kind::Template(template) => template.parts.clone(),
            Kind::Unknown(reason) => vec![TemplatePart::Unknown(reason.clone())],
            Kind::Array(_) | Kind::Object(_) => {
                return Err("an array or object cannot be part of a string".to_owned());
            }
            Kind::Lambda(_) => return Err("a lambda cannot be part of a string".to_owned()),
        })
    }
}

/// A JSON number: an integer when it is one, else the text as written.
pub(crate) fn json_number(text: &str) -> Kind {
    text.parse::<i64>()
        .map_or_else(|_| Kind::Number(text.to_owned()), Kind::Int)
}

/// Joins string parts into a string value, or a template when a part is symbolic.
pub(crate) fn from_parts(parts: Vec<TemplatePart>, span: Span) -> Value {
    let mut merged: Vec<TemplatePart> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(TemplatePart::Literal(last)), TemplatePart::Literal(text)) => {
                last.push_str(&text);
            }
            (_, part) => merged.push(part),
        }
    }
    let template = Template { parts: merged };
    match template.as_literal() {
        Some(text) => Value::new(Kind::Str(text), span),
        None => Value::new(Kind::Template(template), span),
    }
}

/// Values equal as ARM compares them: strings ignoring case, the rest structurally.
pub(crate) fn arm_equals(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Str(x), Kind::Str(y)) => x.eq_ignore_ascii_case(y),
        (Kind::Int(x), Kind::Int(y)) => x == y,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Null, Kind::Null) => true,
        (Kind::Number(x), Kind::Number(y)) => x == y,
        (Kind::Array(x), Kind::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| arm_equals(p, q))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            // By lowercase key (the first spelling, as `Value::get` finds it), so that two
            // large objects compare in n log n, not n².
            let mut by_key: BTreeMap<String, &Value> = BTreeMap::new();
            for (k, v) in y {
                by_key.entry(k.to_ascii_lowercase()).or_insert(v);
            }
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    by_key
                        .get(&k.to_ascii_lowercase())
                        .is_some_and(|v2| arm_equals(v, v2))
                })
        }
        _ => false,
    }
}

/// The bytes a template part counts against `max_string_len`: its text, or the reason of an
/// unknown part (a string built from two copies of an unknown one doubles its parts as a known
/// one doubles its text).
pub(crate) fn part_len(part: &TemplatePart) -> usize {
    match part {
        TemplatePart::Literal(text) | TemplatePart::Unknown(text) => text.len(),
        TemplatePart::Reference(_) => 1,
    }
}

/// What the evaluation budget measures of a value: its string (a string's text, or a
/// template's parts) and its estimated bytes.
pub(crate) fn measure(value: &Value) -> Size {
    let string_len = match &value.kind {
        Kind::Str(text) => text.len(),
        Kind::Template(template) => template.parts.iter().map(part_len).sum(),
        _ => 0,
    };
    Size {
        string_len,
        bytes: estimated_bytes(value),
    }
}

/// The estimated bytes a value holds: `VALUE_BYTES` per value plus the text of its strings,
/// keys and reasons.
pub(crate) fn estimated_bytes(value: &Value) -> u64 {
    measure::estimated_bytes(value, |value, elements| match &value.kind {
        Kind::Object(members) => members
            .iter()
            .map(|(key, member)| {
                elements.push(member);
                key.len()
            })
            .sum(),
        Kind::Array(items) => {
            elements.extend(items);
            0
        }
        Kind::Runtime(reference) => reference.address.len() + reference.attribute.len(),
        Kind::Template(template) => template.parts.iter().map(part_len).sum(),
        Kind::Str(text) | Kind::Number(text) | Kind::Unknown(text) => text.len(),
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Lambda(_) => 0,
    })
}

/// A text that two values share exactly when [`arm_equals`] holds between them (strings and
/// object keys ignoring ASCII case); `None` for a value equal to nothing (only known at
/// deployment, unknown, a lambda).
pub(crate) fn canonical_key(value: &Value) -> Option<String> {
    measure::canonical_key(value, |value| match &value.kind {
        Kind::Str(text) => Key::Leaf(format!("{:?}", text.to_ascii_lowercase())),
        // Debug text names the kind and escapes the value: equal exactly when ARM's are.
        Kind::Null | Kind::Bool(_) | Kind::Int(_) | Kind::Number(_) => {
            Key::Leaf(format!("{:?}", value.kind))
        }
        Kind::Array(items) => Key::List(items),
        Kind::Object(members) => Key::Map(
            members
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        ),
        Kind::Runtime(_) | Kind::Template(_) | Kind::Lambda(_) | Kind::Unknown(_) => Key::Never,
    })
}
