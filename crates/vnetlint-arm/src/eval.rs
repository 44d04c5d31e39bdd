//! Evaluation of ARM template expressions and JSON values in one template's scope: parameters
//! (with parameter-file values and defaults), variables (lazily, with variable `copy`), user
//! functions, copy indexes, lambdas, and the built-in functions.
//!
//! What only deployment knows stays symbolic: `reference()` and `list*()` become
//! `Kind::Runtime` naming the resource and the attribute, and strings built from them become
//! templates. `resourceGroup()`, `subscription()` and `deployment()` return placeholder ids that
//! are the same everywhere in a run, so that resource ids built with them still match. A function
//! vnetlint does not evaluate yields `Kind::Unknown` with a reason, never a guess.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::rc::Rc;

use vnetlint_diagnostics::{Finding, Limit, Limits};
use vnetlint_ir::{Origin, Reference, Span, TemplatePart};

use crate::expr::{Expr, StringForm, classify};
use crate::json::{Json, JsonKind};
use crate::value::{Kind, Lambda, Value, arm_equals, from_parts};

/// The subscription every placeholder id uses.
pub(crate) const SUBSCRIPTION_ID: &str = "00000000-0000-0000-0000-000000000000";
/// The resource group every placeholder id uses.
pub(crate) const RESOURCE_GROUP: &str = "resource-group";
/// Resource copy counts above this are refused (ARM's own limit is 800).
const MAX_COPIES: i64 = 800;

/// The resource limits of one template's evaluation, shared by every scope of it (nested
/// deployments included), and the VNL004 findings of the limits it hit. Evaluation depth,
/// steps, string length, collection sizes and copy counts are bounded, so that no template
/// (a `concat` doubling a string sixty times, variables nested thousands deep) can hang the
/// run, exhaust its memory or overflow its stack.
pub(crate) struct Budget {
    pub(crate) limits: Limits,
    steps: Cell<u64>,
    depth: Cell<usize>,
    /// Each limit is reported once per template, where it is first hit.
    reported: RefCell<BTreeSet<Limit>>,
    pub(crate) findings: RefCell<Vec<Finding>>,
}

impl Budget {
    pub(crate) fn new(limits: Limits) -> Rc<Self> {
        Rc::new(Self {
            limits,
            steps: Cell::new(0),
            depth: Cell::new(0),
            reported: RefCell::new(BTreeSet::new()),
            findings: RefCell::new(Vec::new()),
        })
    }

    /// Records that `limit` was hit at `span`; returns the reason of the unknown value that
    /// takes the place of what is not evaluated.
    pub(crate) fn exceeded(&self, limit: Limit, span: Span, what: &str) -> String {
        if self.reported.borrow_mut().insert(limit) {
            self.findings.borrow_mut().push(self.limits.finding(
                limit,
                span,
                what,
                "the value is not evaluated past the limit, and what depends on it is unresolved",
            ));
        }
        format!("{what}, above the `{}` limit", limit.key())
    }
}

/// The size of a string with deployment-time parts: its text plus the reasons of its unknown
/// parts, which double too when a string is built from two copies of an unknown one.
fn template_len(parts: &[TemplatePart]) -> usize {
    parts
        .iter()
        .map(|part| match part {
            TemplatePart::Literal(text) | TemplatePart::Unknown(text) => text.len(),
            TemplatePart::Reference(_) => 1,
        })
        .sum()
}

/// A template parameter with its resolved value.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// The value from the parameter file or the default (span at its definition), or unknown.
    pub(crate) value: Value,
    /// `securestring` or `secureObject`: its value is never read into the IR or a message.
    pub(crate) secret: bool,
}

/// Names visible to expressions of one template.
pub(crate) struct Scope<'a> {
    /// Parameters by lowercase name.
    pub(crate) params: BTreeMap<String, (String, Param)>,
    /// The template's `variables` object.
    pub(crate) variables: Option<&'a Json>,
    /// User functions by lowercase `namespace.name`.
    pub(crate) functions: BTreeMap<String, &'a Json>,
    /// languageVersion 2.0 symbolic resource names (lowercase) and the addresses they stand for.
    pub(crate) symbols: BTreeMap<String, String>,
    /// The deployment name `deployment().name` returns.
    pub(crate) deployment_name: String,
    var_cache: RefCell<BTreeMap<String, Value>>,
    var_busy: RefCell<BTreeSet<String>>,
    pub(crate) budget: Rc<Budget>,
}

