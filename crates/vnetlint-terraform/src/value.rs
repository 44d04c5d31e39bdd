//! Evaluated Terraform values and what both the evaluator and the built-in functions do with
//! them: the value type `Ev` with its span and origin, the instance keys of expanded resources,
//! the conversions Terraform applies to operands (`number`, `truth`, `scalar_text`), its `==`,
//! iteration order, number printing, the builder of strings with deployment-time parts, and
//! what the evaluation budget measures of a value (its size, its canonical key for sets).
//!
//! It depends on neither the evaluator nor the functions: the evaluator (`eval.rs`) calls the
//! functions (`funcs/`), and both build and read these values.

use std::collections::BTreeMap;

use vnetlint_diagnostics::Size;
use vnetlint_diagnostics::measure::{self, Key};
use vnetlint_ir::{FileId, Origin, Reference, Span, Template, TemplatePart, TextRange, Unknown};

/// The result of a built-in function: a value, or why it has none.
pub(crate) type Res = Result<Ev, Fail>;

/// Why a built-in function returns no value.
#[derive(Debug)]
pub(crate) enum Fail {
    /// Terraform rejects the call: the result is an error, which `try` and `can` catch.
    Rejected(String),
    /// A resource limit stops the call before it builds its result (the limit is reported):
    /// the result is unknown, as Terraform itself would compute one.
    Limited(String),
}

impl Fail {
    /// Why there is no value, whatever the kind of failure.
    pub(crate) fn into_reason(self) -> String {
        match self {
            Fail::Rejected(reason) | Fail::Limited(reason) => reason,
        }
    }
}

impl From<String> for Fail {
    fn from(reason: String) -> Self {
        Fail::Rejected(reason)
    }
}

impl From<&str> for Fail {
    fn from(reason: &str) -> Self {
        Fail::Rejected(reason.to_owned())
    }
}

/// An evaluated expression, before it is shaped into the attribute type the IR expects.
#[derive(Debug, Clone)]
pub(crate) struct Ev {
    pub(crate) kind: EvKind,
    /// The use site: the expression written at the attribute.
    pub(crate) span: Span,
    pub(crate) origin: Origin,
    /// The resource attribute this value was read from (`azurerm_nsg.x.name`), so that a link
    /// by name can go to that resource even when several share the name.
    pub(crate) via: Option<Reference>,
}

#[derive(Debug, Clone)]
pub(crate) enum EvKind {
    /// `null`: the attribute counts as not written, as Terraform treats it.
    Null,
    /// A string.
    Scalar(String),
    /// A number, as text (as written for literals, canonical when computed).
    Number(String),
    Bool(bool),
    /// A tuple, list or set (a set is a sorted, deduplicated list).
    List(Vec<Ev>),
    /// An object or map, in written order (Terraform iterates it by sorted key).
    Object(Vec<ObjectEntry>),
    /// A string with parts only known at deployment (at least one non-literal part).
    Template(Template),
    /// A deployment-time attribute of a resource or data source, with its reference and reason.
    Ref(Unknown),
    /// A resource instance, an object whose attributes are evaluated when read.
    Resource(ResInst),
    /// A module call instance, an object whose attributes are the module's outputs.
    Module(usize),
    /// Not knowable statically.
    Unknown(Unknown),
    /// An evaluation that Terraform would reject; `try` and `can` catch it.
    Error(String),
}

#[derive(Debug, Clone)]
pub(crate) struct ObjectEntry {
    pub(crate) key: String,
    /// From the key to the end of the value.
    pub(crate) span: Span,
    pub(crate) value: Ev,
}

/// The instance key of a resource or module with `count` (`[1]`) or `for_each` (`["a"]`);
/// `Star` stands for all instances when the count or set is unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum InstKey {
    Int(i64),
    Str(String),
    Star,
}

impl InstKey {
    pub(crate) fn suffix(&self) -> String {
        match self {
            InstKey::Int(i) => format!("[{i}]"),
            InstKey::Str(s) => format!("[\"{}\"]", s.replace('\\', "\\\\").replace('"', "\\\"")),
            InstKey::Star => "[*]".to_owned(),
        }
    }
}

/// One resource instance: module instance, resource index in its module, instance key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ResInst {
    pub(crate) inst: usize,
    pub(crate) res: usize,
    pub(crate) key: Option<InstKey>,
}

impl Ev {
    pub(crate) fn new(kind: EvKind, span: Span) -> Self {
        Self {
            kind,
            span,
            origin: Origin::Literal,
            via: None,
        }
    }

