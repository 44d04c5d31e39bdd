//! The ARM template built-in functions: one file per family, and here the one registration
//! table (`FUNCTIONS`), the call protocol and the argument helpers the families share.
//!
//! Names are case-insensitive, as ARM's are; the table holds them in lowercase. A function
//! whose arguments must be known is not called with a symbolic one (unknown, or only known at
//! deployment): the result is unknown with the reason. `list*()` functions are deployment-time
//! values whatever their name; a name with a dot is a user function of the template.
//!
//! Functions that need the evaluation's scope (parameters, variables, copy loops, lambdas,
//! symbolic names, the limits) ask it through [`Context`], which the evaluator implements;
//! they know nothing else of it. Adding a function is its body in a family file plus one
//! line in `FUNCTIONS`.

mod collection;
mod conversion;
pub(crate) mod deployment;
pub(crate) mod encoding;
mod lambda;
mod logical;
mod network;
mod numeric;
mod string;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use vnetlint_diagnostics::Budget;
use vnetlint_ir::{Reference, Span};

use crate::expr::Expr;
use crate::value::{Kind, Value};

pub(crate) use deployment::{address_of_id, interleave};

/// The result of a built-in: a value, or why it is unknown.
pub(crate) type Res = Result<Value, String>;

/// What a built-in may ask of the evaluation that calls it.
pub(crate) trait Context {
    /// The limits of the evaluation.
    fn budget(&self) -> &Budget;
    /// Evaluates an argument the function took unevaluated.
    fn eval(&self, expr: &Expr, span: Span) -> Value;
    /// The value of `parameters(name)`.
    fn parameter(&self, name: &str, span: Span) -> Res;
    /// The value of `variables(name)`.
    fn variable(&self, name: &str, span: Span) -> Res;
    /// The innermost lambda variable `name` in scope.
    fn lambda_variable(&self, name: &str) -> Option<Value>;
    /// The index of the copy loop named `loop_name` (any case), or without a name of the
    /// resource copy loop.
    fn copy_index(&self, loop_name: Option<&str>) -> Option<Value>;
    /// Applies a lambda value to arguments.
    fn apply(&self, lambda: &Value, args: Vec<Value>) -> Res;
    /// The address a languageVersion 2.0 symbolic resource name stands for.
    fn symbol(&self, name: &str) -> Option<String>;
    /// The name `deployment().name` returns.
    fn deployment_name(&self) -> &str;
    /// Calls the template's user function `namespace.name`.
    fn user_function(&self, name: &str, args: &[Value], span: Span) -> Res;
}

/// One call of a built-in function: all a function knows of its caller.
pub(crate) struct Call<'c> {
    /// The name as written, for messages.
    pub(crate) name: &'c str,
    /// The name in lowercase, as registered (functions that serve several names read it).
    pub(crate) function: &'c str,
    /// The expression: results point here.
    pub(crate) span: Span,
    pub(crate) context: &'c dyn Context,
}

impl Call<'_> {
    /// A result at the call.
    #[allow(clippy::unnecessary_wraps)] // Every function returns a `Res`.
    fn make(&self, kind: Kind) -> Res {
        Ok(Value::new(kind, self.span))
    }

    /// Checks the number of arguments.
    fn arity(&self, args: &[Value], min: usize, max: usize) -> Result<(), String> {
        if args.len() < min || args.len() > max {
            Err(format!(
                "`{}` takes {} arguments, not {}",
                self.name,
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
    }

    /// The budget of the evaluation, for the functions whose work or result can grow large.
    fn budget(&self) -> &Budget {
        self.context.budget()
    }

    /// Checks the length of a string (`len` bytes at least) before building it.
    fn string_within(&self, len: usize) -> Result<(), String> {
        self.budget().string_of(self.name, len, self.span)
    }

    /// The only argument.
    fn one<'v>(&self, args: &'v [Value]) -> Result<&'v Value, String> {
        match args {
            [only] => Ok(only),
            _ => Err(format!(
                "`{}` takes one argument, not {}",
                self.name,
                args.len()
            )),
        }
    }
}