/// What varies inside one scope: loop indexes, lambda variables, user function arguments.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locals {
    /// Named copy loops, innermost last, by lowercase name.
    pub(crate) copies: Vec<(String, Value)>,
    /// The index of the resource copy loop that `copyIndex()` without a name refers to.
    pub(crate) resource_index: Option<Value>,
    lambdas: Vec<(String, Value)>,
    /// Inside a user function, `parameters()` reads these and nothing else.
    function_args: Option<Rc<Vec<(String, Value)>>>,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(
        params: BTreeMap<String, (String, Param)>,
        variables: Option<&'a Json>,
        functions: BTreeMap<String, &'a Json>,
    ) -> Self {
        Self {
            params,
            variables,
            functions,
            symbols: BTreeMap::new(),
            deployment_name: "deployment".to_owned(),
            var_cache: RefCell::new(BTreeMap::new()),
            var_busy: RefCell::new(BTreeSet::new()),
            budget: Budget::new(Limits::default()),
        }
    }

    /// The scope sharing `budget` (the limits and steps of the whole template).
    #[must_use]
    pub(crate) fn with_budget(mut self, budget: &Rc<Budget>) -> Self {
        self.budget = Rc::clone(budget);
        self
    }

    /// Evaluates a JSON value: every string that is an expression is evaluated, and property
    /// `copy` arrays inside objects are expanded.
    pub(crate) fn eval_json(&self, json: &Json, locals: &Locals) -> Value {
        match &json.kind {
            JsonKind::Null => Value::new(Kind::Null, json.span),
            JsonKind::Bool(b) => Value::new(Kind::Bool(*b), json.span),
            JsonKind::Number(n) => Value::new(number(n), json.span),
            JsonKind::String(s) => self.eval_string(s, json.span, locals),
            JsonKind::Array(items) => Value::new(
                Kind::Array(items.iter().map(|i| self.eval_json(i, locals)).collect()),
                json.span,
            ),
            JsonKind::Object(members) => {
                let mut out = Vec::new();
                for member in members {
                    if member.key.eq_ignore_ascii_case("copy")
                        && let JsonKind::Array(loops) = &member.value.kind
                    {
                        for copy in loops {
                            if let Some((name, value)) = self.property_copy(copy, locals) {
                                out.push((name, value));
                            }
                        }
                        continue;
                    }
                    out.push((member.key.clone(), self.eval_json(&member.value, locals)));
                }
                Value::new(Kind::Object(out), json.span)
            }
        }
    }

    /// A literal JSON value without evaluating expressions (parameter values, `json()`).
    pub(crate) fn literal(json: &Json) -> Value {
        let kind = match &json.kind {
            JsonKind::Null => Kind::Null,
            JsonKind::Bool(b) => Kind::Bool(*b),
            JsonKind::Number(n) => number(n),
            JsonKind::String(s) => Kind::Str(s.clone()),
            JsonKind::Array(items) => Kind::Array(items.iter().map(Self::literal).collect()),
            JsonKind::Object(members) => Kind::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), Self::literal(&m.value)))
                    .collect(),
            ),
        };
        Value::new(kind, json.span)
    }

    /// `{ "name": ..., "count": ..., "input": ... }`: the array property `name`.
    fn property_copy(&self, copy: &Json, locals: &Locals) -> Option<(String, Value)> {
        let name = copy.get("name")?.as_str()?.to_owned();
        let input = copy.get("input")?;
        let count = copy.get("count").map_or_else(
            || Value::unknown("the copy has no `count`", copy.span),
            |c| self.eval_json(c, locals),
        );
        let value = match Self::copy_count(&count) {
            Ok(n) => {
                let items = (0..n)
                    .map(|i| {
                        let mut inner = locals.clone();
                        inner.copies.push((
                            name.to_ascii_lowercase(),
                            Value::new(Kind::Int(i), count.span),
                        ));
                        self.eval_json(input, &inner)
                    })
                    .collect();
                Value::new(Kind::Array(items), copy.span)
            }
            Err(reason) => Value::unknown(
                format!("the copy loop `{name}` has no known count: {reason}"),
                count.span,
            ),
        };
        Some((name, value))
    }

    /// A copy count as a number of iterations.
    pub(crate) fn copy_count(count: &Value) -> Result<i64, String> {
        let n = match &count.kind {
            Kind::Int(n) => *n,
            Kind::Str(s) => s
                .trim()
                .parse()
                .map_err(|_| format!("`{s}` is not a number"))?,
            Kind::Unknown(reason) => return Err(reason.clone()),
            Kind::Runtime(r) => return Err(format!("`{r}` is only known at deployment")),
            _ => return Err("the count is not a number".to_owned()),
        };
        if !(0..=MAX_COPIES).contains(&n) {
            return Err(format!(
                "{n} is outside the 0 to {MAX_COPIES} copies ARM allows"
            ));
        }
        Ok(n)
    }

    fn eval_string(&self, text: &str, span: Span, locals: &Locals) -> Value {
        match classify(text) {
            StringForm::Literal(s) => Value::new(Kind::Str(s), span),
            StringForm::Expression(expr) => self.eval_expr(&expr, span, locals),
            StringForm::Invalid(message) => {
                Value::unknown(format!("the expression does not parse ({message})"), span)
            }
        }
    }

    /// Evaluates a parsed expression written in the JSON string at `span`.
    pub(crate) fn eval_expr(&self, expr: &Expr, span: Span, locals: &Locals) -> Value {
        let budget = &self.budget;
        let depth = budget.depth.get();
        if depth >= budget.limits.max_depth {
            let what = "the expression nests variables and calls too deeply to evaluate";
            return Value::unknown(budget.exceeded(Limit::Depth, span, what), span);
        }
        let steps = budget.steps.get() + 1;
        budget.steps.set(steps);
        if steps > budget.limits.max_eval_steps {
            let what = "the template needs too many evaluation steps";
            return Value::unknown(budget.exceeded(Limit::EvalSteps, span, what), span);
        }
        budget.depth.set(depth + 1);
        let value = self.eval_expr_inner(expr, span, locals);
        budget.depth.set(depth);
        // Checked on every result, so a string doubles at most once past the limit.
        let len = match &value.kind {
            Kind::Str(text) => text.len(),
            Kind::Template(template) => template_len(&template.parts),
            _ => 0,
        };
        if len > budget.limits.max_string_len {
            let what = format!("a string of {len} bytes is built here");
            return Value::unknown(budget.exceeded(Limit::StringLen, span, &what), span);
        }
        value
    }

    fn eval_expr_inner(&self, expr: &Expr, span: Span, locals: &Locals) -> Value {
        match expr {
            Expr::Str(s) => Value::new(Kind::Str(s.clone()), span),
            Expr::Int(i) => Value::new(Kind::Int(*i), span),
            Expr::Property(inner, name) => {
                let base = self.eval_expr(inner, span, locals);
                property(base, name, span)
            }
            Expr::Index(inner, index) => {
                let base = self.eval_expr(inner, span, locals);
                let index = self.eval_expr(index, span, locals);
                index_value(base, &index, span)
            }
            Expr::Call { name, args } => self.call(name, args, span, locals),
        }
    }

    fn call(&self, name: &str, args: &[Expr], span: Span, locals: &Locals) -> Value {
        let lower = name.to_ascii_lowercase();
        // Functions whose arguments are not all evaluated up front.
        match lower.as_str() {
            "if" => return self.call_if(args, span, locals),
            "lambda" => {
                let Some((body, params)) = args.split_last() else {
                    return Value::unknown("`lambda` needs a body", span);
                };
                let mut names = Vec::new();
                for param in params {
                    match param {
                        Expr::Str(s) => names.push(s.clone()),
                        _ => {
                            return Value::unknown(
                                "the parameters of `lambda` must be string literals",
                                span,
                            );
                        }
                    }
                }
                return Value::new(
                    Kind::Lambda(Rc::new(Lambda {
                        params: names,
                        body: body.clone(),
                    })),
                    span,
                );
            }
            _ => {}
        }
        let values: Vec<Value> = args
            .iter()
            .map(|a| self.eval_expr(a, span, locals))
            .collect();
        let mut result = match self.builtin(&lower, name, &values, span, locals) {
            Ok(value) => value,
            Err(reason) => Value::unknown(reason, span),
        };
        // A result computed from values defined elsewhere points back at them.
        if matches!(result.origin, Origin::Literal) {
            let mut chain = vec![span];
            for value in &values {
                chain.extend_from_slice(value.derived_tail());
            }
            // Every span once, first occurrence kept: a chain built from two copies of one
            // value (`concat(variables('v'), variables('v'))`, nested sixty times) would
            // otherwise double at each level.
            let mut seen = BTreeSet::new();
            chain.retain(|s| seen.insert(*s));
            if chain.len() > 1 {
                result.origin = Origin::Derived(chain);
            }
        }
        result.span = span;
        result
    }

    fn call_if(&self, args: &[Expr], span: Span, locals: &Locals) -> Value {
        let [cond, yes, no] = args else {
            return Value::unknown("`if` takes three arguments", span);
        };
        let cond = self.eval_expr(cond, span, locals);
        match truthy(&cond) {
            Ok(true) => self.eval_expr(yes, span, locals),
            Ok(false) => self.eval_expr(no, span, locals),
            Err(reason) => {
                let yes = self.eval_expr(yes, span, locals);
                let no = self.eval_expr(no, span, locals);
                if arm_equals(&yes, &no) {
                    yes
                } else {
                    Value::unknown(
                        format!("the condition of `if` is not known: {reason}"),
                        span,
                    )
                }
            }
        }
    }

    fn parameter(&self, name: &str, span: Span, locals: &Locals) -> Result<Value, String> {
        if let Some(args) = &locals.function_args {
            return args
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("the user function has no parameter `{name}`"));
        }
        let Some((declared, param)) = self.params.get(&name.to_ascii_lowercase()) else {
            return Err(format!(
                "parameter `{name}` is not declared in the template"
            ));
        };
        if param.secret {
            return Ok(Value::unknown(
                format!("parameter `{declared}` is a secure value, which vnetlint does not read"),
                span,
            ));
        }
        Ok(param.value.clone().used_at(span))
    }

    fn variable(&self, name: &str, span: Span, locals: &Locals) -> Result<Value, String> {
        if locals.function_args.is_some() {
            return Err("user functions cannot read variables".to_owned());
        }
        let key = name.to_ascii_lowercase();
        if let Some(value) = self.var_cache.borrow().get(&key) {
            return Ok(value.clone().used_at(span));
        }
        let Some(variables) = self.variables else {
            return Err(format!("variable `{name}` is not declared in the template"));
        };
        if !self.var_busy.borrow_mut().insert(key.clone()) {
            return Err(format!("variable `{name}` refers to itself"));
        }
        // `copy` at the top of `variables` declares array variables.
        let copied = variables.get("copy").and_then(|copies| {
            copies.elements().iter().find(|c| {
                c.get("name")
                    .and_then(Json::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
        });
        let value = if let Some(copy) = copied {
            self.property_copy(copy, &Locals::default())
                .map(|(_, v)| v)
                .ok_or_else(|| format!("the copy of variable `{name}` is incomplete"))
        } else {
            variables
                .members()
                .iter()
                .find(|m| m.key.eq_ignore_ascii_case(name) && !m.key.eq_ignore_ascii_case("copy"))
                .map(|m| self.eval_json(&m.value, &Locals::default()))
                .ok_or_else(|| format!("variable `{name}` is not declared in the template"))
        };
        self.var_busy.borrow_mut().remove(&key);
        let value = value?;
        self.var_cache.borrow_mut().insert(key, value.clone());
        Ok(value.used_at(span))
    }

    fn user_function(
        &self,
        name: &str,
        values: &[Value],
        span: Span,
        locals: &Locals,
    ) -> Result<Value, String> {
        let Some(function) = self.functions.get(&name.to_ascii_lowercase()) else {
            return Err(format!(
                "`{name}` is not a function vnetlint evaluates; the value is treated as unknown"
            ));
        };
        if locals.function_args.is_some() {
            // ARM forbids user functions calling user functions; refusing also bounds recursion.
            return Err("a user function cannot call another user function".to_owned());
        }
        let params = function.get("parameters").map_or(&[][..], Json::elements);
        let mut args = Vec::new();
        for (param, value) in params.iter().zip(values) {
            if let Some(pname) = param.get("name").and_then(Json::as_str) {
                args.push((pname.to_owned(), value.clone()));
            }
        }
        let output = function
            .path(&["output", "value"])
            .ok_or_else(|| format!("user function `{name}` has no output value"))?;
        let inner = Locals {
            function_args: Some(Rc::new(args)),
            ..Locals::default()
        };
        let mut value = self.eval_json(output, &inner);
        value.span = span;
        Ok(value)
    }

    fn apply(&self, lambda: &Value, args: Vec<Value>, locals: &Locals) -> Result<Value, String> {
        let Kind::Lambda(lambda_fn) = &lambda.kind else {
            return Err("a lambda is expected".to_owned());
        };
        let mut inner = locals.clone();
        for (name, value) in lambda_fn.params.iter().zip(args) {
            inner.lambdas.push((name.clone(), value));
        }
        Ok(self.eval_expr(&lambda_fn.body, lambda.span, &inner))
    }

    // One arm per function reads best as one match, whatever its length.
    #[allow(clippy::too_many_lines, clippy::single_match_else)]
    fn builtin(
        &self,
        lower: &str,
        name: &str,
        args: &[Value],
        span: Span,
        locals: &Locals,
    ) -> Result<Value, String> {
        let make = |kind| Ok(Value::new(kind, span));
        let arity = |min: usize, max: usize| -> Result<(), String> {
            if args.len() < min || args.len() > max {
                Err(format!(
                    "`{name}` takes {} arguments, not {}",
                    if min == max {
                        min.to_string()
                    } else {
                        format!("{min} to {max}")
                    },
                    args.len()
                ))
            } else {
                Ok(())
            }
        };
        // Functions that accept symbolic arguments come first; the rest need known values.
        match lower {
            "parameters" => {
                arity(1, 1)?;
                return self.parameter(&string(&args[0])?, span, locals);
            }
            "variables" => {
                arity(1, 1)?;
                return self.variable(&string(&args[0])?, span, locals);
            }
            "lambdavariables" => {
                arity(1, 1)?;
                let wanted = string(&args[0])?;
                return locals
                    .lambdas
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == wanted)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("no lambda variable `{wanted}` is in scope"));
            }
            "copyindex" => {
                arity(0, 2)?;
                let (loop_name, offset) = match args {
                    [] => (None, 0),
                    [one] => match &one.kind {
                        Kind::Int(i) => (None, *i),
                        _ => (Some(string(one)?), 0),
                    },
                    [n, o] => (Some(string(n)?), int(o)?),
                    _ => unreachable_arity(),
                };
                let index = match &loop_name {
                    Some(loop_name) => locals
                        .copies
                        .iter()
                        .rev()
                        .find(|(n, _)| n.eq_ignore_ascii_case(loop_name))
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| format!("`copyIndex('{loop_name}')` is used outside the copy loop `{loop_name}`"))?,
                    None => locals
                        .resource_index
                        .clone()
                        .ok_or_else(|| "`copyIndex()` is used outside a resource copy loop".to_owned())?,
                };
                return match index.kind {
                    Kind::Int(i) => make(Kind::Int(
                        i.checked_add(offset).ok_or("the copy index overflows")?,
                    )),
                    _ => Ok(index),
                };
            }
            "concat" => {
                if args.iter().any(|a| matches!(a.kind, Kind::Array(_))) {
                    let mut out = Vec::new();
                    for arg in args {
                        match &arg.kind {
                            Kind::Array(items) => out.extend(items.iter().cloned()),
                            Kind::Null => {}
                            Kind::Unknown(reason) => return Err(reason.clone()),
                            _ => return Err("`concat` mixes arrays and other values".to_owned()),
                        }
                    }
                    return make(Kind::Array(out));
                }
                let mut parts = Vec::new();
                for arg in args {
                    parts.extend(arg.string_parts()?);
                }
                return Ok(from_parts(parts, span));
            }
            "format" => {
                let Some((fmt, rest)) = args.split_first() else {
                    return Err("`format` needs a format string".to_owned());
                };
                return Ok(from_parts(format_parts(&string(fmt)?, rest)?, span));
            }
            "string" => {
                arity(1, 1)?;
                return match &args[0].kind {
                    Kind::Array(_) | Kind::Object(_) => make(Kind::Str(to_json(&args[0])?)),
                    Kind::Str(_) | Kind::Unknown(_) => Ok(args[0].clone()),
                    _ => Ok(from_parts(args[0].string_parts()?, span)),
                };
            }
            "coalesce" => {
                for arg in args {
                    match &arg.kind {
                        Kind::Null => {}
                        Kind::Unknown(reason) => {
                            return Err(format!("`coalesce` meets an unknown value: {reason}"));
                        }
                        _ => return Ok(arg.clone()),
                    }
                }
                return make(Kind::Null);
            }
            "reference" | "references" => {
                arity(1, 3)?;
                let target = string(&args[0])?;
                let address = self
                    .symbols
                    .get(&target.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or_else(|| address_of_id(&target));
                let full = args
                    .get(2)
                    .and_then(|a| a.as_str())
                    .is_some_and(|f| f.eq_ignore_ascii_case("full"));
                return make(Kind::Runtime(Reference {
                    address,
                    attribute: if full {
                        "full".to_owned()
                    } else {
                        String::new()
                    },
                }));
            }
            "true" => return make(Kind::Bool(true)),
            "false" => return make(Kind::Bool(false)),
            "null" => return make(Kind::Null),
            "utcnow" | "newguid" | "deployer" | "pickzones" | "providers" => {
                return Err(format!(
                    "`{name}()` is only known at deployment; the value is treated as unknown"
                ));
            }
            _ => {}
        }
        if lower.starts_with("list") {
            let target = args.first().map(string).transpose()?.unwrap_or_default();
            return make(Kind::Runtime(Reference {
                address: address_of_id(&target),
                attribute: format!("{name}()"),
            }));
        }
        // Every remaining function needs known arguments.
        if let Some(symbolic) = args.iter().find(|a| a.is_symbolic()) {
            return Err(match &symbolic.kind {
                Kind::Unknown(reason) => reason.clone(),
                Kind::Runtime(reference) => format!(
                    "`{name}` is applied to `{reference}`, which is only known at deployment"
                ),
                _ => format!("`{name}` is applied to a string only known at deployment"),
            });
        }
        match lower {
            "int" => {
                arity(1, 1)?;
                make(Kind::Int(int(&args[0])?))
            }
            "float" => {
                arity(1, 1)?;
                make(Kind::Number(string(&args[0])?))
            }
            "bool" => {
                arity(1, 1)?;
                match &args[0].kind {
                    Kind::Bool(b) => make(Kind::Bool(*b)),
                    Kind::Int(i) => make(Kind::Bool(*i != 0)),
                    Kind::Str(s) if s.eq_ignore_ascii_case("true") => make(Kind::Bool(true)),
                    Kind::Str(s) if s.eq_ignore_ascii_case("false") => make(Kind::Bool(false)),
                    _ => Err("`bool` needs true, false, a number or `'true'`/`'false'`".to_owned()),
                }
            }
            "json" => {
                arity(1, 1)?;
                let text = string(&args[0])?;
                match crate::json::parse(span.file, &text) {
                    Ok(Some(json)) => Ok(respan(Self::literal(&json), span)),
                    Ok(None) => make(Kind::Null),
                    Err(error) => Err(format!("`json` is given invalid JSON ({})", error.message)),
                }
            }
            "array" => {
                arity(1, 1)?;
                match &args[0].kind {
                    Kind::Array(_) => Ok(args[0].clone()),
                    _ => make(Kind::Array(vec![args[0].clone()])),
                }
            }
            "createarray" => make(Kind::Array(args.to_vec())),
            "createobject" => {
                if !args.len().is_multiple_of(2) {
                    return Err("`createObject` takes key and value pairs".to_owned());
                }
                let mut members = Vec::new();
                for pair in args.chunks(2) {
                    members.push((string(&pair[0])?, pair[1].clone()));
                }
                make(Kind::Object(members))
            }
            "union" | "shallowmerge" => {
                let items: Vec<Value> = if lower == "shallowmerge" {
                    arity(1, 1)?;
                    args[0].elements().to_vec()
                } else {
                    args.to_vec()
                };
                if items.iter().all(|a| matches!(a.kind, Kind::Object(_))) {
                    let mut members: Vec<(String, Value)> = Vec::new();
                    for item in &items {
                        for (k, v) in item.members() {
                            match members
                                .iter_mut()
                                .find(|(k2, _)| k2.eq_ignore_ascii_case(k))
                            {
                                Some(slot) => slot.1 = v.clone(),
                                None => members.push((k.clone(), v.clone())),
                            }
                        }
                    }
                    make(Kind::Object(members))
                } else if items.iter().all(|a| matches!(a.kind, Kind::Array(_))) {
                    let mut out: Vec<Value> = Vec::new();
                    for item in items.iter().flat_map(Value::elements) {
                        if !out.iter().any(|o| arm_equals(o, item)) {
                            out.push(item.clone());
                        }
                    }
                    make(Kind::Array(out))
                } else {
                    Err(format!("`{name}` needs all arrays or all objects"))
                }
            }
            "intersection" => {
                let Some((first, rest)) = args.split_first() else {
                    return Err("`intersection` needs arguments".to_owned());
                };
                match &first.kind {
                    Kind::Array(items) => make(Kind::Array(
                        items
                            .iter()
                            .filter(|i| {
                                rest.iter()
                                    .all(|r| r.elements().iter().any(|x| arm_equals(x, i)))
                            })
                            .cloned()
                            .collect(),
                    )),
                    Kind::Object(members) => make(Kind::Object(
                        members
                            .iter()
                            .filter(|(k, v)| {
                                rest.iter()
                                    .all(|r| r.get(k).is_some_and(|x| arm_equals(x, v)))
                            })
                            .cloned()
                            .collect(),
                    )),
                    _ => Err("`intersection` needs arrays or objects".to_owned()),
                }
            }
            "contains" => {
                arity(2, 2)?;
                let found = match &args[0].kind {
                    Kind::Str(s) => s.contains(&string(&args[1])?),
                    Kind::Array(items) => items.iter().any(|i| arm_equals(i, &args[1])),
                    Kind::Object(_) => args[0].get(&string(&args[1])?).is_some(),
                    _ => return Err("`contains` needs a string, array or object".to_owned()),
                };
                make(Kind::Bool(found))
            }
            "empty" => {
                arity(1, 1)?;
                make(Kind::Bool(match &args[0].kind {
                    Kind::Null => true,
                    Kind::Str(s) => s.is_empty(),
                    Kind::Array(a) => a.is_empty(),
                    Kind::Object(o) => o.is_empty(),
                    _ => false,
                }))
            }
            "first" | "last" => {
                arity(1, 1)?;
                match &args[0].kind {
                    Kind::Array(items) => Ok(if lower == "first" {
                        items.first()
                    } else {
                        items.last()
                    }
                    .cloned()
                    .unwrap_or_else(|| Value::new(Kind::Null, span))),
                    Kind::Str(s) => make(Kind::Str(
                        if lower == "first" {
                            s.chars().next()
                        } else {
                            s.chars().last()
                        }
                        .map(String::from)
                        .unwrap_or_default(),
                    )),
                    _ => Err(format!("`{name}` needs an array or string")),
                }
            }
            "length" => {
                arity(1, 1)?;
                let n = match &args[0].kind {
                    Kind::Array(a) => a.len(),
                    Kind::Object(o) => o.len(),
                    Kind::Str(s) => s.chars().count(),
                    _ => return Err("`length` needs an array, object or string".to_owned()),
                };
                make(Kind::Int(i64::try_from(n).unwrap_or(i64::MAX)))
            }
            "skip" | "take" => {
                arity(2, 2)?;
                let n = usize::try_from(int(&args[1])?.max(0)).unwrap_or(usize::MAX);
                match &args[0].kind {
                    Kind::Array(items) => make(Kind::Array(if lower == "skip" {
                        items.iter().skip(n).cloned().collect()
                    } else {
                        items.iter().take(n).cloned().collect()
                    })),
                    Kind::Str(s) => make(Kind::Str(if lower == "skip" {
                        s.chars().skip(n).collect()
                    } else {
                        s.chars().take(n).collect()
                    })),
                    _ => Err(format!("`{name}` needs an array or string")),
                }
            }
            "range" => {
                arity(2, 2)?;
                let start = int(&args[0])?;
                let count = int(&args[1])?;
                if count < 0 {
                    return Err(format!("`range` count {count} is negative"));
                }
                let limit = self.budget.limits.max_collection;
                if usize::try_from(count).map_or(true, |n| n > limit) {
                    let what = format!("`range` would produce {count} elements");
                    return Err(self.budget.exceeded(Limit::Collection, span, &what));
                }
                make(Kind::Array(
                    (0..count)
                        .map(|i| Value::new(Kind::Int(start.saturating_add(i)), span))
                        .collect(),
                ))
            }
            "split" => {
                arity(2, 2)?;
                let text = string(&args[0])?;
                let delimiters: Vec<String> = match &args[1].kind {
                    Kind::Array(items) => items.iter().map(string).collect::<Result<_, _>>()?,
                    _ => vec![string(&args[1])?],
                };
                let mut pieces = vec![text];
                for delimiter in delimiters.iter().filter(|d| !d.is_empty()) {
                    pieces = pieces
                        .iter()
                        .flat_map(|p| {
                            p.split(delimiter.as_str())
                                .map(str::to_owned)
                                .collect::<Vec<_>>()
                        })
                        .collect();
                }
                make(Kind::Array(
                    pieces
                        .into_iter()
                        .map(|p| Value::new(Kind::Str(p), span))
                        .collect(),
                ))
            }
            "join" => {
                arity(2, 2)?;
                let delimiter = string(&args[1])?;
                let mut parts = Vec::new();
                for (i, item) in args[0].elements().iter().enumerate() {
                    if i > 0 {
                        parts.push(TemplatePart::Literal(delimiter.clone()));
                    }
                    parts.extend(item.string_parts()?);
                }
                Ok(from_parts(parts, span))
            }
            "replace" => {
                arity(3, 3)?;
                let old = string(&args[1])?;
                let text = string(&args[0])?;
                let new = string(&args[2])?;
                make(Kind::Str(if old.is_empty() {
                    text
                } else {
                    text.replace(&old, &new)
                }))
            }
            "tolower" => make(Kind::Str(string(one(args, name)?)?.to_lowercase())),
            "toupper" => make(Kind::Str(string(one(args, name)?)?.to_uppercase())),
            "trim" => make(Kind::Str(string(one(args, name)?)?.trim().to_owned())),
            "substring" => {
                arity(2, 3)?;
                let text: Vec<char> = string(&args[0])?.chars().collect();
                let start =
                    usize::try_from(int(&args[1])?).map_err(|_| "`substring` start is negative")?;
                let length = match args.get(2) {
                    Some(l) => {
                        usize::try_from(int(l)?).map_err(|_| "`substring` length is negative")?
                    }
                    None => text.len().saturating_sub(start),
                };
                if start.checked_add(length).is_none_or(|end| end > text.len()) {
                    return Err("`substring` reaches past the end of the string".to_owned());
                }
                make(Kind::Str(text[start..start + length].iter().collect()))
            }
            "indexof" | "lastindexof" => {
                arity(2, 2)?;
                let found = match &args[0].kind {
                    Kind::Array(items) => {
                        let mut positions = items
                            .iter()
                            .enumerate()
                            .filter(|(_, i)| arm_equals(i, &args[1]))
                            .map(|(i, _)| i);
                        if lower == "indexof" {
                            positions.next()
                        } else {
                            positions.next_back()
                        }
                    }
                    _ => {
                        let text = string(&args[0])?.to_lowercase();
                        let needle = string(&args[1])?.to_lowercase();
                        let byte = if lower == "indexof" {
                            text.find(&needle)
                        } else {
                            text.rfind(&needle)
                        };
                        byte.map(|b| text[..b].chars().count())
                    }
                };
                make(Kind::Int(
                    found.map_or(-1, |i| i64::try_from(i).unwrap_or(-1)),
                ))
            }
            "startswith" | "endswith" => {
                arity(2, 2)?;
                let text = string(&args[0])?.to_lowercase();
                let affix = string(&args[1])?.to_lowercase();
                make(Kind::Bool(if lower == "startswith" {
                    text.starts_with(&affix)
                } else {
                    text.ends_with(&affix)
                }))
            }
            "padleft" => {
                arity(2, 3)?;
                let text = match &args[0].kind {
                    Kind::Int(i) => i.to_string(),
                    _ => string(&args[0])?,
                };
                let width = usize::try_from(int(&args[1])?.clamp(0, 16_384)).unwrap_or(0);
                let pad = args
                    .get(2)
                    .map(string)
                    .transpose()?
                    .and_then(|p| p.chars().next())
                    .unwrap_or(' ');
                let missing = width.saturating_sub(text.chars().count());
                make(Kind::Str(
                    std::iter::repeat_n(pad, missing)
                        .chain(text.chars())
                        .collect(),
                ))
            }
            "uniquestring" => {
                let text = args
                    .iter()
                    .map(string)
                    .collect::<Result<Vec<_>, _>>()?
                    .join("-");
                make(Kind::Str(unique_string(&text)))
            }
            "guid" => {
                let text = args
                    .iter()
                    .map(string)
                    .collect::<Result<Vec<_>, _>>()?
                    .join("-");
                let a = hash64(&text);
                let b = hash64(&format!("{text}#guid"));
                make(Kind::Str(format!(
                    "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xffff,
                    b >> 48,
                    b & 0xffff_ffff_ffff
                )))
            }
            "base64" => make(Kind::Str(base64(string(one(args, name)?)?.as_bytes()))),
            "uricomponent" => make(Kind::Str(percent_encode(&string(one(args, name)?)?))),
            "uri" => {
                arity(2, 2)?;
                let base = string(&args[0])?;
                let relative = string(&args[1])?;
                let stem = base.rfind('/').map_or(base.as_str(), |i| &base[..=i]);
                make(Kind::Str(format!(
                    "{stem}{}",
                    relative.trim_start_matches('/')
                )))
            }
            "equals" => {
                arity(2, 2)?;
                make(Kind::Bool(arm_equals(&args[0], &args[1])))
            }
            "not" => make(Kind::Bool(!truthy(one(args, name)?)?)),
            "and" | "or" => {
                let mut all = lower == "and";
                let mut any = false;
                for arg in args {
                    let b = truthy(arg)?;
                    all &= b;
                    any |= b;
                }
                make(Kind::Bool(if lower == "and" { all } else { any }))
            }
            "greater" | "greaterorequals" | "less" | "lessorequals" => {
                arity(2, 2)?;
                let ordering = match (&args[0].kind, &args[1].kind) {
                    (Kind::Int(a), Kind::Int(b)) => a.cmp(b),
                    (Kind::Str(a), Kind::Str(b)) => a.cmp(b),
                    _ => return Err(format!("`{name}` compares two integers or two strings")),
                };
                make(Kind::Bool(match lower {
                    "greater" => ordering.is_gt(),
                    "greaterorequals" => ordering.is_ge(),
                    "less" => ordering.is_lt(),
                    _ => ordering.is_le(),
                }))
            }
            "add" | "sub" | "mul" | "div" | "mod" => {
                arity(2, 2)?;
                let (a, b) = (int(&args[0])?, int(&args[1])?);
                let result = match lower {
                    "add" => a.checked_add(b),
                    "sub" => a.checked_sub(b),
                    "mul" => a.checked_mul(b),
                    "div" => a.checked_div(b),
                    _ => a.checked_rem(b),
                };
                make(Kind::Int(result.ok_or_else(|| {
                    format!("`{name}({a}, {b})` has no integer result")
                })?))
            }
            "min" | "max" => {
                let numbers: Vec<i64> = if let [
                    Value {
                        kind: Kind::Array(items),
                        ..
                    },
                ] = args
                {
                    items.iter().map(int).collect::<Result<_, _>>()?
                } else {
                    args.iter().map(int).collect::<Result<_, _>>()?
                };
                let pick = if lower == "min" {
                    numbers.iter().min()
                } else {
                    numbers.iter().max()
                };
                make(Kind::Int(*pick.ok_or_else(|| {
                    format!("`{name}` needs at least one number")
                })?))
            }
            "resourceid"
            | "subscriptionresourceid"
            | "tenantresourceid"
            | "extensionresourceid" => {
                let strings = args.iter().map(string).collect::<Result<Vec<_>, _>>()?;
                make(Kind::Str(resource_id(lower, &strings)?))
            }
            "resourcegroup" => make(Kind::Object(obj(
                span,
                &[
                    (
                        "id",
                        &format!(
                            "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}"
                        ),
                    ),
                    ("name", RESOURCE_GROUP),
                    ("type", "Microsoft.Resources/resourceGroups"),
                    ("location", "location"),
                ],
            ))),
            "subscription" => make(Kind::Object(obj(
                span,
                &[
                    ("id", &format!("/subscriptions/{SUBSCRIPTION_ID}")),
                    ("subscriptionId", SUBSCRIPTION_ID),
                    ("tenantId", SUBSCRIPTION_ID),
                    ("displayName", "subscription"),
                ],
            ))),
            "tenant" => make(Kind::Object(obj(span, &[("tenantId", SUBSCRIPTION_ID)]))),
            "deployment" => make(Kind::Object(obj(span, &[("name", &self.deployment_name)]))),
            "environment" => {
                let mut members = obj(
                    span,
                    &[
                        ("name", "AzureCloud"),
                        ("resourceManager", "https://management.azure.com/"),
                    ],
                );
                members.push((
                    "suffixes".to_owned(),
                    Value::new(
                        Kind::Object(obj(
                            span,
                            &[
                                ("storage", "core.windows.net"),
                                ("sqlServerHostname", ".database.windows.net"),
                                ("keyvaultDns", ".vault.azure.net"),
                                ("acrLoginServer", ".azurecr.io"),
                            ],
                        )),
                        span,
                    ),
                ));
                make(Kind::Object(members))
            }
            "parsecidr" => {
                let (network, prefix) = parse_v4_cidr(&string(one(args, name)?)?)?;
                let size = 1u64 << (32 - prefix);
                let base = u64::from(network);
                let last = base + size - 1;
                let ip = |n: u64| Ipv4Addr::from(u32::try_from(n).unwrap_or(0)).to_string();
                let mask = if prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - prefix)
                };
                let mut members = obj(
                    span,
                    &[
                        ("network", &ip(base)),
                        ("netmask", &Ipv4Addr::from(mask).to_string()),
                        ("broadcast", &ip(last)),
                        ("firstUsable", &ip(if size > 2 { base + 1 } else { base })),
                        ("lastUsable", &ip(if size > 2 { last - 1 } else { last })),
                    ],
                );
                members.push((
                    "cidr".to_owned(),
                    Value::new(Kind::Int(i64::from(prefix)), span),
                ));
                make(Kind::Object(members))
            }
            "cidrsubnet" => {
                arity(3, 3)?;
                let (network, prefix) = parse_v4_cidr(&string(&args[0])?)?;
                let new_prefix =
                    u32::try_from(int(&args[1])?).map_err(|_| "the new CIDR is negative")?;
                let index =
                    u64::try_from(int(&args[2])?).map_err(|_| "the subnet index is negative")?;
                if new_prefix < prefix || new_prefix > 32 {
                    return Err(format!(
                        "`cidrSubnet` cannot split a /{prefix} into /{new_prefix}"
                    ));
                }
                if index >= 1u64 << (new_prefix - prefix) {
                    return Err(format!(
                        "subnet index {index} is past the last /{new_prefix}"
                    ));
                }
                let start = u64::from(network) + (index << (32 - new_prefix));
                make(Kind::Str(format!(
                    "{}/{new_prefix}",
                    Ipv4Addr::from(u32::try_from(start).unwrap_or(0))
                )))
            }
            "cidrhost" => {
                arity(2, 2)?;
                let (network, prefix) = parse_v4_cidr(&string(&args[0])?)?;
                let index =
                    u64::try_from(int(&args[1])?).map_err(|_| "the host index is negative")?;
                let size = 1u64 << (32 - prefix);
                let host = index + 1;
                if size <= 2 || host >= size - 1 {
                    return Err(format!(
                        "host index {index} is outside the usable addresses"
                    ));
                }
                make(Kind::Str(
                    Ipv4Addr::from(u32::try_from(u64::from(network) + host).unwrap_or(0))
                        .to_string(),
                ))
            }
            "items" => {
                let mut members = one(args, name)?.members().to_vec();
                members.sort_by_key(|(k, _)| k.to_ascii_lowercase());
                make(Kind::Array(
                    members
                        .into_iter()
                        .map(|(k, v)| {
                            Value::new(
                                Kind::Object(vec![
                                    ("key".to_owned(), Value::new(Kind::Str(k), span)),
                                    ("value".to_owned(), v),
                                ]),
                                span,
                            )
                        })
                        .collect(),
                ))
            }
            "objectkeys" => make(Kind::Array(
                one(args, name)?
                    .members()
                    .iter()
                    .map(|(k, _)| Value::new(Kind::Str(k.clone()), span))
                    .collect(),
            )),
            "flatten" => make(Kind::Array(
                one(args, name)?
                    .elements()
                    .iter()
                    .flat_map(|e| e.elements().to_vec())
                    .collect(),
            )),
            "filter" | "map" => {
                arity(2, 2)?;
                let mut out = Vec::new();
                for item in args[0].elements() {
                    let result = self.apply(&args[1], vec![item.clone()], locals)?;
                    if lower == "map" {
                        out.push(result);
                    } else if truthy(&result)? {
                        out.push(item.clone());
                    }
                }
                make(Kind::Array(out))
            }
            "reduce" => {
                arity(3, 3)?;
                let mut acc = args[1].clone();
                for item in args[0].elements() {
                    acc = self.apply(&args[2], vec![acc, item.clone()], locals)?;
                }
                Ok(acc)
            }
            "sort" => {
                arity(2, 2)?;
                // An insertion sort keeps the comparison fallible and the order stable.
                let mut out: Vec<Value> = Vec::new();
                for item in args[0].elements() {
                    let mut at = out.len();
                    for (i, existing) in out.iter().enumerate() {
                        if truthy(&self.apply(
                            &args[1],
                            vec![item.clone(), existing.clone()],
                            locals,
                        )?)? {
                            at = i;
                            break;
                        }
                    }
                    out.insert(at, item.clone());
                }
                make(Kind::Array(out))
            }
            "tryget" => {
                let Some((base, keys)) = args.split_first() else {
                    return Err("`tryGet` needs a value".to_owned());
                };
                let mut current = base.clone();
                for key in keys {
                    let next = match (&current.kind, &key.kind) {
                        (Kind::Object(_), _) => current.get(&string(key)?).cloned(),
                        (Kind::Array(items), Kind::Int(i)) => {
                            usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned()
                        }
                        _ => None,
                    };
                    match next {
                        Some(next) => current = next,
                        None => return make(Kind::Null),
                    }
                }
                Ok(current)
            }
            _ if lower.contains('.') => self.user_function(name, args, span, locals),
            _ => Err(format!(
                "`{name}` is not a function vnetlint evaluates; the value is treated as unknown"
            )),
        }
    }
}

