//! A tolerant parser of connection strings into the server they name (host and port) and the
//! secrets they carry, over IR templates whose parts may be symbolic references.
//!
//! Shapes understood: ADO.NET / ODBC key-value lists (`Server=tcp:host,1433;…`, `Data Source=`,
//! `Address=`, `Host=`/`Port=` for `PostgreSQL` and `MySQL`), `StackExchange.Redis`
//! (`host:6380,password=…,ssl=True`), URIs (`postgres://user:pw@host:5432/db`, `mongodb://…`,
//! `redis://…`) and JDBC (`jdbc:sqlserver://host:1433;databaseName=…`,
//! `jdbc:postgresql://host:5432/db`).
//!
//! Design: the template is read as a stream of characters in which each reference or unknown
//! part is one opaque token, so that `Server=tcp:${azurerm_public_ip.sql.ip_address},1433` yields
//! the reference itself as the host. The parser never panics and never guesses: a host made of
//! text and symbolic parts together is `Host::Mixed`, a port that is not a literal number is
//! `Port::Unresolved`. It is a fuzz target (`parse_connection_string` on any template).

use vnetlint_ir::{Reference, Template, TemplatePart};

/// The database or cache engine a connection string is for; it decides the default port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    SqlServer,
    PostgreSql,
    MySql,
    Redis,
    MongoDb,
    /// A shape vnetlint recognises without knowing the engine (no type, no telling keys).
    Unknown,
}

impl Engine {
    /// The engine App Service's connection string `type` names (`SQLAzure`, `MySql`, …).
    pub fn from_kind(kind: &str) -> Option<Engine> {
        match kind.to_ascii_lowercase().as_str() {
            "sqlserver" | "sqlazure" => Some(Engine::SqlServer),
            "postgresql" => Some(Engine::PostgreSql),
            "mysql" => Some(Engine::MySql),
            "rediscache" => Some(Engine::Redis),
            _ => None,
        }
    }

    /// The port a client uses when the string names none (`None` when it has no default).
    pub fn default_port(self) -> Option<u16> {
        match self {
            Engine::SqlServer => Some(1433),
            Engine::PostgreSql => Some(5432),
            Engine::MySql => Some(3306),
            Engine::Redis => Some(6379),
            Engine::MongoDb => Some(27017),
            Engine::Unknown => None,
        }
    }
}

/// The server part of a connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// Literal text: an IP address or a host name.
    Literal(String),
    /// A value Azure computes at deployment, such as a public IP's address.
    Reference(Reference),
    /// A value the frontend could not resolve, with its reason.
    Unknown(String),
    /// Literal text and symbolic parts together (`db-${var.env}.example.com`).
    Mixed,
}

/// The port of a connection string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    /// Written in the string.
    Explicit(u16),
    /// Not written: the engine's default.
    Default(u16),
    /// Written, but not as a literal number vnetlint can read.
    Unresolved,
    /// Not written and the engine has no default vnetlint knows (or a named instance or SRV
    /// record decides it at connection time).
    Absent,
}

impl Port {
    pub fn number(self) -> Option<u16> {
        match self {
            Port::Explicit(p) | Port::Default(p) => Some(p),
            Port::Unresolved | Port::Absent => None,
        }
    }
}

/// Where a connection string connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: Host,
    pub port: Port,
    pub engine: Engine,
}

/// A secret-bearing entry of a connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// How the entry is introduced, as written, for messages: `Password=`, `sig=`, or
    /// `user:…@` for the password of a URI.
    pub key: String,
    /// The value is literal text (not a reference, an unknown value or a placeholder such as
    /// `{password}`): the secret itself is written in the template.
    pub literal: bool,
}

/// What a connection string says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// The server, when the string has a shape that names one.
    pub server: Option<Server>,
    pub secrets: Vec<Secret>,
}

/// Parses a connection string, inferring the engine from its shape.
pub fn parse_connection_string(template: &Template) -> Parsed {
    parse_with_kind(template, None)
}