/// A function over evaluated arguments.
pub(crate) type Eager = fn(&Call<'_>, &[Value]) -> Res;

/// A function over its unevaluated arguments (`if` evaluates one branch, `lambda` none).
pub(crate) type Lazy = fn(&Call<'_>, &[Expr]) -> Value;

/// What an eager function accepts.
#[derive(Clone, Copy)]
pub(crate) enum Args {
    /// Any value, symbolic ones included.
    Symbolic,
    /// Known values only.
    Known,
}

/// How a function takes its arguments.
#[derive(Clone, Copy)]
pub(crate) enum Body {
    Eager(Args, Eager),
    Lazy(Lazy),
}

/// One registered function.
struct Function {
    name: &'static str,
    body: Body,
}

const fn known(name: &'static str, body: Eager) -> Function {
    Function {
        name,
        body: Body::Eager(Args::Known, body),
    }
}

const fn symbolic(name: &'static str, body: Eager) -> Function {
    Function {
        name,
        body: Body::Eager(Args::Symbolic, body),
    }
}

const fn lazy(name: &'static str, body: Lazy) -> Function {
    Function {
        name,
        body: Body::Lazy(body),
    }
}

/// Every function vnetlint evaluates (or knowingly does not), one line each, by family.
static FUNCTIONS: &[Function] = &[
    // Arrays and objects (collection.rs).
    symbolic("concat", collection::concat),
    known("contains", collection::contains),
    known("createarray", collection::createarray),
    known("createobject", collection::createobject),
    known("empty", collection::empty),
    known("first", collection::first_or_last),
    known("flatten", collection::flatten),
    known("indexof", collection::index_of),
    known("intersection", collection::intersection),
    known("items", collection::items),
    known("last", collection::first_or_last),
    known("lastindexof", collection::index_of),
    known("length", collection::length),
    symbolic("null", collection::null),
    known("objectkeys", collection::objectkeys),
    known("range", collection::range),
    known("shallowmerge", collection::union),
    known("skip", collection::skip_or_take),
    known("take", collection::skip_or_take),
    known("tryget", collection::tryget),
    known("union", collection::union),
    // Conversions (conversion.rs).
    known("array", conversion::array),
    known("bool", conversion::bool),
    known("float", conversion::float),
    known("int", conversion::int),
    symbolic("string", conversion::string),
    // The deployment and its scope (deployment.rs).
    symbolic("copyindex", deployment::copyindex),
    symbolic("deployer", deployment::deployment_time),
    known("deployment", deployment::deployment),
    known("environment", deployment::environment),
    known("extensionresourceid", deployment::resource_id),
    symbolic("newguid", deployment::deployment_time),
    symbolic("parameters", deployment::parameters),
    symbolic("pickzones", deployment::deployment_time),
    symbolic("providers", deployment::deployment_time),
    symbolic("reference", deployment::reference),
    symbolic("references", deployment::reference),
    known("resourcegroup", deployment::resourcegroup),
    known("resourceid", deployment::resource_id),
    known("subscription", deployment::subscription),
    known("subscriptionresourceid", deployment::resource_id),
    known("tenant", deployment::tenant),
    known("tenantresourceid", deployment::resource_id),
    symbolic("utcnow", deployment::deployment_time),
    symbolic("variables", deployment::variables),
    // Encodings and derived strings (encoding.rs).
    known("base64", encoding::base64),
    known("guid", encoding::guid),
    known("json", encoding::json),
    known("uniquestring", encoding::uniquestring),
    known("uri", encoding::uri),
    known("uricomponent", encoding::uricomponent),
    // Lambdas (lambda.rs).
    known("filter", lambda::filter_or_map),
    lazy("lambda", lambda::lambda),
    symbolic("lambdavariables", lambda::lambdavariables),
    known("map", lambda::filter_or_map),
    known("reduce", lambda::reduce),
    known("sort", lambda::sort),
    // Logic and comparison (logical.rs).
    known("and", logical::and_or),
    symbolic("coalesce", logical::coalesce),
    known("equals", logical::equals),
    symbolic("false", logical::false_),
    known("greater", logical::compare),
    known("greaterorequals", logical::compare),
    lazy("if", logical::if_),
    known("less", logical::compare),
    known("lessorequals", logical::compare),
    known("not", logical::not),
    known("or", logical::and_or),
    symbolic("true", logical::true_),
    // IP networks (network.rs).
    known("cidrhost", network::cidrhost),
    known("cidrsubnet", network::cidrsubnet),
    known("parsecidr", network::parsecidr),
    // Integers (numeric.rs).
    known("add", numeric::arithmetic),
    known("div", numeric::arithmetic),
    known("max", numeric::min_or_max),
    known("min", numeric::min_or_max),
    known("mod", numeric::arithmetic),
    known("mul", numeric::arithmetic),
    known("sub", numeric::arithmetic),
    // Strings (string.rs).
    known("endswith", string::startswith_or_endswith),
    symbolic("format", string::format),
    known("join", string::join),
    known("padleft", string::padleft),
    known("replace", string::replace),
    known("split", string::split),
    known("startswith", string::startswith_or_endswith),
    known("substring", string::substring),
    known("tolower", string::tolower),
    known("toupper", string::toupper),
    known("trim", string::trim),
];

static BY_NAME: LazyLock<BTreeMap<&'static str, Body>> = LazyLock::new(|| {
    FUNCTIONS
        .iter()
        .map(|function| (function.name, function.body))
        .collect()
});