fn unreachable_arity() -> (Option<String>, i64) {
    (None, 0)
}

fn number(text: &str) -> Kind {
    text.parse::<i64>()
        .map_or_else(|_| Kind::Number(text.to_owned()), Kind::Int)
}

fn one<'v>(args: &'v [Value], name: &str) -> Result<&'v Value, String> {
    match args {
        [only] => Ok(only),
        _ => Err(format!("`{name}` takes one argument, not {}", args.len())),
    }
}

fn obj(span: Span, pairs: &[(&str, &str)]) -> Vec<(String, Value)> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                Value::new(Kind::Str((*v).to_owned()), span),
            )
        })
        .collect()
}

/// Moves every span of a value built from parsed text to the use site.
fn respan(mut value: Value, span: Span) -> Value {
    value.span = span;
    value.kind = match value.kind {
        Kind::Array(items) => Kind::Array(items.into_iter().map(|i| respan(i, span)).collect()),
        Kind::Object(members) => Kind::Object(
            members
                .into_iter()
                .map(|(k, v)| (k, respan(v, span)))
                .collect(),
        ),
        other => other,
    };
    value
}

pub(crate) fn string(value: &Value) -> Result<String, String> {
    match &value.kind {
        Kind::Str(s) => Ok(s.clone()),
        Kind::Int(i) => Ok(i.to_string()),
        Kind::Unknown(reason) => Err(reason.clone()),
        Kind::Runtime(r) => Err(format!("`{r}` is only known at deployment")),
        _ => Err("a string is expected".to_owned()),
    }
}

