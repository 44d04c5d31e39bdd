//! One view over configuration bodies written in native HCL (`.tf`) and in HCL's JSON syntax
//! (`.tf.json`), so that evaluation and lowering are written once.
//!
//! A `.tf.json` file is parsed with hcl-edit's *expression* parser: a JSON document is an HCL
//! object expression (`"key": value` pairs, arrays as tuples, strings as templates, which is
//! exactly how HCL's JSON syntax reads `"${...}"`), and every span stays a byte offset into the
//! file. JSON syntax cannot tell a nested block from a map attribute without the provider schema,
//! so the names of the nested blocks the lowering reads are listed in `JSON_BLOCKS`.

use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::structure::{Block, BlockLabel, Body};

/// A parsed file: a native body or the root object of a JSON file.
pub(crate) enum Parsed {
    Hcl(Body),
    Json(Expression),
}

impl Parsed {
    pub(crate) fn body(&self) -> Option<BodyRef<'_>> {
        match self {
            Parsed::Hcl(body) => Some(BodyRef::Hcl(body)),
            Parsed::Json(Expression::Object(object)) => Some(BodyRef::Json(object)),
            Parsed::Json(_) => None,
        }
    }
}

/// A body: the inside of a block, or a whole file.
#[derive(Clone, Copy)]
pub(crate) enum BodyRef<'a> {
    Hcl(&'a Body),
    Json(&'a Object),
}

/// A block: `ident "label" ... { body }`, or its JSON equivalent.
#[derive(Clone)]
pub(crate) struct BlockRef<'a> {
    pub(crate) ident: &'a str,
    pub(crate) labels: Vec<(&'a str, Option<Range<usize>>)>,
    pub(crate) body: BodyRef<'a>,
    pub(crate) span: Option<Range<usize>>,
}

/// Nested block names of the resources the lowering reads, for JSON syntax.
const JSON_BLOCKS: &[&str] = &[
    "security_rule",
    "subnet",
    "delegation",
    "service_delegation",
    "ip_configuration",
    "route",
    "connection_string",
    "sku",
    "network_rules",
    "site_config",
    "private_service_connection",
    "dynamic",
    "content",
    "lifecycle",
];

/// Top-level block types and how many labels each has.
const TOP_BLOCKS: &[(&str, usize)] = &[
    ("resource", 2),
    ("data", 2),
    ("module", 1),
    ("variable", 1),
    ("output", 1),
    ("locals", 0),
    ("provider", 1),
    ("terraform", 0),
];

fn key_text(key: &ObjectKey) -> Option<&str> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().as_str()),
        ObjectKey::Expression(_) => None,
    }
}

