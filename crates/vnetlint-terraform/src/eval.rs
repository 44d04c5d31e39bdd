//! Evaluation of HCL expressions the way `terraform plan` resolves a configuration, without a
//! provider: variables (tfvars, CLI, environment, defaults, module inputs), locals, module
//! outputs, resource attributes, `count`/`for_each`/`each`, templates with directives,
//! conditionals, `for` expressions, splats, operators and the built-in functions of `funcs/`.
//!
//! Values carry the span of their use site and an `Origin` chain to where they were set, so a
//! finding can point at the attribute and name the variable default or tfvars entry behind it.
//! What cannot be known before deployment (a resource `id`, a data source, an unknown function)
//! is `Unknown` with a reason, never a guess; a Terraform error (a missing key, a type mismatch)
//! is `Error`, which `try` and `can` catch. Named values are evaluated lazily and memoized; a
//! cycle is cut with an error finding naming its path, and every recursion is bounded.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::rc::Rc;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template as HclTemplate};
use vnetlint_diagnostics::{Budget, Finding, Label, Level, Limit, Limits, Reached};
use vnetlint_ir::{FileId, Origin, Reference, Span, TemplatePart, TextRange, Unknown};

use crate::funcs;
use crate::syntax::{BlockRef, BodyRef};
use crate::value::{
    InstKey, TemplateBuilder, equal, format_number, number, placeholder_span, scalar_text, truth,
    unresolved_as,
};
// Re-exported at their old path for the lowering (`lower.rs`, `plan.rs`), which imports them
// from here; they live in `value.rs`.
pub(crate) use crate::value::{
    Ev, EvKind, ObjectEntry, ResInst, iterate, template_unknown, unresolved_reason,
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

/// Names bound in a block: `count`, `each`, iterators, `for` variables.
pub(crate) type Bindings = Vec<(String, Ev)>;

/// What `count` or `for_each` expands a resource or module call into.
#[derive(Debug, Clone)]
pub(crate) enum Expansion {
    /// Neither is written.
    Single,
    /// One binding (`count` or `each`) per instance.
    Instances(Vec<(InstKey, (String, Ev))>),
    /// The count or set is unknown: one element stands for all instances.
    Unknown(Unknown, &'static str),
}

impl Expansion {
    /// `(key, bindings)` of each instance.
    pub(crate) fn instances(&self) -> Vec<(Option<InstKey>, Bindings)> {
        match self {
            Expansion::Single => vec![(None, Vec::new())],
            Expansion::Instances(items) => items
                .iter()
                .map(|(key, binding)| (Some(key.clone()), vec![binding.clone()]))
                .collect(),
            Expansion::Unknown(unknown, name) => {
                let value = Ev::new(EvKind::Unknown(unknown.clone()), placeholder_span());
                vec![(Some(InstKey::Star), vec![((*name).to_owned(), value)])]
            }
        }
    }
}

/// The names a block's expressions see beyond the module: `count`, `each`, `for` variables and
/// dynamic block iterators.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub(crate) inst: usize,
    pub(crate) file: usize,
    pub(crate) bindings: Rc<Vec<(String, Ev)>>,
    /// Variable defaults and tfvars allow no references.
    pub(crate) no_refs: bool,
}

impl Env {
    pub(crate) fn new(inst: usize, file: usize) -> Self {
        Self {
            inst,
            file,
            bindings: Rc::new(Vec::new()),
            no_refs: false,
        }
    }

    pub(crate) fn with(&self, name: String, value: Ev) -> Self {
        let mut bindings = (*self.bindings).clone();
        bindings.push((name, value));
        Self {
            bindings: Rc::new(bindings),
            ..self.clone()
        }
    }

    pub(crate) fn with_all(&self, extra: Vec<(String, Ev)>) -> Self {
        let mut env = self.clone();
        for (name, value) in extra {
            env = env.with(name, value);
        }
        env
    }
}

/// A `variable` block.
pub(crate) struct VarDecl<'a> {
    pub(crate) file: usize,
    pub(crate) span: Option<Range<usize>>,
    pub(crate) default: Option<&'a Expression>,
    /// The type constraint as written (`string`, `list(string)`), for CLI value parsing.
    pub(crate) type_text: Option<String>,
}

/// A local value or an output.
pub(crate) struct Named<'a> {
    pub(crate) file: usize,
    pub(crate) expr: &'a Expression,
}

/// A `resource` or `data` block.
pub(crate) struct ResDecl<'a> {
    pub(crate) file: usize,
    pub(crate) rtype: &'a str,
    /// `TYPE.NAME` (`data.TYPE.NAME` for a data source).
    pub(crate) key: String,
    pub(crate) block: BlockRef<'a>,
}

/// A `module` block.
pub(crate) struct CallDecl<'a> {
    pub(crate) file: usize,
    pub(crate) block: BlockRef<'a>,
    pub(crate) target: CallTarget,
}

pub(crate) enum CallTarget {
    /// A loaded local module: the index of its definition.
    Local(usize),
    /// Not loaded, with the reason (remote source, outside the scan root, missing).
    Unresolved(String),
}