fn int(value: &Value) -> Result<i64, String> {
    match &value.kind {
        Kind::Int(i) => Ok(*i),
        Kind::Str(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not an integer")),
        Kind::Unknown(reason) => Err(reason.clone()),
        _ => Err("an integer is expected".to_owned()),
    }
}

pub(crate) fn truthy(value: &Value) -> Result<bool, String> {
    match &value.kind {
        Kind::Bool(b) => Ok(*b),
        Kind::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Kind::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        Kind::Unknown(reason) => Err(reason.clone()),
        Kind::Runtime(r) => Err(format!("`{r}` is only known at deployment")),
        _ => Err("a boolean is expected".to_owned()),
    }
}

/// `.name` on a value.
fn property(base: Value, name: &str, span: Span) -> Value {
    match &base.kind {
        Kind::Object(_) => match base.get(name) {
            Some(value) => inner_at(&base, value, span),
            None => Value::unknown(format!("the object has no property `{name}`"), span),
        },
        Kind::Runtime(reference) => {
            let mut reference = reference.clone();
            reference.attribute =
                if reference.attribute == "full" && name.eq_ignore_ascii_case("properties") {
                    String::new()
                } else if reference.attribute.is_empty() || reference.attribute == "full" {
                    name.to_owned()
                } else {
                    format!("{}.{name}", reference.attribute)
                };
            Value::new(Kind::Runtime(reference), span)
        }
        Kind::Unknown(_) => base,
        _ => Value::unknown(
            format!("`.{name}` is applied to a value that is not an object"),
            span,
        ),
    }
}

/// A member or element of `base` as used at `span`: the span moves to the use site and the
/// origin leads to where the member was written, then to where `base` came from.
fn inner_at(base: &Value, inner: &Value, span: Span) -> Value {
    let mut value = inner.clone().used_at(span);
    if let Origin::Derived(chain) = &mut value.origin {
        for extra in base.derived_tail() {
            if !chain.contains(extra) {
                chain.push(*extra);
            }
        }
    }
    value
}

/// `[index]` on a value.
fn index_value(base: Value, index: &Value, span: Span) -> Value {
    match (&base.kind, &index.kind) {
        (Kind::Array(items), Kind::Int(i)) => {
            match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                Some(item) => inner_at(&base, item, span),
                None => Value::unknown(
                    format!("index {i} is outside the array of {}", items.len()),
                    span,
                ),
            }
        }
        (Kind::Object(_) | Kind::Runtime(_), Kind::Str(key)) => property(base, key, span),
        (Kind::Runtime(reference), Kind::Int(i)) => {
            let mut reference = reference.clone();
            reference.attribute = format!("{}[{i}]", reference.attribute);
            Value::new(Kind::Runtime(reference), span)
        }
        (Kind::Unknown(_), _) => base,
        (_, Kind::Unknown(_)) => index.clone(),
        _ => Value::unknown("the index does not fit the value", span),
    }
}