    pub(crate) fn unknown(reason: impl Into<String>, span: Span) -> Self {
        Self::new(EvKind::Unknown(Unknown::new(reason)), span)
    }

    pub(crate) fn error(reason: impl Into<String>, span: Span) -> Self {
        Self::new(EvKind::Error(reason.into()), span)
    }

    pub(crate) fn str(text: impl Into<String>, span: Span) -> Self {
        Self::new(EvKind::Scalar(text.into()), span)
    }

    pub(crate) fn is_unresolved(&self) -> bool {
        matches!(
            self.kind,
            EvKind::Unknown(_) | EvKind::Error(_) | EvKind::Ref(_) | EvKind::Template(_)
        )
    }

    /// The same value seen from `use_span`: the origin chain grows by where it was set.
    pub(crate) fn seen_from(mut self, use_span: Span) -> Self {
        let mut chain = vec![use_span];
        match std::mem::take(&mut self.origin) {
            Origin::Derived(inner) => chain.extend(inner.into_iter().filter(|s| *s != use_span)),
            Origin::Literal | Origin::Default => {
                if self.span != use_span {
                    chain.push(self.span);
                }
            }
        }
        chain.dedup();
        self.origin = if chain.len() > 1 {
            Origin::Derived(chain)
        } else {
            Origin::Literal
        };
        self.span = use_span;
        self
    }
}

/// The span of a value that is never shown (a placeholder binding), pointing nowhere useful.
pub(crate) fn placeholder_span() -> Span {
    Span::new(FileId(0), TextRange::new(0, 0))
}

/// Collects the parts of a template as it is rendered.
#[derive(Default)]
pub(crate) struct TemplateBuilder {
    parts: Vec<TemplatePart>,
    derived: Vec<Span>,
    /// Set by a `~` strip marker: the next literal loses its leading whitespace.
    pub(crate) strip_next: bool,
    /// The bytes of the parts so far as `max_string_len` counts them ([`string_len`]), so that
    /// a builder can stop at the limit instead of finding out once the string is built.
    len: usize,
}

impl TemplateBuilder {
    pub(crate) fn literal(&mut self, text: &str) {
        let text = if std::mem::take(&mut self.strip_next) {
            text.trim_start()
        } else {
            text
        };
        self.len += text.len();
        if let Some(TemplatePart::Literal(last)) = self.parts.last_mut() {
            last.push_str(text);
        } else if !text.is_empty() {
            self.parts.push(TemplatePart::Literal(text.to_owned()));
        }
    }

    /// Appends a part only known at deployment, with the reason.
    pub(crate) fn unknown(&mut self, reason: String) {
        self.push(TemplatePart::Unknown(reason));
    }

    fn push(&mut self, part: TemplatePart) {
        self.len += part_len(&part);
        self.parts.push(part);
    }

    /// The bytes of the string so far, as `max_string_len` counts them.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Drops the trailing whitespace of the text so far, for a `~` strip marker.
    pub(crate) fn strip_end(&mut self) {
        if let Some(TemplatePart::Literal(last)) = self.parts.last_mut() {
            let trimmed = last.trim_end().len();
            self.len -= last.len() - trimmed;
            last.truncate(trimmed);
        }
    }