impl<'a> BodyRef<'a> {
    /// The expression of an attribute.
    pub(crate) fn attr(self, name: &str) -> Option<&'a Expression> {
        match self {
            BodyRef::Hcl(body) => body.get_attribute(name).map(|a| &a.value),
            BodyRef::Json(object) => {
                let value = object
                    .iter()
                    .find(|(key, _)| key_text(key) == Some(name))
                    .map(|(_, value)| value.expr())?;
                // A name that is a block in one resource type is an attribute in another
                // (`sku` is a block of `azurerm_app_service_environment` but a string of
                // `azurerm_public_ip` and `azurerm_lb`): in JSON only an object or a list
                // of objects under a block name is a block.
                let block_shaped = match value {
                    Expression::Object(_) => true,
                    Expression::Array(items) => {
                        items.iter().all(|i| matches!(i, Expression::Object(_)))
                    }
                    _ => false,
                };
                if JSON_BLOCKS.contains(&name) && block_shaped {
                    return None;
                }
                Some(value)
            }
        }
    }

    /// Every attribute in written order, with the span of its name (for `locals` and tfvars).
    pub(crate) fn attributes(self) -> Vec<(&'a str, Option<Range<usize>>, &'a Expression)> {
        match self {
            BodyRef::Hcl(body) => body
                .attributes()
                .map(|a| (a.key.as_str(), a.key.span(), &a.value))
                .collect(),
            BodyRef::Json(object) => object
                .iter()
                .filter_map(|(key, value)| {
                    let name = key_text(key)?;
                    (name != "//").then(|| (name, key.span(), value.expr()))
                })
                .collect(),
        }
    }

    /// The nested blocks of one type, without labels (`security_rule { ... }`).
    pub(crate) fn blocks(self, name: &'a str) -> Vec<BlockRef<'a>> {
        match self {
            BodyRef::Hcl(body) => body.get_blocks(name).map(hcl_block).collect(),
            BodyRef::Json(object) => {
                let mut out = Vec::new();
                for (key, value) in object {
                    if key_text(key) == Some(name) {
                        json_blocks(name, value.expr(), 0, &mut Vec::new(), &mut out);
                    }
                }
                out
            }
        }
    }

    /// The top-level blocks of a file, in written order.
    pub(crate) fn top_blocks(self) -> Vec<BlockRef<'a>> {
        match self {
            BodyRef::Hcl(body) => body.blocks().map(hcl_block).collect(),
            BodyRef::Json(object) => {
                let mut out = Vec::new();
                for (key, value) in object {
                    let Some(name) = key_text(key) else { continue };
                    if let Some((ident, labels)) = TOP_BLOCKS.iter().find(|(n, _)| *n == name) {
                        json_blocks(ident, value.expr(), *labels, &mut Vec::new(), &mut out);
                    }
                }
                out
            }
        }
    }

    /// `dynamic "LABEL" { ... }` blocks generating blocks of type `name`.
    pub(crate) fn dynamic_blocks(self, name: &str) -> Vec<BlockRef<'a>> {
        match self {
            BodyRef::Hcl(body) => body
                .get_blocks("dynamic")
                .filter(|b| b.labels.first().is_some_and(|l| label_text(l) == name))
                .map(hcl_block)
                .collect(),
            BodyRef::Json(object) => {
                let mut out = Vec::new();
                for (key, value) in object {
                    if key_text(key) == Some("dynamic") {
                        json_blocks("dynamic", value.expr(), 1, &mut Vec::new(), &mut out);
                    }
                }
                out.retain(|b| b.labels.first().is_some_and(|(l, _)| *l == name));
                out
            }
        }
    }
}

fn label_text(label: &BlockLabel) -> &str {
    match label {
        BlockLabel::Ident(ident) => ident.as_str(),
        BlockLabel::String(s) => s.value().as_str(),
    }
}

fn hcl_block(block: &Block) -> BlockRef<'_> {
    BlockRef {
        ident: block.ident.as_str(),
        labels: block
            .labels
            .iter()
            .map(|l| (label_text(l), l.span()))
            .collect(),
        body: BodyRef::Hcl(&block.body),
        span: block.span(),
    }
}

/// Expands a JSON block value: `labels` levels of objects keyed by label, then one object per
/// block or an array of them.
fn json_blocks<'a>(
    ident: &'a str,
    value: &'a Expression,
    labels: usize,
    prefix: &mut Vec<(&'a str, Option<Range<usize>>)>,
    out: &mut Vec<BlockRef<'a>>,
) {
    match value {
        Expression::Object(object) if labels > 0 => {
            for (key, inner) in object {
                let Some(label) = key_text(key) else { continue };
                prefix.push((label, key.span()));
                json_blocks(ident, inner.expr(), labels - 1, prefix, out);
                prefix.pop();
            }
        }
        Expression::Object(object) => out.push(BlockRef {
            ident,
            labels: prefix.clone(),
            body: BodyRef::Json(object),
            span: value.span(),
        }),
        Expression::Array(array) => {
            for item in array {
                json_blocks(ident, item, labels, prefix, out);
            }
        }
        _ => {}
    }
}