/// The .NET composite format `{0}`, `{1:D3}`, `{{`, as `format()` uses it.
fn format_parts(fmt: &str, args: &[Value]) -> Result<Vec<TemplatePart>, String> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let (index, format) = spec.split_once(':').unwrap_or((&spec, ""));
                let index: usize = index
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .parse()
                    .map_err(|_| format!("`{{{spec}}}` is not a format item"))?;
                let arg = args
                    .get(index)
                    .ok_or_else(|| format!("format item {{{index}}} has no argument"))?;
                parts.push(TemplatePart::Literal(std::mem::take(&mut literal)));
                match (&arg.kind, format.strip_prefix(['D', 'd'])) {
                    (Kind::Int(i), Some(width)) => {
                        let width: usize = width.parse().unwrap_or(0).min(64);
                        parts.push(TemplatePart::Literal(format!("{i:0width$}")));
                    }
                    _ => parts.extend(arg.string_parts()?),
                }
            }
            c => literal.push(c),
        }
    }
    parts.push(TemplatePart::Literal(literal));
    Ok(parts)
}

/// Compact JSON text of a known value, as `string()` prints arrays and objects.
fn to_json(value: &Value) -> Result<String, String> {
    Ok(match &value.kind {
        Kind::Null => "null".to_owned(),
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Number(n) => n.clone(),
        Kind::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Kind::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(to_json)
                .collect::<Result<Vec<_>, _>>()?
                .join(",")
        ),
        Kind::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| Ok(format!("\"{k}\":{}", to_json(v)?)))
                .collect::<Result<Vec<_>, String>>()?
                .join(",")
        ),
        _ => return Err("the value is only known at deployment".to_owned()),
    })
}

