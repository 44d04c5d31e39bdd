//! The ARM template expression syntax: `[func(arg, ...)]` with single-quoted strings (`''`
//! escapes a quote), integers, nested calls, `namespace.func(...)` user functions, property
//! access (`.ipAddress`) and indexing (`[0]`, `['key']`). There are no infix operators.

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Str(String),
    Int(i64),
    /// A function call; `name` is `namespace.member` for user-defined functions.
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Property(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
}

/// What a JSON string means: a literal (with a leading `[[` unescaped) or an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StringForm {
    Literal(String),
    Expression(Expr),
    /// An expression that does not parse: the message says where.
    Invalid(String),
}

/// Classifies a JSON string: an expression is `[...]`, `[[...` is a literal starting with `[`.
pub(crate) fn classify(text: &str) -> StringForm {
    if let Some(rest) = text.strip_prefix("[[") {
        return StringForm::Literal(format!("[{rest}"));
    }
    match text
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
    {
        Some(inner) => match parse(inner) {
            Ok(expr) => StringForm::Expression(expr),
            Err(message) => StringForm::Invalid(message),
        },
        None => StringForm::Literal(text.to_owned()),
    }
}

/// Parses the text between the brackets.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        chars: text.char_indices().collect(),
        pos: 0,
        depth: 0,
    };
    let expr = parser.expr()?;
    parser.skip_ws();
    if parser.pos < parser.chars.len() {
        return Err(format!(
            "unexpected `{}` at character {}",
            parser.chars[parser.pos].1,
            parser.pos + 1
        ));
    }
    Ok(expr)
}

struct Parser {
    chars: Vec<(usize, char)>,
    pos: usize,
    depth: usize,
}

/// Deeper nesting than ARM's 24,576-character limit allows is refused rather than recursed.
const MAX_DEPTH: usize = 200;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, ch: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(ch) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, ch: char) -> Result<(), String> {
        if self.eat(ch) {
            Ok(())
        } else {
            Err(match self.peek() {
                Some(found) => format!(
                    "expected `{ch}` but found `{found}` at character {}",
                    self.pos + 1
                ),
                None => format!("expected `{ch}` but the expression ended"),
            })
        }
    }

    fn ident(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' || c == '$' {
                out.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        out
    }

    fn expr(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the expression is nested too deeply".to_owned());
        }
        let mut expr = self.primary()?;
        loop {
            self.skip_ws();
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    self.skip_ws();
                    let name = self.ident();
                    if name.is_empty() {
                        return Err(format!(
                            "expected a property name after `.` at character {}",
                            self.pos + 1
                        ));
                    }
                    expr = Expr::Property(Box::new(expr), name);
                }
                Some('[') => {
                    self.pos += 1;
                    let index = self.expr()?;
                    self.expect(']')?;
                    expr = Expr::Index(Box::new(expr), Box::new(index));
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        self.skip_ws();
        match self.peek() {
            Some('\'') => {
                self.pos += 1;
                let mut out = String::new();
                loop {
                    match self.peek() {
                        Some('\'') => {
                            self.pos += 1;
                            if self.peek() == Some('\'') {
                                out.push('\'');
                                self.pos += 1;
                            } else {
                                return Ok(Expr::Str(out));
                            }
                        }
                        Some(c) => {
                            out.push(c);
                            self.pos += 1;
                        }
                        None => return Err("a string literal is not closed".to_owned()),
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos]
                    .iter()
                    .map(|&(_, c)| c)
                    .collect();
                text.parse::<i64>()
                    .map(Expr::Int)
                    .map_err(|_| format!("`{text}` is not an integer"))
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let mut name = self.ident();
                // `namespace.member(` is a user-defined function; any other `.` is property access,
                // which needs a value on its left, so it cannot follow a bare name.
                if self.peek() == Some('.') {
                    self.pos += 1;
                    let member = self.ident();
                    name = format!("{name}.{member}");
                }
                // Bare `true`, `false` and `null` are accepted as the functions of that name.
                self.skip_ws();
                if self.peek() != Some('(')
                    && ["true", "false", "null"]
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(&name))
                {
                    return Ok(Expr::Call {
                        name,
                        args: Vec::new(),
                    });
                }
                self.expect('(')?;
                let mut args = Vec::new();
                if !self.eat(')') {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(')') {
                            break;
                        }
                        self.expect(',')?;
                    }
                }
                Ok(Expr::Call { name, args })
            }
            Some(c) => Err(format!("unexpected `{c}` at character {}", self.pos + 1)),
            None => Err("the expression is empty".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Expr>) -> Expr {
        Expr::Call {
            name: name.to_owned(),
            args,
        }
    }

    #[test]
    fn literals_escapes_and_expressions_are_told_apart() {
        assert_eq!(classify("plain"), StringForm::Literal("plain".into()));
        assert_eq!(classify("[[x]"), StringForm::Literal("[x]".into()));
        assert_eq!(
            classify("[test] value"),
            StringForm::Literal("[test] value".into())
        );
        assert_eq!(
            classify("[concat('it''s', -1)]"),
            StringForm::Expression(call(
                "concat",
                vec![Expr::Str("it's".into()), Expr::Int(-1)]
            ))
        );
        assert!(matches!(classify("[concat('a']"), StringForm::Invalid(_)));
    }

    #[test]
    fn property_access_indexing_and_user_functions_parse() {
        let expr = parse("reference(resourceId('T', 'n')).ipAddress").unwrap();
        assert_eq!(
            expr,
            Expr::Property(
                Box::new(call(
                    "reference",
                    vec![call(
                        "resourceId",
                        vec![Expr::Str("T".into()), Expr::Str("n".into())]
                    )]
                )),
                "ipAddress".into()
            )
        );
        let expr = parse(" ns.f( parameters('a')[0]['k'] ) ").unwrap();
        assert_eq!(
            expr,
            call(
                "ns.f",
                vec![Expr::Index(
                    Box::new(Expr::Index(
                        Box::new(call("parameters", vec![Expr::Str("a".into())])),
                        Box::new(Expr::Int(0))
                    )),
                    Box::new(Expr::Str("k".into()))
                )]
            )
        );
        assert!(parse("a(").is_err());
        assert!(parse("'open").is_err());
        assert!(parse(&"f(".repeat(300)).is_err());
    }
}