/// Parses a connection string whose App Service `type` is `kind` (`SQLAzure`, `PostgreSQL`, …),
/// which decides the default port when the string names none.
pub fn parse_with_kind(template: &Template, kind: Option<&str>) -> Parsed {
    let toks = tokens(template);
    let hint = kind.and_then(Engine::from_kind);
    Parsed {
        server: server(&toks, hint),
        secrets: secrets(&toks),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'t> {
    Ch(char),
    Part(&'t TemplatePart),
}

impl Tok<'_> {
    fn is(self, c: char) -> bool {
        self == Tok::Ch(c)
    }

    fn is_space(self) -> bool {
        matches!(self, Tok::Ch(c) if c.is_whitespace())
    }
}

fn tokens(template: &Template) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    for part in &template.parts {
        match part {
            TemplatePart::Literal(text) => out.extend(text.chars().map(Tok::Ch)),
            other => out.push(Tok::Part(other)),
        }
    }
    out
}

fn trim<'a, 't>(mut toks: &'a [Tok<'t>]) -> &'a [Tok<'t>] {
    while toks.first().is_some_and(|t| t.is_space()) {
        toks = &toks[1..];
    }
    while toks.last().is_some_and(|t| t.is_space()) {
        toks = &toks[..toks.len() - 1];
    }
    toks
}

/// The text of a slice when it holds no symbolic part.
fn text(toks: &[Tok<'_>]) -> Option<String> {
    toks.iter()
        .map(|t| match t {
            Tok::Ch(c) => Some(*c),
            Tok::Part(_) => None,
        })
        .collect()
}

fn host_of(toks: &[Tok<'_>]) -> Host {
    let toks = strip_quotes(trim(toks));
    match toks {
        [Tok::Part(TemplatePart::Reference(r))] => Host::Reference(r.clone()),
        [Tok::Part(TemplatePart::Unknown(reason))] => Host::Unknown(reason.clone()),
        _ => match text(toks) {
            Some(t) => Host::Literal(t),
            None => Host::Mixed,
        },
    }
}

fn port_of(toks: &[Tok<'_>]) -> Port {
    match text(strip_quotes(trim(toks))) {
        Some(t) => t.trim().parse().map_or(Port::Unresolved, Port::Explicit),
        None => Port::Unresolved,
    }
}

fn strip_quotes<'a, 't>(toks: &'a [Tok<'t>]) -> &'a [Tok<'t>] {
    match toks {
        [first, inner @ .., last]
            if (first.is('"') && last.is('"')) || (first.is('\'') && last.is('\'')) =>
        {
            inner
        }
        _ => toks,
    }
}

/// Splits at `sep` outside single or double quotes.
fn split<'a, 't>(toks: &'a [Tok<'t>], sep: char) -> Vec<&'a [Tok<'t>]> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        let Tok::Ch(c) = *tok else { continue };
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == sep => {
                out.push(&toks[start..i]);
                start = i + 1;
            }
            Some(_) | None => {}
        }
    }
    out.push(&toks[start..]);
    out
}