/// `resourceId` and its relatives, with the placeholder subscription and resource group.
#[allow(clippy::single_match_else)]
fn resource_id(function: &str, args: &[String]) -> Result<String, String> {
    let (prefix, rest) = match function {
        "extensionresourceid" => {
            let (scope, rest) = args
                .split_first()
                .ok_or("`extensionResourceId` needs a scope")?;
            (scope.trim_end_matches('/').to_owned(), rest)
        }
        _ => {
            let type_at = args
                .iter()
                .position(|a| a.contains('/'))
                .ok_or("the resource type (`Namespace/type`) is missing")?;
            let (scope, rest) = args.split_at(type_at);
            let prefix = match (function, scope) {
                ("tenantresourceid", _) => String::new(),
                ("subscriptionresourceid", []) => format!("/subscriptions/{SUBSCRIPTION_ID}"),
                ("subscriptionresourceid", [sub, ..]) => format!("/subscriptions/{sub}"),
                (_, []) => {
                    format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}")
                }
                (_, [rg]) => format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{rg}"),
                (_, [sub, rg, ..]) => format!("/subscriptions/{sub}/resourceGroups/{rg}"),
            };
            (prefix, rest)
        }
    };
    let (rtype, names) = rest.split_first().ok_or("the resource type is missing")?;
    Ok(format!(
        "{prefix}/providers/{}",
        interleave(rtype, &names.join("/"))
    ))
}