/// One module directory: its declarations.
#[derive(Default)]
pub(crate) struct ModuleDef<'a> {
    pub(crate) dir: String,
    pub(crate) variables: BTreeMap<&'a str, VarDecl<'a>>,
    pub(crate) locals: BTreeMap<&'a str, Named<'a>>,
    pub(crate) outputs: BTreeMap<&'a str, Named<'a>>,
    pub(crate) resources: Vec<ResDecl<'a>>,
    pub(crate) resource_index: BTreeMap<String, usize>,
    pub(crate) calls: BTreeMap<&'a str, CallDecl<'a>>,
}

/// A value given to a root variable from outside the `.tf` files.
pub(crate) enum RootValue<'a> {
    /// An attribute of a tfvars file.
    Expr { file: usize, expr: &'a Expression },
    /// `--var NAME=VALUE` or `TF_VAR_NAME`: raw text, parsed as HCL for non-primitive types.
    Text { text: String, what: String },
}

/// One module instance: the root, or one instance of a module call.
#[derive(Debug, Clone)]
pub(crate) struct Inst {
    pub(crate) def: usize,
    /// `""` for the root, `module.a["x"].module.b.` below it.
    pub(crate) prefix: String,
    /// The calling instance, the call name and the call instance's bindings.
    pub(crate) parent: Option<(usize, String, Bindings)>,
    pub(crate) depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum MemoKey {
    Var(usize, String),
    Local(usize, String),
    Output(usize, String),
    Attr(ResInst, String),
    Expand(usize, usize),
    Calls(usize, String),
}

/// The evaluator of one root module and every module instance below it.
pub(crate) struct Eval<'a> {
    pub(crate) files: &'a [FileCtx<'a>],
    pub(crate) defs: &'a [ModuleDef<'a>],
    pub(crate) root_values: &'a BTreeMap<String, RootValue<'a>>,
    pub(crate) insts: RefCell<Vec<Inst>>,
    values: RefCell<BTreeMap<MemoKey, Ev>>,
    expansions: RefCell<BTreeMap<MemoKey, Rc<Expansion>>>,
    call_insts: RefCell<BTreeMap<MemoKey, Rc<CallInsts>>>,
    in_progress: RefCell<Vec<(MemoKey, String)>>,
    reported_cycles: RefCell<BTreeSet<BTreeSet<String>>>,
    pub(crate) findings: RefCell<Vec<Finding>>,
    pub(crate) budget: Budget,
}

/// The instances of one module call.
#[derive(Debug, Clone)]
pub(crate) enum CallInsts {
    Single(usize),
    Many(Vec<(InstKey, usize)>),
    Unknown(Unknown),
}

/// What an expression reached when it hits the depth or step limit.
const REACHED: Reached = Reached {
    depth: "the expression nests references too deeply to evaluate",
    steps: "the module needs too many evaluation steps",
};

/// The bytes a value counts against `max_string_len`. Deployment-time parts count with their
/// reasons: a string built from two copies of an unknown one doubles its parts as a known one
/// doubles its text.
fn string_len(value: &Ev) -> usize {
    match &value.kind {
        EvKind::Scalar(text) => text.len(),
        EvKind::Template(template) => template
            .parts
            .iter()
            .map(|part| match part {
                TemplatePart::Literal(text) | TemplatePart::Unknown(text) => text.len(),
                TemplatePart::Reference(_) => 1,
            })
            .sum(),
        _ => 0,
    }
}