fn position(toks: &[Tok<'_>], c: char) -> Option<usize> {
    toks.iter().position(|t| t.is(c))
}

fn rposition(toks: &[Tok<'_>], c: char) -> Option<usize> {
    toks.iter().rposition(|t| t.is(c))
}

/// A key as compared: lowercase, without spaces and underscores (`Data Source` = `datasource`).
fn normal_key(toks: &[Tok<'_>]) -> Option<String> {
    text(trim(toks)).map(|k| {
        k.chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .flat_map(char::to_lowercase)
            .collect()
    })
}

fn starts_with_ci(toks: &[Tok<'_>], prefix: &str) -> bool {
    let mut it = toks.iter();
    prefix
        .chars()
        .all(|p| matches!(it.next(), Some(Tok::Ch(c)) if c.eq_ignore_ascii_case(&p)))
}

fn server(toks: &[Tok<'_>], hint: Option<Engine>) -> Option<Server> {
    let toks = strip_quotes(trim(toks));
    if toks.is_empty() {
        return None;
    }
    if let Some(server) = uri(toks, hint) {
        return Some(server);
    }
    let has_semicolon = position(toks, ';').is_some();
    let has_equals = position(toks, '=').is_some();
    if !has_semicolon && (hint == Some(Engine::Redis) || has_equals) {
        // StackExchange.Redis: the first comma-separated item is `host[:port]`, options follow.
        let items = split(toks, ',');
        let first = items[0];
        if position(first, '=').is_none() && !trim(first).is_empty() {
            return Some(redis(toks, &items));
        }
    }
    if has_equals {
        return key_value(toks, hint);
    }
    None
}

fn redis(_toks: &[Tok<'_>], items: &[&[Tok<'_>]]) -> Server {
    let (host, port) = host_and_port(items[0]);
    let ssl = items[1..].iter().any(|item| {
        let mut kv = split(item, '=');
        let key = kv.first().and_then(|k| normal_key(k));
        let value = kv.pop().and_then(|v| text(trim(v)));
        key.as_deref() == Some("ssl") && value.is_some_and(|v| v.eq_ignore_ascii_case("true"))
    });
    let port = match port {
        Port::Absent => Port::Default(if ssl { 6380 } else { 6379 }),
        other => other,
    };
    Server {
        host,
        port,
        engine: Engine::Redis,
    }
}

/// `host`, `host:port` or `[v6]:port`; a host that is a lone symbolic part may be followed by
/// `:port`.
fn host_and_port(toks: &[Tok<'_>]) -> (Host, Port) {
    let toks = trim(toks);
    if toks.first().is_some_and(|t| t.is('[')) {
        if let Some(end) = position(toks, ']') {
            let host = host_of(&toks[1..end]);
            let rest = &toks[end + 1..];
            let port = match rest.split_first() {
                Some((colon, port)) if colon.is(':') => port_of(port),
                _ => Port::Absent,
            };
            return (host, port);
        }
        return (Host::Mixed, Port::Absent);
    }
    let colons = toks.iter().filter(|t| t.is(':')).count();
    match (colons, rposition(toks, ':')) {
        // One colon: host and port. More: a bare IPv6 address, which has no port here.
        (1, Some(i)) => (host_of(&toks[..i]), port_of(&toks[i + 1..])),
        _ => (host_of(toks), Port::Absent),
    }
}

/// Key-value lists: ADO.NET, ODBC, Npgsql, `MySQL` Connector.
fn key_value(toks: &[Tok<'_>], hint: Option<Engine>) -> Option<Server> {
    let mut server: Option<&[Tok<'_>]> = None;
    let mut host_key = false;
    let mut port: Option<&[Tok<'_>]> = None;
    let mut sql_hints = false;
    let mut ssl_mode = false;
    for entry in split(toks, ';') {
        let Some(eq) = position(entry, '=') else {
            continue;
        };
        let Some(key) = normal_key(&entry[..eq]) else {
            continue;
        };
        let value = &entry[eq + 1..];
        match key.as_str() {
            "server" | "datasource" | "address" | "addr" | "networkaddress" => {
                server.get_or_insert(value);
            }
            "host" | "hostname" => {
                host_key = true;
                server.get_or_insert(value);
            }
            "port" => port = Some(value),
            "initialcatalog"
            | "integratedsecurity"
            | "trustservercertificate"
            | "multipleactiveresultsets"
            | "persistsecurityinfo"
            | "applicationintent"
            | "multisubnetfailover" => sql_hints = true,
            "sslmode" => ssl_mode = true,
            _ => {}
        }
    }
    let value = trim(strip_quotes(trim(server?)));
    let tcp = starts_with_ci(value, "tcp:");
    let engine = hint.unwrap_or(if host_key {
        Engine::PostgreSql
    } else if tcp || sql_hints {
        Engine::SqlServer
    } else if ssl_mode {
        Engine::MySql
    } else {
        Engine::Unknown
    });
    let explicit = port.map(port_of);
    let (host, written, named_instance) = match engine {
        Engine::SqlServer | Engine::Unknown => sql_server_value(value),
        Engine::PostgreSql | Engine::MySql | Engine::Redis | Engine::MongoDb => {
            // Npgsql and MySQL accept a comma list of hosts, each `host[:port]`: the first one
            // is the one a client tries first.
            let first = split(value, ',')[0];
            let (host, port) = host_and_port(first);
            (host, port, false)
        }
    };
    let port = match (written, explicit) {
        (Port::Absent, Some(p)) | (p, _) if p != Port::Absent => p,
        _ if named_instance => Port::Absent,
        _ => engine.default_port().map_or(Port::Absent, Port::Default),
    };
    Some(Server { host, port, engine })
}

/// `tcp:host,port`, `host\instance`, `np:…`: the host, the port after the comma, and whether a
/// named instance (whose port the SQL Browser decides) is given.
fn sql_server_value(value: &[Tok<'_>]) -> (Host, Port, bool) {
    let mut value = value;
    for prefix in ["tcp:", "np:", "lpc:", "admin:"] {
        if starts_with_ci(value, prefix) {
            value = &value[prefix.len()..];
            break;
        }
    }
    let (host, port) = match position(value, ',') {
        Some(i) => (&value[..i], port_of(&value[i + 1..])),
        None => (value, Port::Absent),
    };
    let (host, named) = match position(host, '\\') {
        Some(i) => (&host[..i], true),
        None => (host, false),
    };
    (host_of(host), port, named)
}

/// URI and JDBC forms: `scheme://[user[:password]@]host[:port][/path][?query]` and
/// `jdbc:sqlserver://host[\instance][:port][;key=value…]`.
fn uri(toks: &[Tok<'_>], hint: Option<Engine>) -> Option<Server> {
    let sep = (0..toks.len().saturating_sub(2))
        .find(|&i| toks[i].is(':') && toks[i + 1].is('/') && toks[i + 2].is('/'))?;
    let scheme = text(&toks[..sep])?.to_ascii_lowercase();
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-:".contains(c))
    {
        return None;
    }
    let scheme = scheme.strip_prefix("jdbc:").unwrap_or(&scheme);
    let (engine, default) = match scheme {
        "sqlserver" | "mssql" => (Engine::SqlServer, Some(1433)),
        "postgres" | "postgresql" => (Engine::PostgreSql, Some(5432)),
        "mysql" | "mariadb" => (Engine::MySql, Some(3306)),
        "redis" => (Engine::Redis, Some(6379)),
        "rediss" => (Engine::Redis, Some(6380)),
        "mongodb" => (Engine::MongoDb, Some(27017)),
        // SRV records decide the port.
        "mongodb+srv" => (Engine::MongoDb, None),
        // Other URIs (https endpoints of storage, Service Bus) name no database server.
        _ => return None,
    };
    let engine = hint.filter(|h| *h == engine).unwrap_or(engine);
    let rest = &toks[sep + 3..];
    let end = rest
        .iter()
        .position(|t| t.is('/') || t.is('?') || t.is(';') || t.is('#'))
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let hostport = match rposition(authority, '@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    // MongoDB lists several hosts; the first is tried first.
    let first = split(hostport, ',')[0];
    let (mut host, mut port, mut named) = if engine == Engine::SqlServer {
        jdbc_sql_host(first)
    } else {
        let (h, p) = host_and_port(first);
        (h, p, false)
    };
    // JDBC properties after `;` may carry the server and port instead.
    if engine == Engine::SqlServer {
        for entry in split(&rest[end..], ';') {
            let Some(eq) = position(entry, '=') else {
                continue;
            };
            match normal_key(&entry[..eq]).as_deref() {
                Some("servername") if trim(first).is_empty() => {
                    let (h, _, n) = sql_server_value(trim(&entry[eq + 1..]));
                    host = h;
                    named = n;
                }
                Some("portnumber" | "port") => port = port_of(&entry[eq + 1..]),
                Some("instancename") => named = true,
                _ => {}
            }
        }
    }
    if matches!(&host, Host::Literal(h) if h.is_empty()) {
        return None;
    }
    let port = match port {
        Port::Absent if named => Port::Absent,
        Port::Absent => default.map_or(Port::Absent, Port::Default),
        other => other,
    };
    Some(Server { host, port, engine })
}

/// `host[\instance][:port]` of a JDBC SQL Server URL.
fn jdbc_sql_host(toks: &[Tok<'_>]) -> (Host, Port, bool) {
    let (host, port) = match rposition(toks, ':') {
        Some(i) => (&toks[..i], port_of(&toks[i + 1..])),
        None => (toks, Port::Absent),
    };
    match position(host, '\\') {
        Some(i) => (host_of(&host[..i]), port, true),
        None => (host_of(host), port, false),
    }
}

/// Keys whose value is a secret, compared lowercase, and the separators that may introduce
/// them: `sig` is a SAS query parameter (after `&`, `?` or `=` in `SharedAccessSignature=sig=…`).
const SECRET_KEYS: &[&str] = &["password", "pwd", "accountkey", "sharedaccesskey", "sig"];

/// Every secret-bearing entry: `key=value` pairs anywhere in the string (ADO.NET, Redis
/// options, URI queries, JDBC properties) and the password of a URI's user information.
fn secrets(toks: &[Tok<'_>]) -> Vec<Secret> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let boundary = i == 0
            || matches!(toks[i - 1], Tok::Ch(c) if c == ';' || c == ',' || c == '&' || c == '?' || c.is_whitespace() || c == '=');
        if !boundary {
            i += 1;
            continue;
        }
        let Some((key, after)) = secret_key_at(toks, i) else {
            i += 1;
            continue;
        };
        if key.eq_ignore_ascii_case("sig")
            || !matches!(i.checked_sub(1).map(|p| toks[p]), Some(Tok::Ch('=')))
        {
            let query = key.eq_ignore_ascii_case("sig")
                || matches!(i.checked_sub(1).map(|p| toks[p]), Some(Tok::Ch('&' | '?')));
            let end = value_end(toks, after, query);
            let value = &toks[after..end];
            out.push(Secret {
                key: format!("{key}="),
                literal: is_literal_secret(value),
            });
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    if let Some(secret) = uri_password(toks) {
        out.push(secret);
    }
    out
}

/// The secret key written at `i` (as written) and the index after its `=`.
fn secret_key_at(toks: &[Tok<'_>], i: usize) -> Option<(String, usize)> {
    for key in SECRET_KEYS {
        let n = key.chars().count();
        let Some(slice) = toks.get(i..i + n) else {
            continue;
        };
        let Some(written) = text(slice) else {
            continue;
        };
        if !written.eq_ignore_ascii_case(key) {
            continue;
        }
        let mut j = i + n;
        while toks.get(j).is_some_and(|t| t.is_space()) {
            j += 1;
        }
        if toks.get(j).is_some_and(|t| t.is('=')) {
            return Some((written, j + 1));
        }
    }
    None
}

/// Where a value starting at `start` ends: at `;` outside quotes, also at `&` in a query, and
/// at `,` when the string is a Redis option list (no `;` at all).
fn value_end(toks: &[Tok<'_>], start: usize, query: bool) -> usize {
    let redis = position(toks, ';').is_none();
    let mut quote: Option<char> = None;
    let mut start = start;
    while toks.get(start).is_some_and(|t| t.is_space()) {
        start += 1;
    }
    let mut i = start;
    while i < toks.len() {
        if let Tok::Ch(c) = toks[i] {
            match quote {
                Some(q) if c == q => quote = None,
                None if i == start && (c == '"' || c == '\'') => quote = Some(c),
                None if c == ';' || (query && c == '&') || (redis && c == ',') => return i,
                Some(_) | None => {}
            }
        }
        i += 1;
    }
    toks.len()
}

/// The password of `scheme://user:password@host`.
fn uri_password(toks: &[Tok<'_>]) -> Option<Secret> {
    let sep = (0..toks.len().saturating_sub(2))
        .find(|&i| toks[i].is(':') && toks[i + 1].is('/') && toks[i + 2].is('/'))?;
    let rest = &toks[sep + 3..];
    let end = rest
        .iter()
        .position(|t| t.is('/') || t.is('?') || t.is(';') || t.is('#'))
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let at = rposition(authority, '@')?;
    let userinfo = &authority[..at];
    let colon = position(userinfo, ':')?;
    Some(Secret {
        key: "user:…@".to_owned(),
        literal: is_literal_secret(&userinfo[colon + 1..]),
    })
}

/// Whether a value is a secret written out: literal text that is not empty and not a
/// placeholder (`{password}`, `<password>`, `$(PASSWORD)`, `%PASSWORD%`, `__PASSWORD__`,
/// `#{password}#`, `***`). A value with any symbolic part (a variable, a parameter, a Key Vault
/// reference) is not.
fn is_literal_secret(value: &[Tok<'_>]) -> bool {
    let Some(text) = text(strip_quotes(trim(value))) else {
        return false;
    };
    let t = text.trim();
    !(t.is_empty() || is_placeholder(t))
}

pub(crate) fn is_placeholder(t: &str) -> bool {
    let wrapped = |open: &str, close: &str| {
        t.len() > open.len() + close.len() && t.starts_with(open) && t.ends_with(close)
    };
    wrapped("{", "}")
        || wrapped("<", ">")
        || wrapped("$(", ")")
        || wrapped("%", "%")
        || wrapped("__", "__")
        || wrapped("#{", "}#")
        || wrapped("[", "]")
        || t.starts_with("@Microsoft.KeyVault(")
        || t.chars().all(|c| c == '*' || c == '•')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Template {
        Template::literal(text)
    }

    fn reference(address: &str, attribute: &str) -> TemplatePart {
        TemplatePart::Reference(Reference {
            address: address.to_owned(),
            attribute: attribute.to_owned(),
        })
    }

    fn parts(parts: Vec<TemplatePart>) -> Template {
        Template { parts }
    }

    fn l(text: &str) -> TemplatePart {
        TemplatePart::Literal(text.to_owned())
    }

    fn server_of(text: &str) -> (Host, Port, Engine) {
        let s = parse_connection_string(&lit(text)).server.expect(text);
        (s.host, s.port, s.engine)
    }

    fn host(text: &str) -> Host {
        Host::Literal(text.to_owned())
    }

    #[test]
    fn sql_server_forms() {
        assert_eq!(
            server_of("Server=tcp:10.0.1.6,1433;Initial Catalog=app;User ID=app;Password=x;"),
            (host("10.0.1.6"), Port::Explicit(1433), Engine::SqlServer)
        );
        assert_eq!(
            server_of("Data Source=sql.contoso.com;Initial Catalog=app;Integrated Security=True"),
            (
                host("sql.contoso.com"),
                Port::Default(1433),
                Engine::SqlServer
            )
        );
        assert_eq!(
            server_of("Address=10.0.1.6,14330;Database=app;Encrypt=True"),
            (host("10.0.1.6"), Port::Explicit(14330), Engine::Unknown)
        );
        assert_eq!(
            server_of("Server=tcp:db.database.windows.net;Initial Catalog=x").1,
            Port::Default(1433)
        );
        // A named instance: the SQL Browser decides the port.
        assert_eq!(
            server_of("Data Source=10.0.1.6\\SQLEXPRESS;Initial Catalog=x"),
            (host("10.0.1.6"), Port::Absent, Engine::SqlServer)
        );
        assert_eq!(
            server_of("Data Source=10.0.1.6\\SQLEXPRESS,1500;Initial Catalog=x").1,
            Port::Explicit(1500)
        );
        assert_eq!(
            server_of("server = 'tcp:10.0.0.5, 1433' ; Initial Catalog=x").0,
            host("10.0.0.5")
        );
    }

    #[test]
    fn the_kind_decides_the_default_port() {
        let parsed = parse_with_kind(
            &lit("Server=10.0.1.6;Database=app;Uid=a;Pwd=b"),
            Some("MySql"),
        );
        let server = parsed.server.unwrap();
        assert_eq!(server.port, Port::Default(3306));
        assert_eq!(server.engine, Engine::MySql);
        let parsed = parse_with_kind(&lit("Server=10.0.1.6;Database=app"), Some("SQLAzure"));
        assert_eq!(parsed.server.unwrap().port, Port::Default(1433));
        // Without a type or a telling key, the engine and the port are unknown.
        assert_eq!(server_of("Server=10.0.1.6;Database=app").1, Port::Absent);
    }

    #[test]
    fn postgres_and_mysql_forms() {
        assert_eq!(
            server_of("Host=10.0.3.4;Port=5433;Database=app;Username=u;Password=p"),
            (host("10.0.3.4"), Port::Explicit(5433), Engine::PostgreSql)
        );
        assert_eq!(
            server_of("Host=db1.internal,db2.internal;Database=app"),
            (
                host("db1.internal"),
                Port::Default(5432),
                Engine::PostgreSql
            )
        );
        assert_eq!(
            server_of("Host=db1:6432;Database=app").1,
            Port::Explicit(6432)
        );
        assert_eq!(
            server_of("Server=10.0.3.5;Port=3307;Database=app;SslMode=Required"),
            (host("10.0.3.5"), Port::Explicit(3307), Engine::MySql)
        );
    }

    #[test]
    fn redis_forms() {
        assert_eq!(
            server_of(
                "cache.redis.cache.windows.net:6380,password=abc,ssl=True,abortConnect=False"
            ),
            (
                host("cache.redis.cache.windows.net"),
                Port::Explicit(6380),
                Engine::Redis
            )
        );
        assert_eq!(server_of("10.0.4.4,ssl=true").1, Port::Default(6380));
        let parsed = parse_with_kind(&lit("10.0.4.4"), Some("RedisCache"));
        assert_eq!(parsed.server.unwrap().port, Port::Default(6379));
    }

    #[test]
    fn uri_and_jdbc_forms() {
        assert_eq!(
            server_of("postgres://app:pw@10.0.3.4:5432/app?sslmode=require"),
            (host("10.0.3.4"), Port::Explicit(5432), Engine::PostgreSql)
        );
        assert_eq!(
            server_of("postgresql://10.0.3.4/app").1,
            Port::Default(5432)
        );
        assert_eq!(
            server_of("mongodb://u:p@10.0.5.4:27018,10.0.5.5:27017/db?replicaSet=rs0"),
            (host("10.0.5.4"), Port::Explicit(27018), Engine::MongoDb)
        );
        assert_eq!(
            server_of("mongodb+srv://cluster0.example.net/db").1,
            Port::Absent
        );
        assert_eq!(server_of("rediss://:pw@10.0.4.4").1, Port::Default(6380));
        assert_eq!(
            server_of("jdbc:sqlserver://10.0.1.6:1433;databaseName=app;user=u;password=p"),
            (host("10.0.1.6"), Port::Explicit(1433), Engine::SqlServer)
        );
        assert_eq!(
            server_of("jdbc:sqlserver://;serverName=10.0.1.7;portNumber=1444;databaseName=app"),
            (host("10.0.1.7"), Port::Explicit(1444), Engine::SqlServer)
        );
        assert_eq!(
            server_of("jdbc:postgresql://10.0.3.4:5432/app"),
            (host("10.0.3.4"), Port::Explicit(5432), Engine::PostgreSql)
        );
        assert_eq!(
            server_of("jdbc:mysql://[fd00::4]:3306/app").0,
            host("fd00::4")
        );
        // URIs that name no database server.
        assert_eq!(
            parse_connection_string(&lit("https://example.com/x")).server,
            None
        );
    }

    #[test]
    fn symbolic_hosts_are_kept() {
        let pip = reference("azurerm_public_ip.sql", "ip_address");
        let t = parts(vec![
            l("Server=tcp:"),
            pip.clone(),
            l(",1433;Initial Catalog=app"),
        ]);
        let s = parse_connection_string(&t).server.unwrap();
        let TemplatePart::Reference(r) = pip else {
            unreachable!()
        };
        assert_eq!(s.host, Host::Reference(r.clone()));
        assert_eq!(s.port, Port::Explicit(1433));
        let t = parts(vec![
            l("postgres://u@"),
            TemplatePart::Reference(r.clone()),
            l(":5432/db"),
        ]);
        assert_eq!(
            parse_connection_string(&t).server.unwrap().host,
            Host::Reference(r)
        );
        let t = parts(vec![
            l("Server=tcp:db-"),
            TemplatePart::Unknown("var".into()),
            l(".example.com"),
        ]);
        assert_eq!(
            parse_connection_string(&t).server.unwrap().host,
            Host::Mixed
        );
        let t = parts(vec![
            l("Server=tcp:"),
            TemplatePart::Unknown("no value".into()),
            l(";Initial Catalog=x"),
        ]);
        assert_eq!(
            parse_connection_string(&t).server.unwrap().host,
            Host::Unknown("no value".into())
        );
        let t = parts(vec![
            l("Server=tcp:10.0.1.6,"),
            TemplatePart::Unknown("port".into()),
        ]);
        assert_eq!(
            parse_connection_string(&t).server.unwrap().port,
            Port::Unresolved
        );
    }

    fn secret_keys(t: &Template) -> Vec<(String, bool)> {
        parse_connection_string(t)
            .secrets
            .into_iter()
            .map(|s| (s.key, s.literal))
            .collect()
    }

    #[test]
    fn literal_secrets_are_found() {
        let k = |s: &str| secret_keys(&lit(s));
        assert_eq!(
            k("Server=tcp:x,1433;User ID=a;Password=hunter2;"),
            vec![("Password=".into(), true)]
        );
        assert_eq!(
            k("Server=x;Uid=a;PWD = 'se;cret'"),
            vec![("PWD=".into(), true)]
        );
        assert_eq!(
            k(
                "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==;EndpointSuffix=core.windows.net"
            ),
            vec![("AccountKey=".into(), true)]
        );
        assert_eq!(
            k(
                "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=k="
            ),
            vec![("SharedAccessKey=".into(), true)]
        );
        assert_eq!(
            k(
                "BlobEndpoint=https://st.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=AbC%3D"
            ),
            vec![("sig=".into(), true)]
        );
        assert_eq!(
            k("host:6380,password=abc,ssl=True"),
            vec![("password=".into(), true)]
        );
        assert_eq!(
            k("postgres://app:pw@10.0.3.4/app"),
            vec![("user:…@".into(), true)]
        );
        assert_eq!(
            k("jdbc:sqlserver://h:1433;databaseName=a;password=p"),
            vec![("password=".into(), true)]
        );
        assert!(k("Server=x;Initial Catalog=y;Integrated Security=True").is_empty());
        assert!(k("Endpoint=sb://x/;SharedAccessKeyName=Root").is_empty());
        assert!(k("postgres://app@10.0.3.4/app").is_empty());
    }

    #[test]
    fn references_and_placeholders_are_not_literal_secrets() {
        let k = |s: &str| secret_keys(&lit(s));
        assert_eq!(
            k("Server=x;Password={your_password}"),
            vec![("Password=".into(), false)]
        );
        assert_eq!(
            k("Server=x;Password=<password>"),
            vec![("Password=".into(), false)]
        );
        assert_eq!(k("Server=x;Password=;"), vec![("Password=".into(), false)]);
        assert_eq!(
            k("Server=x;Password=$(DB_PASSWORD)"),
            vec![("Password=".into(), false)]
        );
        let t = parts(vec![
            l("Server=x;Password="),
            TemplatePart::Unknown("secure".into()),
            l(";"),
        ]);
        assert_eq!(secret_keys(&t), vec![("Password=".into(), false)]);
        let t = parts(vec![
            l("postgres://u:"),
            TemplatePart::Unknown("secure".into()),
            l("@h/db"),
        ]);
        assert_eq!(secret_keys(&t), vec![("user:…@".into(), false)]);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let odd = [
            "",
            ";",
            "=",
            "==;;",
            "://",
            "a://",
            "x://@",
            "x://[",
            "[::1",
            "Server=",
            "Server=tcp:",
            "Server=,",
            "Password",
            "Password=",
            "Password=\"",
            "sig=&",
            "jdbc:sqlserver://",
            "host:",
            ":",
            "::::",
            "é=ü;Server=ü",
            "Server=[fd00::1]:5",
            "mongodb://,,,",
        ];
        for text in odd {
            let _ = parse_connection_string(&lit(text));
            let _ = parse_with_kind(&lit(text), Some("RedisCache"));
            let _ = parse_with_kind(&lit(text), Some("PostgreSQL"));
        }
        let t = parts(vec![TemplatePart::Unknown("x".into())]);
        assert_eq!(parse_connection_string(&t), Parsed::default());
        // A cheap exhaustive sweep over short strings of the interesting characters.
        let alphabet: Vec<char> = "s=;:,/@[]\\'\"&?p".chars().collect();
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            let _ = parse_connection_string(&lit(&s));
            let _ = parse_with_kind(&lit(&s), Some("RedisCache"));
            if s.chars().count() < 4 {
                for c in &alphabet {
                    stack.push(format!("{s}{c}"));
                }
            }
        }
    }
}