/// `Microsoft.Network/networkSecurityGroups/securityRules` and `nsg/rule` give
/// `Microsoft.Network/networkSecurityGroups/nsg/securityRules/rule`.
pub(crate) fn interleave(rtype: &str, name: &str) -> String {
    let mut types = rtype.split('/');
    let namespace = types.next().unwrap_or("");
    let mut out = namespace.to_owned();
    let mut names = name.split('/');
    for segment in types {
        out.push('/');
        out.push_str(segment);
        out.push('/');
        out.push_str(names.next().unwrap_or("?"));
    }
    for extra in names {
        out.push('/');
        out.push_str(extra);
    }
    out
}

/// The address (`Namespace/type/name/...`) a resource id names; other strings stay as they are.
pub(crate) fn address_of_id(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    match lower.rfind("/providers/") {
        Some(at) => id[at + "/providers/".len()..]
            .trim_end_matches('/')
            .to_owned(),
        None => id.trim_matches('/').to_owned(),
    }
}

fn parse_v4_cidr(text: &str) -> Result<(u32, u32), String> {
    let (ip, prefix) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not in CIDR notation"))?;
    let ip: IpAddr = ip
        .parse()
        .map_err(|_| format!("`{text}` is not in CIDR notation"))?;
    let IpAddr::V4(ip) = ip else {
        return Err("IPv6 ranges are not evaluated yet".to_owned());
    };
    let prefix: u32 = prefix
        .parse()
        .ok()
        .filter(|p| *p <= 32)
        .ok_or_else(|| format!("`{text}` has an invalid prefix length"))?;
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    Ok((u32::from(ip) & mask, prefix))
}

