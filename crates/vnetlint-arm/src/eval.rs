//! Evaluation of ARM template expressions and JSON values in one template's scope: parameters
//! (with parameter-file values and defaults), variables (lazily, with variable `copy`), user
//! functions, copy indexes and lambdas; the built-in functions (`funcs/`) reach this scope only
//! through the `funcs::Context` a call is given.
//!
//! What only deployment knows stays symbolic: `reference()` and `list*()` become
//! `Kind::Runtime` naming the resource and the attribute, and strings built from them become
//! templates. `resourceGroup()`, `subscription()` and `deployment()` return placeholder ids that
//! are the same everywhere in a run, so that resource ids built with them still match. A function
//! vnetlint does not evaluate yields `Kind::Unknown` with a reason, never a guess.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use vnetlint_diagnostics::{Budget, Limit, Limits, Reached, VALUE_BYTES};
use vnetlint_ir::{Origin, Span};

use crate::expr::{Expr, StringForm, classify};
use crate::funcs::{self, Body, Context};
use crate::json::{Json, JsonKind};
use crate::value::{Kind, Value, json_number, measure};

/// Resource copy counts above this are refused (ARM's own limit is 800).
const MAX_COPIES: i64 = 800;

/// What an expression reached when it hits the depth or step limit.
const REACHED: Reached = Reached {
    depth: "the expression nests variables and calls too deeply to evaluate",
    steps: "the template needs too many evaluation steps",
    time: "the evaluation of the template is still running at this expression",
};

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
    /// How many times this place is evaluated because of the copy loops around it (the product
    /// of their counts; 0 outside any, read as 1), so that a copy nested in copies is bounded by
    /// what all of them together build.
    copy_product: u64,
}

impl Locals {
    /// The locals of a new scope (a user function's body, a nested template) evaluated in
    /// this place: no loop variables, but as many times as the copies around this place say.
    pub(crate) fn nested(&self) -> Self {
        Self {
            copy_product: self.copy_product,
            ..Self::default()
        }
    }

    /// How many times a copy of `count` iterations at this place runs its input in all.
    pub(crate) fn copies_of(&self, count: i64) -> u64 {
        self.copy_product
            .max(1)
            .saturating_mul(u64::try_from(count).unwrap_or(0))
    }

