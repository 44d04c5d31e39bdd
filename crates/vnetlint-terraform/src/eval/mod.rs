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
//!
//! This module holds the evaluator's state and expressions (operators, conditionals, `for`,
//! function calls); `traversal` resolves references, `named` variables, locals and outputs,
//! `instances` what `count` and `for_each` expand, and `template` string templates.

mod instances;
mod named;
mod template;
mod traversal;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::rc::Rc;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, UnaryOperator};
use vnetlint_diagnostics::{Budget, Finding, Label, Level, Limit, Limits, Reached};
use vnetlint_ir::{FileId, Span, TextRange, Unknown};

use crate::funcs;
use crate::syntax::BlockRef;
use crate::value::{
    Ev, EvKind, InstKey, ObjectEntry, ResInst, TemplateBuilder, equal, format_number, iterate,
    measure, number, placeholder_span, scalar_text, truth, unresolved_as, unresolved_reason,
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
    /// How many instances like this one the configuration has: the product of the instance
    /// counts of the module calls above it (1 for the root), so that a `count` in a module
    /// called ten thousand times is bounded by what all of them together make.
    pub(crate) multiplicity: u64,
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
    time: "the evaluation of the module is still running at this expression",
};

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
                multiplicity: 1,
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
        self.eval_held(env, expr).0
    }

    /// Evaluates an expression and says how many bytes its value was charged against
    /// `max_eval_bytes`. A value only held for a moment (a function's argument, a `for`
    /// collection) gives them back with [`Self::release`] once it is dropped.
    pub(crate) fn eval_held(&self, env: &Env, expr: &Expression) -> (Ev, u64) {
        let span = self.ctx(env.file).span(expr.span());
        let evaluate = || self.eval_inner(env, expr, span);
        let (value, bytes) = self.budget.evaluate(span, REACHED, evaluate, measure);
        (
            value.unwrap_or_else(|reason| Ev::unknown(reason, span)),
            bytes,
        )
    }

    /// Gives back the bytes of held values that were dropped.
    pub(crate) fn release(&self, bytes: u64) {
        self.budget.release(bytes);
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
        let (collection, held) = self.eval_held(env, &for_expr.intro.collection_expr);
        let value = self.eval_for_over(env, for_expr, collection, span);
        self.release(held);
        value
    }

    /// A `for` expression over its evaluated collection.
    fn eval_for_over(
        &self,
        env: &Env,
        for_expr: &hcl_edit::expr::ForExpr,
        collection: Ev,
        span: Span,
    ) -> Ev {
        let items = match iterate(&collection) {
            Ok(items) => items,
            Err(unresolved) => return unresolved_as(unresolved, span),
        };
        drop(collection);
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
        // The keys produced so far: a duplicate is found without comparing every pair.
        let mut keys: BTreeSet<String> = BTreeSet::new();
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
                    } else if !keys.insert(key_text.clone()) {
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
        // The arguments are held while the function runs, then dropped: their bytes count
        // against `max_eval_bytes` until the function returns (so ten thousand copies of a long
        // string cannot be passed at once), and the result counts from then on.
        let mut held = 0;
        let mut evaluate_held = |arg: &Expression| {
            let (value, bytes) = self.eval_held(env, arg);
            held += bytes;
            value
        };
        let result = if let Some(funcs::Body::Lazy(body)) = function {
            body(&context, &mut call.args.iter().map(&mut evaluate_held))
        } else {
            let mut args: Vec<Ev> = call.args.iter().map(&mut evaluate_held).collect();
            match spread_final(&mut args, call.args.expand_final(), span) {
                Ok(()) => funcs::call(&context, function, &args),
                Err(unresolved) => unresolved,
            }
        };
        self.release(held);
        result
    }
}

/// `f(a, list...)`: the elements of the final argument become arguments; an `Err` is the
/// unresolved value of the call when the final argument is not a list.
fn spread_final(args: &mut Vec<Ev>, expand: bool, span: Span) -> Result<(), Ev> {
    if expand && let Some(last) = args.pop() {
        match last.kind {
            EvKind::List(items) => args.extend(items),
            _ => return Err(unresolved_as(last, span)),
        }
    }
    Ok(())
}