/// How the function named `lowercase` takes its arguments; `None` when it is not registered.
pub(crate) fn lookup(lowercase: &str) -> Option<Body> {
    BY_NAME.get(lowercase).copied()
}

/// Calls `function` (what [`lookup`] found for `call.function`, unless it was lazy) with
/// evaluated arguments.
pub(crate) fn call(call: &Call<'_>, function: Option<(Args, Eager)>, args: &[Value]) -> Res {
    // A function walks (at least copies) the elements of its arguments: a step each, so that a
    // call repeated in a copy loop over a large array is bounded like the loop it is.
    let elements = args.iter().map(elements).sum();
    call.budget().spend_on(call.name, elements, call.span)?;
    if let Some((Args::Symbolic, body)) = function {
        return body(call, args);
    }
    if function.is_none() && call.function.starts_with("list") {
        // `listKeys(id, version)`, `listSecrets(...)`: what only the deployed resource knows.
        let target = args.first().map(string).transpose()?.unwrap_or_default();
        return call.make(Kind::Runtime(Reference {
            address: address_of_id(&target),
            attribute: format!("{}()", call.name),
        }));
    }
    if let Some(symbolic) = args.iter().find(|a| a.is_symbolic()) {
        let name = call.name;
        return Err(match &symbolic.kind {
            Kind::Unknown(reason) => reason.clone(),
            Kind::Runtime(reference) => {
                format!("`{name}` is applied to `{reference}`, which is only known at deployment")
            }
            _ => format!("`{name}` is applied to a string only known at deployment"),
        });
    }
    match function {
        Some((_, body)) => body(call, args),
        None if call.function.contains('.') => {
            call.context.user_function(call.name, args, call.span)
        }
        None => Err(format!(
            "`{}` is not a function vnetlint evaluates; the value is treated as unknown",
            call.name
        )),
    }
}

/// The elements of an array or the members of an object (none for anything else).
fn elements(value: &Value) -> usize {
    match &value.kind {
        Kind::Array(items) => items.len(),
        Kind::Object(members) => members.len(),
        _ => 0,
    }
}

/// A string argument (an integer prints as one).
pub(crate) fn string(value: &Value) -> Result<String, String> {
    match &value.kind {
        Kind::Str(s) => Ok(s.clone()),
        Kind::Int(i) => Ok(i.to_string()),
        Kind::Unknown(reason) => Err(reason.clone()),
        Kind::Runtime(r) => Err(format!("`{r}` is only known at deployment")),
        _ => Err("a string is expected".to_owned()),
    }
}

/// Every argument as a string, joined with `-` (the seed of `uniqueString` and `guid`).
fn joined_strings(args: &[Value]) -> Result<String, String> {
    Ok(args
        .iter()
        .map(string)
        .collect::<Result<Vec<_>, _>>()?
        .join("-"))
}

/// An integer argument (a string of digits converts).
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

/// A boolean argument (`'true'` and `'false'` in any case convert).
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

/// Object members with string values, all at `span`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_registered_once_in_lowercase() {
        assert_eq!(BY_NAME.len(), FUNCTIONS.len());
        assert!(
            FUNCTIONS
                .iter()
                .all(|f| f.name == f.name.to_ascii_lowercase())
        );
        // No registered name may be taken for a `list*()` deployment-time function.
        assert!(!FUNCTIONS.iter().any(|f| f.name.starts_with("list")));
    }
}