/// A 64-bit FNV-1a hash: deterministic, not ARM's own algorithm (names built with
/// `uniqueString` are consistent within a run, not equal to the deployed ones).
fn hash64(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// 13 base-32 characters, the shape of ARM's `uniqueString`.
fn unique_string(text: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut hash = hash64(text);
    let mut out = String::new();
    for _ in 0..13 {
        out.push(char::from(ALPHABET[(hash & 31) as usize]));
        hash >>= 5;
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use vnetlint_ir::{FileId, Origin, Reference, Span, TemplatePart, TextRange};

    use super::*;
    use crate::json;

    const TEMPLATE: &str = r#"{
  "parameters": {
    "port": { "type": "string", "defaultValue": "22" },
    "names": { "type": "array", "defaultValue": ["a", "b"] },
    "secret": { "type": "securestring", "defaultValue": "hunter2" },
    "missing": { "type": "string" }
  },
  "variables": {
    "prefix": "app",
    "name": "[concat(variables('prefix'), '-nsg')]",
    "loop": "[variables('loop')]",
    "obj": { "a": 1, "b": { "c": "deep" } },
    "copy": [{ "name": "items", "count": 3, "input": "[concat('i', string(copyIndex('items')))]" }]
  },
  "functions": [{ "namespace": "ns", "members": { "twice": {
    "parameters": [{ "name": "x", "type": "int" }],
    "output": { "type": "int", "value": "[mul(parameters('x'), 2)]" } } } }]
}"#;

    fn with_scope<R>(f: impl FnOnce(&Scope<'_>) -> R) -> R {
        let root = json::parse(FileId(0), TEMPLATE).unwrap().unwrap();
        let budget = Budget::new(Limits::default());
        let scope = crate::template::build_scope(&root, &crate::template::Supplied::new(), &budget);
        f(&scope)
    }

    fn span() -> Span {
        Span::new(FileId(0), TextRange::new(0, 1))
    }

    fn eval(text: &str) -> Value {
        with_scope(|scope| {
            let StringForm::Expression(expr) = classify(text) else {
                panic!("not an expression: {text}");
            };
            scope.eval_expr(&expr, span(), &Locals::default())
        })
    }

    /// The value as compact JSON, `?reason` for unknowns, `@ref` for runtime values.
    fn show(value: &Value) -> String {
        match &value.kind {
            Kind::Unknown(reason) => format!("?{reason}"),
            Kind::Runtime(r) => format!("@{r}"),
            Kind::Template(t) => t
                .parts
                .iter()
                .map(|p| match p {
                    TemplatePart::Literal(s) => s.clone(),
                    TemplatePart::Reference(r) => format!("{{{r}}}"),
                    TemplatePart::Unknown(_) => "{?}".to_owned(),
                })
                .collect(),
            Kind::Lambda(_) => "lambda".to_owned(),
            _ => to_json(value).unwrap(),
        }
    }

    fn check(text: &str, expected: &str) {
        let value = eval(text);
        assert_eq!(show(&value), expected, "{text}");
    }

    #[test]
    fn scope_functions() {
        check("[parameters('port')]", "\"22\"");
        check("[parameters('PORT')]", "\"22\"");
        check("[variables('name')]", "\"app-nsg\"");
        check("[variables('items')]", "[\"i0\",\"i1\",\"i2\"]");
        check("[variables('obj').b.c]", "\"deep\"");
        check("[variables('obj')['a']]", "1");
        check("[parameters('names')[1]]", "\"b\"");
        check("[ns.twice(21)]", "42");
        assert!(show(&eval("[variables('loop')]")).contains("refers to itself"));
        assert!(show(&eval("[parameters('missing')]")).contains("has no value"));
        assert!(show(&eval("[parameters('undeclared')]")).contains("not declared"));
        assert!(show(&eval("[nope.fn()]")).starts_with('?'));
        assert!(show(&eval("[madeUp(1)]")).contains("not a function vnetlint evaluates"));
    }

    #[test]
    fn secure_parameters_are_never_read() {
        let value = eval("[concat('pw=', parameters('secret'))]");
        let shown = show(&value);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!format!("{value:?}").contains("hunter2"));
    }

    #[test]
    fn parameter_values_point_back_at_their_definition() {
        let value = eval("[parameters('port')]");
        let Origin::Derived(chain) = &value.origin else {
            panic!("not derived: {:?}", value.origin);
        };
        assert_eq!(chain[0], span());
        let defined = &TEMPLATE[chain[1].range.as_usize()];
        assert_eq!(defined, "\"22\"");
    }

    #[test]
    fn string_functions() {
        check("[concat('a', 1, 'b')]", "\"a1b\"");
        check("[concat(createArray(1), createArray(2, 3))]", "[1,2,3]");
        check("[format('{0}-{1:D3}-{{x}}', 'a', 7)]", "\"a-007-{x}\"");
        check("[string(true)]", "\"True\"");
        check("[string(createObject('a', 1))]", "\"{\\\"a\\\":1}\"");
        check(
            "[split('a,b;c', createArray(',', ';'))]",
            "[\"a\",\"b\",\"c\"]",
        );
        check("[join(createArray('a', 'b'), '-')]", "\"a-b\"");
        check("[replace('a-b-c', '-', '+')]", "\"a+b+c\"");
        check("[toLower('ABC')]", "\"abc\"");
        check("[toUpper('abc')]", "\"ABC\"");
        check("[trim('  x ')]", "\"x\"");
        check("[substring('abcdef', 1, 3)]", "\"bcd\"");
        assert!(show(&eval("[substring('abc', 2, 5)]")).starts_with('?'));
        check("[indexOf('abcABC', 'C')]", "2");
        check("[lastIndexOf('abcabc', 'b')]", "4");
        check("[startsWith('Hello', 'he')]", "true");
        check("[endsWith('Hello', 'LO')]", "true");
        check("[padLeft(7, 3, '0')]", "\"007\"");
        check(
            "[uniqueString('a', 'b')]",
            &format!("\"{}\"", unique_string("a-b")),
        );
        assert_eq!(show(&eval("[uniqueString('x')]")).len(), 15);
        assert_eq!(show(&eval("[guid('x')]")).len(), 38);
        check("[base64('hi')]", "\"aGk=\"");
        check("[uriComponent('a b')]", "\"a%20b\"");
        check(
            "[uri('https://x.test/a/b.json', 'c.json')]",
            "\"https://x.test/a/c.json\"",
        );
        check("[json('{\"a\": [1, true]}').a[1]]", "true");
        check("[int('42')]", "42");
        check("[bool('TRUE')]", "true");
        check("[float('1.5')]", "1.5");
    }

    #[test]
    fn collection_functions() {
        check("[array('a')]", "[\"a\"]");
        check("[createObject('k', 'v').k]", "\"v\"");
        check(
            "[union(createObject('a', 1), createObject('a', 2, 'b', 3))]",
            "{\"a\":2,\"b\":3}",
        );
        check("[union(createArray(1, 2), createArray(2, 3))]", "[1,2,3]");
        check(
            "[intersection(createArray(1, 2, 3), createArray(2, 3, 4))]",
            "[2,3]",
        );
        check(
            "[intersection(createObject('a', 1, 'b', 2), createObject('a', 1, 'b', 3))]",
            "{\"a\":1}",
        );
        check("[contains(createArray('a', 'b'), 'b')]", "true");
        check("[contains(createObject('Key', 1), 'key')]", "true");
        check("[contains('abc', 'bc')]", "true");
        check("[empty(createArray())]", "true");
        check("[empty('x')]", "false");
        check("[first(createArray(1, 2))]", "1");
        check("[last('abc')]", "\"c\"");
        check("[length(createObject('a', 1))]", "1");
        check("[skip(createArray(1, 2, 3), 1)]", "[2,3]");
        check("[take('abc', 2)]", "\"ab\"");
        check("[range(5, 3)]", "[5,6,7]");
        check("[items(createObject('b', 2, 'a', 1))[0].key]", "\"a\"");
        check("[objectKeys(createObject('a', 1))]", "[\"a\"]");
        check(
            "[flatten(createArray(createArray(1), createArray(2)))]",
            "[1,2]",
        );
        check(
            "[shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))]",
            "{\"a\":1,\"b\":2}",
        );
        check(
            "[tryGet(createObject('a', createObject('b', 1)), 'a', 'b')]",
            "1",
        );
        check("[tryGet(createObject('a', 1), 'x')]", "null");
        check("[coalesce(null(), 'x')]", "\"x\"");
        check("[min(3, 1, 2)]", "1");
        check("[max(createArray(3, 9))]", "9");
    }

    #[test]
    fn logic_and_numbers() {
        check("[if(equals(1, 1), 'y', 'n')]", "\"y\"");
        check("[equals('ABC', 'abc')]", "true");
        check("[not(true())]", "false");
        check("[and(true(), false())]", "false");
        check("[or(false(), true())]", "true");
        check("[greater(2, 1)]", "true");
        check("[greaterOrEquals(1, 1)]", "true");
        check("[less('a', 'b')]", "true");
        check("[lessOrEquals(2, 1)]", "false");
        check("[add(1, 2)]", "3");
        check("[sub(1, 2)]", "-1");
        check("[mul(3, 4)]", "12");
        check("[div(7, 2)]", "3");
        check("[mod(7, 2)]", "1");
        assert!(show(&eval("[div(1, 0)]")).starts_with('?'));
        // An unknown condition only matters when the branches differ.
        check(
            "[if(equals(parameters('missing'), 'x'), 'same', 'same')]",
            "\"same\"",
        );
        assert!(show(&eval("[if(equals(parameters('missing'), 'x'), 'a', 'b')]")).starts_with('?'));
    }

    #[test]
    fn lambdas() {
        check(
            "[filter(range(0, 5), lambda('x', greater(lambdaVariables('x'), 2)))]",
            "[3,4]",
        );
        check(
            "[map(createArray(1, 2), lambda('x', mul(lambdaVariables('x'), 10)))]",
            "[10,20]",
        );
        check(
            "[reduce(range(1, 4), 0, lambda('acc', 'x', add(lambdaVariables('acc'), lambdaVariables('x'))))]",
            "10",
        );
        check(
            "[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]",
            "[1,2,3]",
        );
    }

    #[test]
    fn cidr_functions() {
        check(
            "[parseCidr('10.144.0.0/20').broadcast]",
            "\"10.144.15.255\"",
        );
        check("[parseCidr('10.144.0.0/20').firstUsable]", "\"10.144.0.1\"");
        check("[parseCidr('10.144.0.0/20').cidr]", "20");
        check("[cidrSubnet('10.144.0.0/20', 24, 2)]", "\"10.144.2.0/24\"");
        check("[cidrHost('10.144.3.0/24', 0)]", "\"10.144.3.1\"");
        assert!(show(&eval("[cidrSubnet('10.0.0.0/24', 16, 0)]")).starts_with('?'));
    }

    #[test]
    fn resource_functions_and_runtime_values() {
        check(
            "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'app')]",
            &format!(
                "\"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/app\""
            ),
        );
        check(
            "[resourceId('rg2', 'Microsoft.Network/networkSecurityGroups', 'n')]",
            &format!(
                "\"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg2/providers/Microsoft.Network/networkSecurityGroups/n\""
            ),
        );
        check(
            "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')]",
            &format!(
                "\"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Resources/resourceGroups/rg\""
            ),
        );
        check(
            "[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]",
            "\"/providers/Microsoft.Management/managementGroups/mg\"",
        );
        check("[resourceGroup().name]", &format!("\"{RESOURCE_GROUP}\""));
        check(
            "[subscription().subscriptionId]",
            &format!("\"{SUBSCRIPTION_ID}\""),
        );
        check("[deployment().name]", "\"deployment\"");
        check(
            "[environment().suffixes.sqlServerHostname]",
            "\".database.windows.net\"",
        );
        check(
            "[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip-sql')).ipAddress]",
            "@Microsoft.Network/publicIPAddresses/pip-sql.ipAddress",
        );
        check(
            "[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip-sql'), '2023-09-01', 'Full').properties.ipAddress]",
            "@Microsoft.Network/publicIPAddresses/pip-sql.ipAddress",
        );
        check(
            "[concat('Server=tcp:', reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip-sql')).ipAddress, ',1433')]",
            "Server=tcp:{Microsoft.Network/publicIPAddresses/pip-sql.ipAddress},1433",
        );
        let keys = eval(
            "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2023-01-01').keys[0].value]",
        );
        assert!(matches!(
            &keys.kind,
            Kind::Runtime(Reference { address, .. }) if address == "Microsoft.Storage/storageAccounts/st"
        ));
        assert!(show(&eval("[utcNow()]")).contains("only known at deployment"));
        assert!(show(&eval("[toLower(reference('x').y)]")).starts_with('?'));
    }

    #[test]
    fn copy_index_reads_the_loop_it_names() {
        with_scope(|scope| {
            let locals = Locals {
                copies: vec![("outer".to_owned(), Value::new(Kind::Int(2), span()))],
                resource_index: Some(Value::new(Kind::Int(5), span())),
                ..Locals::default()
            };
            let run = |text: &str| {
                let StringForm::Expression(expr) = classify(text) else {
                    panic!("{text}")
                };
                show(&scope.eval_expr(&expr, span(), &locals))
            };
            assert_eq!(run("[copyIndex()]"), "5");
            assert_eq!(run("[copyIndex(10)]"), "15");
            assert_eq!(run("[copyIndex('outer')]"), "2");
            assert_eq!(run("[copyIndex('OUTER', 1)]"), "3");
            assert!(run("[copyIndex('other')]").starts_with('?'));
        });
    }
}