/// Attributes Azure assigns when it deploys a resource, which no template can know.
pub(crate) const COMPUTED_ATTRIBUTES: &[&str] = &[
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

/// Attributes of a block that are meta-arguments, not resource attributes.
const META_ARGUMENTS: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle"];

impl<'a> Eval<'a> {
    pub(crate) fn new(
        files: &'a [FileCtx<'a>],
        defs: &'a [ModuleDef<'a>],
        root_values: &'a BTreeMap<String, RootValue<'a>>,
        root_prefix: &str,
    ) -> Self {
        Self {
            files,
            defs,
            root_values,
            insts: RefCell::new(vec![Inst {
                def: 0,
                prefix: root_prefix.to_owned(),
                parent: None,
                depth: 0,
            }]),
            values: RefCell::new(BTreeMap::new()),
            expansions: RefCell::new(BTreeMap::new()),
            call_insts: RefCell::new(BTreeMap::new()),
            in_progress: RefCell::new(Vec::new()),
            reported_cycles: RefCell::new(BTreeSet::new()),
            findings: RefCell::new(Vec::new()),
            budget: Budget::new(Limits::default()),
        }
    }

    /// The evaluator with other limits than the defaults.
    #[must_use]
    pub(crate) fn with_limits(mut self, limits: Limits) -> Self {
        self.budget = Budget::new(limits);
        self
    }

    /// Every finding of the evaluation: its own and the limits it hit.
    pub(crate) fn into_findings(self) -> Vec<Finding> {
        let mut findings = self.findings.into_inner();
        findings.extend(self.budget.take_findings());
        findings
    }

    pub(crate) fn ctx(&self, file: usize) -> &'a FileCtx<'a> {
        &self.files[file]
    }

    pub(crate) fn inst(&self, inst: usize) -> Inst {
        self.insts.borrow()[inst].clone()
    }

    pub(crate) fn def_of(&self, inst: usize) -> &'a ModuleDef<'a> {
        &self.defs[self.insts.borrow()[inst].def]
    }

    /// The logical address of a resource instance.
    pub(crate) fn address(&self, ri: &ResInst) -> String {
        let prefix = self.insts.borrow()[ri.inst].prefix.clone();
        let decl = &self.def_of(ri.inst).resources[ri.res];
        format!(
            "{prefix}{}{}",
            decl.key,
            ri.key.as_ref().map(InstKey::suffix).unwrap_or_default()
        )
    }

    /// Runs `compute` for a named value once, detecting cycles.
    fn guarded<T: Clone>(
        &self,
        key: MemoKey,
        label: String,
        use_span: Span,
        cache: &RefCell<BTreeMap<MemoKey, T>>,
        compute: impl FnOnce() -> T,
        on_cycle: impl FnOnce(String) -> T,
    ) -> T {
        if let Some(done) = cache.borrow().get(&key) {
            return done.clone();
        }
        let position = self
            .in_progress
            .borrow()
            .iter()
            .position(|(k, _)| *k == key);
        if let Some(start) = position {
            let mut path: Vec<String> = self.in_progress.borrow()[start..]
                .iter()
                .map(|(_, l)| l.clone())
                .collect();
            path.push(label);
            let text = path.join(" -> ");
            self.report_cycle(&path, &text, use_span);
            return on_cycle(format!("the value is part of the cycle {text}"));
        }
        self.in_progress.borrow_mut().push((key.clone(), label));
        let value = compute();
        self.in_progress.borrow_mut().pop();
        cache.borrow_mut().insert(key, value.clone());
        value
    }

    /// A named value (variable, local, output, resource attribute), evaluated once and seen
    /// from `use_span`; on a cycle, an error naming it.
    fn named_value(
        &self,
        key: MemoKey,
        label: String,
        use_span: Span,
        compute: impl FnOnce() -> Ev,
    ) -> Ev {
        self.guarded(key, label, use_span, &self.values, compute, |reason| {
            Ev::error(reason, use_span)
        })
        .seen_from(use_span)
    }

    fn report_cycle(&self, path: &[String], text: &str, span: Span) {
        self.report_unresolvable(
            path.iter().cloned().collect(),
            format!(
                "the configuration has a cycle: {text}; Terraform rejects it, and every value on it is unresolved; break the cycle"
            ),
            Label::new(span, "the cycle closes here"),
        );
    }

    /// A VNL002 error for a cycle or a recursion, once per set of the names on it (a cycle is
    /// met again from each of its members).
    fn report_unresolvable(&self, members: BTreeSet<String>, message: String, label: Label) {
        if self.reported_cycles.borrow_mut().insert(members) {
            self.findings.borrow_mut().push(Finding::new(
                "VNL002",
                "unresolved-value",
                Level::Error,
                message,
                label,
            ));
        }
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&self, env: &Env, expr: &Expression) -> Ev {
        let span = self.ctx(env.file).span(expr.span());
        let evaluate = || self.eval_inner(env, expr, span);
        self.budget
            .evaluate(span, REACHED, evaluate, string_len)
            .unwrap_or_else(|reason| Ev::unknown(reason, span))
    }

    fn eval_inner(&self, env: &Env, expr: &Expression, span: Span) -> Ev {
        let ctx = self.ctx(env.file);
        let text = || ctx.snippet(span);
        let make = |kind| Ev::new(kind, span);
        match expr {
            Expression::Null(_) => make(EvKind::Null),
            Expression::Bool(b) => make(EvKind::Bool(*b.value())),
            Expression::Number(n) => {
                // Keep the number as written (`100`, `1e3`), as Azure receives the text.
                let written = ctx.text.get(span.range.as_usize()).unwrap_or("");
                let written = if written.is_empty() || written.parse::<f64>().is_err() {
                    n.value().to_string()
                } else {
                    written.to_owned()
                };
                make(EvKind::Number(written))
            }
            Expression::String(s) => make(EvKind::Scalar(s.value().clone())),
            Expression::Array(array) => make(EvKind::List(
                array.iter().map(|e| self.eval(env, e)).collect(),
            )),
            Expression::Object(object) => {
                let mut entries = Vec::new();
                for (key, value) in object {
                    let key_span = ctx.span(key.span());
                    let key_text = match key {
                        ObjectKey::Ident(ident) => ident.as_str().to_owned(),
                        ObjectKey::Expression(Expression::Variable(ident)) => {
                            ident.as_str().to_owned()
                        }
                        ObjectKey::Expression(key_expr) => {
                            let key_ev = self.eval(env, key_expr);
                            match scalar_text(&key_ev) {
                                Some(text) => text,
                                None => return unresolved_as(key_ev, span),
                            }
                        }
                    };
                    let value_ev = self.eval(env, value.expr());
                    let end = value_ev.span.range.end.max(key_span.range.start);
                    entries.push(ObjectEntry {
                        key: key_text,
                        span: Span::new(ctx.file, TextRange::new(key_span.range.start, end)),
                        value: value_ev,
                    });
                }
                make(EvKind::Object(entries))
            }
            Expression::StringTemplate(template) => self.eval_template(env, template, span),
            Expression::HeredocTemplate(heredoc) => {
                // The parser has already dedented `<<-` heredocs.
                self.eval_template(env, &heredoc.template, span)
            }
            Expression::Parenthesis(inner) => {
                let mut ev = self.eval(env, inner.inner());
                ev.span = span;
                ev
            }
            Expression::UnaryOp(op) => {
                let inner = self.eval(env, &op.expr);
                if inner.is_unresolved() {
                    return unresolved_as(inner, span);
                }
                match (op.operator.value(), &inner.kind) {
                    (UnaryOperator::Neg, _) => match number(&inner) {
                        Some(n) => make(EvKind::Number(format_number(-n))),
                        None => Ev::error(format!("`{}` is not a number", text()), span),
                    },
                    (UnaryOperator::Not, EvKind::Bool(b)) => make(EvKind::Bool(!b)),
                    (UnaryOperator::Not, _) => {
                        Ev::error(format!("`{}` is not a bool", text()), span)
                    }
                }
            }
            Expression::BinaryOp(op) => self.eval_binary(env, op, span),
            Expression::Conditional(cond) => {
                let condition = self.eval(env, &cond.cond_expr);
                match truth(&condition) {
                    Some(true) => self.eval(env, &cond.true_expr).seen_from(span),
                    Some(false) => self.eval(env, &cond.false_expr).seen_from(span),
                    None if condition.is_unresolved() => {
                        let reason = unresolved_reason(&condition);
                        Ev::unknown(
                            format!("the condition of `{}` is unresolved: {reason}", text()),
                            span,
                        )
                    }
                    None => Ev::error(format!("the condition of `{}` is not a bool", text()), span),
                }
            }
            Expression::ForExpr(for_expr) => self.eval_for(env, for_expr, span),
            Expression::Variable(ident) => {
                let name = ident.as_str();
                match env.bindings.iter().rev().find(|(n, _)| n == name) {
                    Some((_, value)) => value.clone().seen_from(span),
                    None => Ev::unknown(
                        format!("`{name}` is not a value vnetlint can evaluate"),
                        span,
                    ),
                }
            }
            Expression::FuncCall(call) => self.eval_call(env, call, span),
            Expression::Traversal(traversal) => {
                self.eval_traversal(env, &traversal.expr, &traversal.operators, span)
            }
        }
    }

    fn eval_binary(&self, env: &Env, op: &hcl_edit::expr::BinaryOp, span: Span) -> Ev {
        let lhs = self.eval(env, &op.lhs_expr);
        let operator = *op.operator.value();
        // `false && x` and `true || x` decide without the right side, as Terraform short-circuits.
        match (operator, truth(&lhs)) {
            (BinaryOperator::And, Some(false)) => return Ev::new(EvKind::Bool(false), span),
            (BinaryOperator::Or, Some(true)) => return Ev::new(EvKind::Bool(true), span),
            _ => {}
        }
        let rhs = self.eval(env, &op.rhs_expr);
        for side in [&lhs, &rhs] {
            if side.is_unresolved() {
                return unresolved_as(side.clone(), span);
            }
        }
        let text = self.ctx(env.file).snippet(span);
        let kind = match operator {
            BinaryOperator::Eq => EvKind::Bool(equal(&lhs, &rhs)),
            BinaryOperator::NotEq => EvKind::Bool(!equal(&lhs, &rhs)),
            BinaryOperator::And | BinaryOperator::Or => match (truth(&lhs), truth(&rhs)) {
                (Some(a), Some(b)) => EvKind::Bool(if operator == BinaryOperator::And {
                    a && b
                } else {
                    a || b
                }),
                _ => return Ev::error(format!("`{text}` needs bool operands"), span),
            },
            _ => {
                let (Some(a), Some(b)) = (number(&lhs), number(&rhs)) else {
                    return Ev::error(format!("`{text}` needs number operands"), span);
                };
                match operator {
                    BinaryOperator::Less => EvKind::Bool(a < b),
                    BinaryOperator::LessEq => EvKind::Bool(a <= b),
                    BinaryOperator::Greater => EvKind::Bool(a > b),
                    BinaryOperator::GreaterEq => EvKind::Bool(a >= b),
                    BinaryOperator::Plus => EvKind::Number(format_number(a + b)),
                    BinaryOperator::Minus => EvKind::Number(format_number(a - b)),
                    BinaryOperator::Mul => EvKind::Number(format_number(a * b)),
                    BinaryOperator::Div | BinaryOperator::Mod if b == 0.0 => {
                        return Ev::error(format!("`{text}` divides by zero"), span);
                    }
                    BinaryOperator::Div => EvKind::Number(format_number(a / b)),
                    BinaryOperator::Mod => EvKind::Number(format_number(a % b)),
                    _ => return Ev::error(format!("`{text}` is not evaluated"), span),
                }
            }
        };
        Ev::new(kind, span)
    }

    fn eval_for(&self, env: &Env, for_expr: &hcl_edit::expr::ForExpr, span: Span) -> Ev {
        let collection = self.eval(env, &for_expr.intro.collection_expr);
        let items = match iterate(&collection) {
            Ok(items) => items,
            Err(unresolved) => return unresolved_as(unresolved, span),
        };
        if items.len() > self.budget.limits.max_collection {
            let what = format!("the `for` expression iterates over {} items", items.len());
            return Ev::unknown(self.budget.exceeded(Limit::Collection, span, &what), span);
        }
        let key_name = for_expr
            .intro
            .key_var
            .as_ref()
            .map(|k| k.as_str().to_owned());
        let value_name = for_expr.intro.value_var.as_str().to_owned();
        let mut list = Vec::new();
        let mut object: Vec<ObjectEntry> = Vec::new();
        let mut grouped: BTreeMap<String, (Span, Vec<Ev>)> = BTreeMap::new();
        for (key, value) in items {
            let mut inner = env.with(value_name.clone(), value);
            if let Some(key_name) = &key_name {
                inner = inner.with(key_name.clone(), key);
            }
            if let Some(cond) = &for_expr.cond {
                let keep = self.eval(&inner, &cond.expr);
                match truth(&keep) {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return unresolved_as(keep, span),
                }
            }
            let value_ev = self.eval(&inner, &for_expr.value_expr);
            match &for_expr.key_expr {
                None => list.push(value_ev),
                Some(key_expr) => {
                    let key_ev = self.eval(&inner, key_expr);
                    let Some(key_text) = scalar_text(&key_ev) else {
                        return unresolved_as(key_ev, span);
                    };
                    if for_expr.grouping {
                        grouped
                            .entry(key_text)
                            .or_insert_with(|| (value_ev.span, Vec::new()))
                            .1
                            .push(value_ev);
                    } else if object.iter().any(|e| e.key == key_text) {
                        return Ev::error(
                            format!(
                                "the `for` expression produces the key `{key_text}` twice; add `...` to group"
                            ),
                            span,
                        );
                    } else {
                        object.push(ObjectEntry {
                            key: key_text,
                            span: value_ev.span,
                            value: value_ev,
                        });
                    }
                }
            }
        }
        if for_expr.key_expr.is_none() {
            return Ev::new(EvKind::List(list), span);
        }
        if for_expr.grouping {
            object = grouped
                .into_iter()
                .map(|(key, (entry_span, values))| ObjectEntry {
                    key,
                    span: entry_span,
                    value: Ev::new(EvKind::List(values), entry_span),
                })
                .collect();
        }
        Ev::new(EvKind::Object(object), span)
    }

    fn eval_call(&self, env: &Env, call: &hcl_edit::expr::FuncCall, span: Span) -> Ev {
        let name = call.name.name.as_str();
        if !call.name.namespace.is_empty() {
            let namespace: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
            if namespace != ["core"] {
                return Ev::unknown(
                    format!(
                        "`{}::{name}(...)` is a provider-defined function, which vnetlint does not evaluate",
                        namespace.join("::")
                    ),
                    span,
                );
            }
        }
        let function = funcs::lookup(name);
        let context = funcs::Call {
            name,
            span,
            budget: &self.budget,
        };
        if let Some(funcs::Body::Lazy(body)) = function {
            return body(
                &context,
                &mut call.args.iter().map(|arg| self.eval(env, arg)),
            );
        }
        let mut args: Vec<Ev> = call.args.iter().map(|arg| self.eval(env, arg)).collect();
        if call.args.expand_final()
            && let Some(last) = args.pop()
        {
            match last.kind {
                EvKind::List(items) => args.extend(items),
                _ => return unresolved_as(last, span),
            }
        }
        funcs::call(&context, function, &args)
    }

    fn eval_traversal(
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
            EvKind::Ref(unknown) => {
                // `azurerm_x.y.id.something` stays symbolic.
                Ev::new(EvKind::Ref(unknown), span)
            }
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
            EvKind::Ref(unknown) => Ev::new(EvKind::Ref(unknown), span),
            EvKind::Unknown(_) | EvKind::Error(_) => Ev { span, ..value },
            _ => Ev::error("only lists and maps can be indexed", span),
        }
    }

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

    /// `module.NAME`: one module instance, a list (count) or a map (`for_each`) of them.
    fn module_call(&self, inst: usize, call: &str, span: Span) -> Ev {
        match &*self.call_instances(inst, call, span) {
            CallInsts::Single(child) => Ev::new(EvKind::Module(*child), span),
            CallInsts::Many(children) => {
                let is_count = children.iter().all(|(k, _)| matches!(k, InstKey::Int(_)));
                instances_value(
                    children
                        .iter()
                        .map(|(key, child)| (key, Ev::new(EvKind::Module(*child), span))),
                    is_count && !children.is_empty(),
                    span,
                )
            }
            CallInsts::Unknown(unknown) => Ev::new(EvKind::Unknown(unknown.clone()), span),
        }
    }

    /// The instances of a module call, created on first use.
    pub(crate) fn call_instances(&self, inst: usize, call: &str, span: Span) -> Rc<CallInsts> {
        let info = self.inst(inst);
        let label = format!("{}module.{call}", info.prefix);
        self.guarded(
            MemoKey::Calls(inst, call.to_owned()),
            label.clone(),
            span,
            &self.call_insts,
            || Rc::new(self.make_call_instances(inst, call, &info, span)),
            |reason| Rc::new(CallInsts::Unknown(Unknown::new(reason))),
        )
    }

    fn make_call_instances(&self, inst: usize, call: &str, info: &Inst, span: Span) -> CallInsts {
        let def = &self.defs[info.def];
        let Some(decl) = def.calls.get(call) else {
            return CallInsts::Unknown(Unknown::new(format!(
                "module `{call}` is not declared in this module"
            )));
        };
        let child_def = match &decl.target {
            CallTarget::Local(child) => *child,
            CallTarget::Unresolved(reason) => {
                return CallInsts::Unknown(Unknown::new(reason.clone()));
            }
        };
        // A module that calls itself, directly or through others, would expand forever.
        let mut chain = vec![info.def];
        let mut up = info.parent.as_ref().map(|(p, _, _)| *p);
        while let Some(p) = up {
            let parent = self.inst(p);
            chain.push(parent.def);
            up = parent.parent.as_ref().map(|(pp, _, _)| *pp);
        }
        if chain.contains(&child_def) || info.depth >= 16 {
            // The directory is not named: it is an absolute path, and outputs hold none.
            let path = format!(
                "module `{}{call}` calls a module directory that is already being expanded above it",
                info.prefix
            );
            let decl_span = self.ctx(decl.file).span(decl.block.span.clone());
            self.report_module_recursion(&path, decl_span);
            return CallInsts::Unknown(Unknown::new(path));
        }
        let env = Env::new(inst, decl.file);
        let expansion = self.expand(
            &env,
            decl.block.body,
            &format!("{}module.{call}", info.prefix),
        );
        let make = |key: Option<&InstKey>, bindings: Vec<(String, Ev)>| {
            let prefix = format!(
                "{}module.{call}{}.",
                info.prefix,
                key.map(InstKey::suffix).unwrap_or_default()
            );
            let mut insts = self.insts.borrow_mut();
            insts.push(Inst {
                def: child_def,
                prefix,
                parent: Some((inst, call.to_owned(), bindings)),
                depth: info.depth + 1,
            });
            insts.len() - 1
        };
        let _ = span;
        match expansion {
            Expansion::Single => CallInsts::Single(make(None, Vec::new())),
            Expansion::Instances(items) => CallInsts::Many(
                items
                    .into_iter()
                    .map(|(key, binding)| {
                        let child = make(Some(&key), vec![binding]);
                        (key, child)
                    })
                    .collect(),
            ),
            Expansion::Unknown(unknown, name) => {
                let value = Ev::new(EvKind::Unknown(unknown), placeholder_span());
                let child = make(Some(&InstKey::Star), vec![(name.to_owned(), value)]);
                CallInsts::Many(vec![(InstKey::Star, child)])
            }
        }
    }

    fn report_module_recursion(&self, path: &str, span: Span) {
        self.report_unresolvable(
            std::iter::once(path.to_owned()).collect(),
            format!(
                "the module calls itself: {path}; Terraform rejects the recursion, and the call's outputs are unresolved; remove the recursive call"
            ),
            Label::new(span, "this call recurses"),
        );
    }

    /// Evaluates `count` / `for_each` of a block.
    pub(crate) fn expand(&self, env: &Env, body: BodyRef<'a>, what: &str) -> Expansion {
        if let Some(expr) = body.attr("count") {
            let value = self.eval(env, expr);
            return match number(&value) {
                #[allow(clippy::cast_precision_loss)]
                Some(n)
                    if n >= 0.0
                        && n.fract() == 0.0
                        && n > self.budget.limits.max_instances as f64 =>
                {
                    let what = format!("the `count` of `{what}` is {n}");
                    Expansion::Unknown(
                        Unknown::new(self.budget.exceeded(Limit::Instances, value.span, &what)),
                        "count",
                    )
                }
                Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                    #[allow(clippy::cast_possible_truncation)]
                    let n = n as i64;
                    Expansion::Instances(
                        (0..n)
                            .map(|i| {
                                let index = Ev::new(EvKind::Number(i.to_string()), value.span);
                                let object = Ev::new(
                                    EvKind::Object(vec![ObjectEntry {
                                        key: "index".to_owned(),
                                        span: value.span,
                                        value: index,
                                    }]),
                                    value.span,
                                );
                                (InstKey::Int(i), ("count".to_owned(), object))
                            })
                            .collect(),
                    )
                }
                Some(_) => Expansion::Unknown(
                    Unknown::new(format!(
                        "the `count` of `{what}` is not a whole number vnetlint expands"
                    )),
                    "count",
                ),
                None => Expansion::Unknown(
                    Unknown::new(format!(
                        "the `count` of `{what}` is unresolved: {}",
                        unresolved_reason(&value)
                    )),
                    "count",
                ),
            };
        }
        if let Some(expr) = body.attr("for_each") {
            let value = self.eval(env, expr);
            let items = match &value.kind {
                EvKind::Object(entries) => {
                    let mut sorted: Vec<(String, Ev)> = entries
                        .iter()
                        .map(|e| (e.key.clone(), e.value.clone()))
                        .collect();
                    sorted.sort_by(|a, b| a.0.cmp(&b.0));
                    Some(sorted)
                }
                EvKind::List(items) => {
                    let mut keys: Vec<(String, Ev)> = Vec::new();
                    for item in items {
                        if let Some(text) = scalar_text(item) {
                            keys.push((text, item.clone()));
                        } else {
                            {
                                return Expansion::Unknown(
                                    Unknown::new(format!(
                                        "the `for_each` of `{what}` has an element that is not a known string: {}",
                                        unresolved_reason(item)
                                    )),
                                    "each",
                                );
                            }
                        }
                    }
                    keys.sort_by(|a, b| a.0.cmp(&b.0));
                    keys.dedup_by(|a, b| a.0 == b.0);
                    Some(keys)
                }
                EvKind::Null => Some(Vec::new()),
                _ => None,
            };
            let Some(items) = items else {
                return Expansion::Unknown(
                    Unknown::new(format!(
                        "the `for_each` of `{what}` is unresolved: {}",
                        unresolved_reason(&value)
                    )),
                    "each",
                );
            };
            if items.len() > self.budget.limits.max_instances {
                let what = format!("the `for_each` of `{what}` has {} elements", items.len());
                return Expansion::Unknown(
                    Unknown::new(self.budget.exceeded(Limit::Instances, value.span, &what)),
                    "each",
                );
            }
            return Expansion::Instances(
                items
                    .into_iter()
                    .map(|(key, item)| {
                        let object = Ev::new(
                            EvKind::Object(vec![
                                ObjectEntry {
                                    key: "key".to_owned(),
                                    span: value.span,
                                    value: Ev::str(key.clone(), item.span),
                                },
                                ObjectEntry {
                                    key: "value".to_owned(),
                                    span: item.span,
                                    value: item,
                                },
                            ]),
                            value.span,
                        );
                        (InstKey::Str(key), ("each".to_owned(), object))
                    })
                    .collect(),
            );
        }
        Expansion::Single
    }

    /// The instances of a resource (memoized).
    pub(crate) fn resource_expansion(&self, inst: usize, res: usize, span: Span) -> Rc<Expansion> {
        let decl = &self.def_of(inst).resources[res];
        let prefix = self.inst(inst).prefix;
        let what = format!("{prefix}{}", decl.key);
        self.guarded(
            MemoKey::Expand(inst, res),
            format!("{what} (count/for_each)"),
            span,
            &self.expansions,
            || Rc::new(self.expand(&Env::new(inst, decl.file), decl.block.body, &what)),
            |reason| Rc::new(Expansion::Unknown(Unknown::new(reason), "each")),
        )
    }

    /// `TYPE.NAME`: one resource instance, a list (count) or a map (`for_each`) of them.
    fn resource_value(&self, inst: usize, res: usize, span: Span) -> Ev {
        let expansion = self.resource_expansion(inst, res, span);
        let make =
            |key: Option<InstKey>| Ev::new(EvKind::Resource(ResInst { inst, res, key }), span);
        match &*expansion {
            Expansion::Single => make(None),
            Expansion::Instances(items) => {
                let is_count = matches!(items.first(), Some((InstKey::Int(_), _)));
                instances_value(
                    items.iter().map(|(key, _)| (key, make(Some(key.clone())))),
                    is_count || items.is_empty(),
                    span,
                )
            }
            Expansion::Unknown(..) => make(Some(InstKey::Star)),
        }
    }

    /// The bindings of one resource instance (`count.index`, `each.key`...).
    pub(crate) fn instance_bindings(&self, ri: &ResInst) -> Vec<(String, Ev)> {
        let Some(key) = &ri.key else {
            return Vec::new();
        };
        let expansion = self.resource_expansion(ri.inst, ri.res, placeholder_span());
        expansion
            .instances()
            .into_iter()
            .find(|(k, _)| k.as_ref() == Some(key))
            .map(|(_, b)| b)
            .unwrap_or_default()
    }

    /// `TYPE.NAME[key].attr`: the written value, or a symbolic reference for what Azure computes.
    fn resource_attr(&self, ri: &ResInst, attribute: &str, span: Span) -> Ev {
        let decl = &self.def_of(ri.inst).resources[ri.res];
        let address = self.address(ri);
        let reference = Reference {
            address: address.clone(),
            attribute: attribute.to_owned(),
        };
        let expr = decl
            .block
            .body
            .attr(attribute)
            .filter(|_| !META_ARGUMENTS.contains(&attribute));
        let Some(expr) = expr else {
            let reason = if COMPUTED_ATTRIBUTES.contains(&attribute) {
                format!("`{address}.{attribute}` is computed by Azure at deployment")
            } else {
                format!(
                    "`{address}.{attribute}` is not set in the configuration and is only known at deployment"
                )
            };
            return Ev::new(EvKind::Ref(Unknown::reference(reference, reason)), span);
        };
        let mut value = self.named_value(
            MemoKey::Attr(ri.clone(), attribute.to_owned()),
            format!("{address}.{attribute}"),
            span,
            || {
                let env = Env::new(ri.inst, decl.file).with_all(self.instance_bindings(ri));
                self.eval(&env, expr)
            },
        );
        if !value.is_unresolved() {
            value.via = Some(reference);
        }
        value
    }

    /// The templates's value: a string, or a `Template` with deployment-time parts.
    fn eval_template(&self, env: &Env, template: &HclTemplate, span: Span) -> Ev {
        // A template made of one interpolation returns that value unchanged in Terraform
        // (`"${azurerm_subnet.a.id}"` is the id, not a string built from it).
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(interpolation)] = elements.as_slice() {
            return self.eval(env, &interpolation.expr).seen_from(span);
        }
        let mut builder = TemplateBuilder::default();
        if let Err(error) = self.render(env, template, &mut builder, 0) {
            return error;
        }
        builder.finish(span)
    }

    /// Appends a template's elements to `out`; an `Err` is an evaluation error of the whole.
    fn render(
        &self,
        env: &Env,
        template: &HclTemplate,
        out: &mut TemplateBuilder,
        depth: usize,
    ) -> Result<(), Ev> {
        if depth > 32 {
            return Err(Ev::unknown(
                "the template nests directives too deeply",
                placeholder_span(),
            ));
        }
        for element in template {
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
                                self.render(env, &if_directive.if_expr.template, out, depth + 1)?;
                            }
                            Some(false) => {
                                if let Some(else_expr) = &if_directive.else_expr {
                                    out.strip_next = else_expr.strip.strip_end();
                                    self.render(env, &else_expr.template, out, depth + 1)?;
                                }
                            }
                            None => {
                                out.parts.push(TemplatePart::Unknown(format!(
                                    "the `%{{if}}` condition is unresolved: {}",
                                    unresolved_reason(&condition)
                                )));
                            }
                        }
                        if if_directive.endif_expr.strip.strip_start() {
                            out.strip_end();
                        }
                        out.strip_next = if_directive.endif_expr.strip.strip_end();
                    }
                    Directive::For(for_directive) => {
                        let for_expr = &for_directive.for_expr;
                        if for_expr.strip.strip_start() {
                            out.strip_end();
                        }
                        let collection = self.eval(env, &for_expr.collection_expr);
                        match iterate(&collection) {
                            Ok(items) if items.len() > self.budget.limits.max_collection => {
                                let what = format!(
                                    "the `%{{for}}` directive iterates over {} items",
                                    items.len()
                                );
                                let span = collection.span;
                                let reason = self.budget.exceeded(Limit::Collection, span, &what);
                                out.parts.push(TemplatePart::Unknown(reason));
                            }
                            Ok(items) => {
                                for (key, value) in items {
                                    let mut inner =
                                        env.with(for_expr.value_var.as_str().to_owned(), value);
                                    if let Some(key_var) = &for_expr.key_var {
                                        inner = inner.with(key_var.as_str().to_owned(), key);
                                    }
                                    out.strip_next = for_expr.strip.strip_end();
                                    self.render(&inner, &for_expr.template, out, depth + 1)?;
                                    if for_directive.endfor_expr.strip.strip_start() {
                                        out.strip_end();
                                    }
                                }
                            }
                            Err(unresolved) => out.parts.push(TemplatePart::Unknown(format!(
                                "the `%{{for}}` collection is unresolved: {}",
                                unresolved_reason(&unresolved)
                            ))),
                        }
                        out.strip_next = for_directive.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }
}

/// The instances of a resource or module call as an expression sees them: a list when `count`
/// made them, a map by instance key when `for_each` did.
fn instances_value<'k>(
    instances: impl Iterator<Item = (&'k InstKey, Ev)>,
    as_list: bool,
    span: Span,
) -> Ev {
    let kind = if as_list {
        EvKind::List(instances.map(|(_, value)| value).collect())
    } else {
        EvKind::Object(
            instances
                .map(|(key, value)| ObjectEntry {
                    key: match key {
                        InstKey::Str(s) => s.clone(),
                        other => other.suffix(),
                    },
                    span,
                    value,
                })
                .collect(),
        )
    };
    Ev::new(kind, span)
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