    /// The locals of one iteration (`index`) of the copy loop `name` of `count` iterations.
    pub(crate) fn in_copy(&self, name: String, index: Value, count: i64) -> Self {
        let mut inner = self.clone();
        inner.copies.push((name, index));
        inner.copy_product = self.copies_of(count);
        inner
    }
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
            budget: Rc::new(Budget::new(Limits::default())),
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
        // What is written in the template costs memory like what expressions build: a copy
        // repeats it (an expression string is charged when it is evaluated).
        let written = match &json.kind {
            JsonKind::String(_) => 0,
            JsonKind::Object(members) => {
                VALUE_BYTES + members.iter().map(|m| m.key.len() as u64).sum::<u64>()
            }
            _ => VALUE_BYTES,
        };
        if let Err(reason) = self.budget.allocate(written, json.span) {
            return Value::unknown(reason, json.span);
        }
        match &json.kind {
            JsonKind::Null => Value::new(Kind::Null, json.span),
            JsonKind::Bool(b) => Value::new(Kind::Bool(*b), json.span),
            JsonKind::Number(n) => Value::new(json_number(n), json.span),
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

    /// `{ "name": ..., "count": ..., "input": ... }`: the array property `name`.
    fn property_copy(&self, copy: &Json, locals: &Locals) -> Option<(String, Value)> {
        let name = copy.get("name")?.as_str()?.to_owned();
        let input = copy.get("input")?;
        let count = copy.get("count").map_or_else(
            || Value::unknown("the copy has no `count`", copy.span),
            |c| self.eval_json(c, locals),
        );
        let counted = Self::copy_count(&count).and_then(|n| {
            self.copies_within(locals.copies_of(n), count.span)?;
            Ok(n)
        });
        let value = match counted {
            Ok(n) => {
                let items = (0..n)
                    .map(|i| {
                        let index = Value::new(Kind::Int(i), count.span);
                        let inner = locals.in_copy(name.to_ascii_lowercase(), index, n);
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

    /// Checks that a copy nested in others (`runs` times its input in all, the product of their
    /// counts) stays within `max_elements` before it expands: 800 copies in each of 800
    /// copies would otherwise build 640,000 inputs before any limit is seen.
    pub(crate) fn copies_within(&self, runs: u64, span: Span) -> Result<(), String> {
        self.budget.within(Limit::Elements, runs, span, || {
            format!("this copy runs its input {runs} times with the copies around it")
        })
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
            StringForm::Literal(s) => {
                if let Err(reason) = self.budget.allocate(VALUE_BYTES + s.len() as u64, span) {
                    return Value::unknown(reason, span);
                }
                Value::new(Kind::Str(s), span)
            }
            StringForm::Expression(expr) => self.eval_expr(&expr, span, locals),
            StringForm::Invalid(message) => {
                Value::unknown(format!("the expression does not parse ({message})"), span)
            }
        }
    }

    /// Evaluates a parsed expression written in the JSON string at `span`.
    pub(crate) fn eval_expr(&self, expr: &Expr, span: Span, locals: &Locals) -> Value {
        self.eval_held(expr, span, locals).0
    }

    /// Evaluates a parsed expression and says how many bytes its value was charged against
    /// `max_eval_bytes`: a value only held for a moment (a function's argument) gives them back
    /// with `Budget::release` once it is dropped.
    fn eval_held(&self, expr: &Expr, span: Span, locals: &Locals) -> (Value, u64) {
        let evaluate = || self.eval_expr_inner(expr, span, locals);
        let (value, bytes) = self.budget.evaluate(span, REACHED, evaluate, measure);
        (
            value.unwrap_or_else(|reason| Value::unknown(reason, span)),
            bytes,
        )
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
        let frame = Frame {
            scope: self,
            locals,
        };
        let call = funcs::Call {
            name,
            function: &lower,
            span,
            context: &frame,
        };
        let eager = match funcs::lookup(&lower) {
            // Functions whose arguments are not all evaluated up front (`if`, `lambda`).
            Some(Body::Lazy(body)) => return body(&call, args),
            Some(Body::Eager(accepts, body)) => Some((accepts, body)),
            None => None,
        };
        // The arguments are held while the function runs, then dropped: their bytes count
        // against `max_eval_bytes` until it returns, and the result counts from then on.
        let mut held = 0;
        let values: Vec<Value> = args
            .iter()
            .map(|a| {
                let (value, bytes) = self.eval_held(a, span, locals);
                held += bytes;
                value
            })
            .collect();
        let mut result = match funcs::call(&call, eager, &values) {
            Ok(value) => value,
            Err(reason) => Value::unknown(reason, span),
        };
        self.budget.release(held);
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
            ..locals.nested()
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
}

/// One scope with the locals of one place in it: what a built-in function sees of the
/// evaluation, through [`Context`].
struct Frame<'f, 'a> {
    scope: &'f Scope<'a>,
    locals: &'f Locals,
}

impl Context for Frame<'_, '_> {
    fn budget(&self) -> &Budget {
        &self.scope.budget
    }

    fn eval(&self, expr: &Expr, span: Span) -> Value {
        self.scope.eval_expr(expr, span, self.locals)
    }

    fn parameter(&self, name: &str, span: Span) -> Result<Value, String> {
        self.scope.parameter(name, span, self.locals)
    }

    fn variable(&self, name: &str, span: Span) -> Result<Value, String> {
        self.scope.variable(name, span, self.locals)
    }

    fn lambda_variable(&self, name: &str) -> Option<Value> {
        self.locals
            .lambdas
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    fn copy_index(&self, loop_name: Option<&str>) -> Option<Value> {
        match loop_name {
            Some(loop_name) => self
                .locals
                .copies
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(loop_name))
                .map(|(_, v)| v.clone()),
            None => self.locals.resource_index.clone(),
        }
    }

    fn apply(&self, lambda: &Value, args: Vec<Value>) -> Result<Value, String> {
        self.scope.apply(lambda, args, self.locals)
    }

    fn symbol(&self, name: &str) -> Option<String> {
        self.scope.symbols.get(&name.to_ascii_lowercase()).cloned()
    }

    fn deployment_name(&self) -> &str {
        &self.scope.deployment_name
    }

    fn user_function(&self, name: &str, args: &[Value], span: Span) -> Result<Value, String> {
        self.scope.user_function(name, args, span, self.locals)
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

#[cfg(test)]
mod tests {
    use vnetlint_ir::{FileId, Origin, Reference, Span, TemplatePart, TextRange};

    use super::*;
    use crate::funcs::deployment::{RESOURCE_GROUP, SUBSCRIPTION_ID};
    use crate::funcs::encoding::{to_json, unique_string};
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
        let budget = Rc::new(Budget::new(Limits::default()));
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