    /// Appends an interpolated value; an error makes the whole template an error.
    pub(crate) fn value(&mut self, ev: Ev) -> Result<(), Ev> {
        self.strip_next = false;
        if let Origin::Derived(chain) = &ev.origin {
            self.derived.extend(chain.iter().skip(1).copied());
        }
        match ev.kind {
            EvKind::Scalar(text) | EvKind::Number(text) => self.literal(&text),
            EvKind::Bool(b) => self.literal(if b { "true" } else { "false" }),
            EvKind::Template(inner) => {
                for part in inner.parts {
                    match part {
                        TemplatePart::Literal(text) => self.literal(&text),
                        other => self.push(other),
                    }
                }
            }
            EvKind::Ref(unknown) => match unknown.reference {
                Some(reference) => self.push(TemplatePart::Reference(reference)),
                None => self.unknown(unknown.reason),
            },
            EvKind::Unknown(unknown) => self.unknown(unknown.reason),
            EvKind::Error(reason) => return Err(Ev::error(reason, ev.span)),
            EvKind::Null => {
                return Err(Ev::error(
                    "a null value is interpolated into a string, which Terraform rejects",
                    ev.span,
                ));
            }
            EvKind::List(_) | EvKind::Object(_) | EvKind::Resource(_) | EvKind::Module(_) => {
                return Err(Ev::error(
                    "a collection is interpolated into a string, which Terraform rejects",
                    ev.span,
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self, span: Span) -> Ev {
        let mut derived = self.derived;
        derived.dedup();
        let origin = if derived.is_empty() {
            Origin::Literal
        } else {
            let mut chain = vec![span];
            chain.extend(derived);
            Origin::Derived(chain)
        };
        let template = Template { parts: self.parts };
        let kind = match template.as_literal() {
            Some(text) => EvKind::Scalar(text),
            None => EvKind::Template(template),
        };
        Ev {
            kind,
            span,
            origin,
            via: None,
        }
    }
}

/// The items of a collection as `(key, value)`: index for lists, sorted key for maps.
pub(crate) fn iterate(collection: &Ev) -> Result<Vec<(Ev, Ev)>, Ev> {
    match &collection.kind {
        EvKind::List(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, v)| (Ev::new(EvKind::Number(i.to_string()), v.span), v.clone()))
            .collect()),
        EvKind::Object(entries) => {
            let mut sorted: Vec<&ObjectEntry> = entries.iter().collect();
            sorted.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(sorted
                .into_iter()
                .map(|e| (Ev::str(e.key.clone(), e.span), e.value.clone()))
                .collect())
        }
        EvKind::Null => Err(Ev::error("cannot iterate over null", collection.span)),
        EvKind::Unknown(_) | EvKind::Error(_) | EvKind::Ref(_) | EvKind::Template(_) => {
            Err(collection.clone())
        }
        _ => Err(Ev::error(
            "only lists, sets and maps can be iterated",
            collection.span,
        )),
    }
}

/// A string, number or bool as text.
pub(crate) fn scalar_text(ev: &Ev) -> Option<String> {
    match &ev.kind {
        EvKind::Scalar(text) | EvKind::Number(text) => Some(text.clone()),
        EvKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A number, or a string that converts to one.
pub(crate) fn number(ev: &Ev) -> Option<f64> {
    match &ev.kind {
        EvKind::Number(text) | EvKind::Scalar(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// A bool, or a string that converts to one.
pub(crate) fn truth(ev: &Ev) -> Option<bool> {
    match &ev.kind {
        EvKind::Bool(b) => Some(*b),
        EvKind::Scalar(text) if text == "true" => Some(true),
        EvKind::Scalar(text) if text == "false" => Some(false),
        _ => None,
    }
}

/// Terraform's `==`: equal type and value; numbers compare by value.
pub(crate) fn equal(a: &Ev, b: &Ev) -> bool {
    match (&a.kind, &b.kind) {
        (EvKind::Null, EvKind::Null) => true,
        (EvKind::Number(x), EvKind::Number(y)) => x.parse::<f64>().ok() == y.parse::<f64>().ok(),
        (EvKind::Scalar(x), EvKind::Scalar(y)) => x == y,
        (EvKind::Bool(x), EvKind::Bool(y)) => x == y,
        (EvKind::List(x), EvKind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (EvKind::Object(x), EvKind::Object(y)) => {
            // By key, so that two large maps compare in n log n, not n².
            let mut by_key: BTreeMap<&str, Vec<&Ev>> = BTreeMap::new();
            for entry in y {
                by_key.entry(&entry.key).or_default().push(&entry.value);
            }
            x.len() == y.len()
                && x.iter().all(|e| {
                    by_key
                        .get(e.key.as_str())
                        .is_some_and(|values| values.iter().any(|v| equal(&e.value, v)))
                })
        }
        (EvKind::Resource(x), EvKind::Resource(y)) => x == y,
        (EvKind::Module(x), EvKind::Module(y)) => x == y,
        _ => false,
    }
}

/// An unresolved value seen at another span (keeps the reason and the reference).
pub(crate) fn unresolved_as(ev: Ev, span: Span) -> Ev {
    let kind = match ev.kind {
        EvKind::Template(template) => EvKind::Unknown(template_unknown(&template)),
        other => other,
    };
    Ev {
        kind,
        span,
        origin: ev.origin,
        via: None,
    }
}

/// Why a value is not known, for messages.
pub(crate) fn unresolved_reason(ev: &Ev) -> String {
    match &ev.kind {
        EvKind::Unknown(unknown) | EvKind::Ref(unknown) => unknown.reason.clone(),
        EvKind::Error(reason) => reason.clone(),
        EvKind::Template(template) => template_unknown(template).reason,
        _ => "the value has the wrong type".to_owned(),
    }
}

/// Why a template with deployment-time parts has no single value (the IR's reading, with the
/// evaluator's own word for a template it has not finished).
pub(crate) fn template_unknown(template: &Template) -> Unknown {
    template
        .first_unknown()
        .unwrap_or_else(|| Unknown::new("the string is not evaluated yet"))
}

/// A number as Terraform prints it: integers without a fraction.
pub(crate) fn format_number(n: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The bytes a template part counts against `max_string_len`: its text, or the reason of an
/// unknown part (a string built from two copies of an unknown one doubles its parts as a known
/// one doubles its text).
fn part_len(part: &TemplatePart) -> usize {
    match part {
        TemplatePart::Literal(text) | TemplatePart::Unknown(text) => text.len(),
        TemplatePart::Reference(_) => 1,
    }
}

/// The bytes `value` adds to a string it is interpolated into (as [`TemplateBuilder::value`]
/// appends it), for a function that checks the length of a string before building it.
pub(crate) fn interpolated_len(value: &Ev) -> usize {
    match &value.kind {
        EvKind::Scalar(text) | EvKind::Number(text) => text.len(),
        EvKind::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        EvKind::Template(template) => template.parts.iter().map(part_len).sum(),
        EvKind::Ref(unknown) if unknown.reference.is_some() => 1,
        EvKind::Ref(unknown) | EvKind::Unknown(unknown) => unknown.reason.len(),
        _ => 0,
    }
}

/// The bytes a value counts against `max_string_len`: a string's text, or a template's parts.
pub(crate) fn string_len(value: &Ev) -> usize {
    match &value.kind {
        EvKind::Scalar(text) => text.len(),
        EvKind::Template(template) => template.parts.iter().map(part_len).sum(),
        _ => 0,
    }
}

/// What the evaluation budget measures of a value: its string and its estimated bytes.
pub(crate) fn measure(value: &Ev) -> Size {
    Size {
        string_len: string_len(value),
        bytes: estimated_bytes(value),
    }
}

/// The estimated bytes a value holds: `VALUE_BYTES` per value plus the text of its strings,
/// keys and reasons.
pub(crate) fn estimated_bytes(value: &Ev) -> u64 {
    measure::estimated_bytes(value, |value, elements| match &value.kind {
        EvKind::Scalar(text) | EvKind::Number(text) | EvKind::Error(text) => text.len(),
        EvKind::Unknown(unknown) | EvKind::Ref(unknown) => unknown.reason.len(),
        EvKind::Template(template) => template.parts.iter().map(part_len).sum(),
        EvKind::List(items) => {
            elements.extend(items);
            0
        }
        EvKind::Object(entries) => {
            elements.extend(entries.iter().map(|e| &e.value));
            entries.iter().map(|e| e.key.len()).sum()
        }
        EvKind::Null | EvKind::Bool(_) | EvKind::Resource(_) | EvKind::Module(_) => 0,
    })
}

/// A text that two values share exactly when Terraform's `==` ([`equal`]) holds between them;
/// `None` for a value equal to nothing (unknown, an error, a NaN).
pub(crate) fn canonical_key(value: &Ev) -> Option<String> {
    measure::canonical_key(value, |value| match &value.kind {
        // Debug text names the kind and escapes the value: equal exactly when `==` holds.
        EvKind::Null
        | EvKind::Bool(_)
        | EvKind::Scalar(_)
        | EvKind::Resource(_)
        | EvKind::Module(_) => Key::Leaf(format!("{:?}", value.kind)),
        EvKind::Number(text) => match text.parse::<f64>() {
            Ok(n) if n.is_nan() => Key::Never,
            // `==` compares numbers by value: `1` and `1.0` are one key, and `-0` and `0` too
            // (adding zero turns `-0` into `0`).
            Ok(n) => Key::Leaf(format!("number {:016x}", (n + 0.0).to_bits())),
            // Numbers that do not parse are all equal, as `equal` compares their parses.
            Err(_) => Key::Leaf("number ?".to_owned()),
        },
        EvKind::List(items) => Key::List(items),
        EvKind::Object(entries) => {
            Key::Map(entries.iter().map(|e| (e.key.clone(), &e.value)).collect())
        }
        EvKind::Template(_) | EvKind::Ref(_) | EvKind::Unknown(_) | EvKind::Error(_) => Key::Never,
    })
}
