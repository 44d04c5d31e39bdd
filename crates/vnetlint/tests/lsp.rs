//! End-to-end tests of `vnetlint lsp`: the binary is spawned and spoken to over stdio in
//! JSON-RPC, as an editor does (initialize, didOpen, didChange, codeAction, hover, shutdown,
//! exit), and the published diagnostics are asserted.
//!
//! Every wait has a deadline (a reader thread feeds a channel read with `recv_timeout`, and the
//! exit is polled with `try_wait`), so a hung server fails the test instead of hanging it.
//! The framing is written by hand (a `Content-Length` header and a JSON body) so that this
//! package needs no LSP crate of its own.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(20);

use common::OPEN_SSH;

/// 0-based line of `destination_port_range` in [`OPEN_SSH`], where VNL101 points.
const PORT_LINE: u64 = 12;
/// 0-based line of `source_address_prefix` in [`OPEN_SSH`].
const SOURCE_LINE: u64 = 13;

#[test]
fn open_shows_the_exposure_and_the_quick_fix_makes_it_disappear() {
    let dir = Workspace::new("open-change");
    // The disk has a safe version: the unsaved buffer, not the file, must be analyzed.
    dir.write(
        "network.tf",
        &OPEN_SSH.replace(
            r#"= "*"
    destination_address_prefix"#,
            "= \"VirtualNetwork\"\n    destination_address_prefix",
        ),
    );
    let mut client = Client::start(&dir.path);
    let uri = dir.uri("network.tf");
    client.open(&uri, "terraform", OPEN_SSH);

    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let ssh = find_code(diagnostics, "VNL101");
    assert_eq!(ssh["source"], "vnetlint");
    assert_eq!(
        ssh["codeDescription"]["href"],
        "https://github.com/vnetlint/vnetlint/blob/main/docs/rules/VNL101.md"
    );
    // No public IP in the module: the exposure is latent, a warning.
    assert_eq!(ssh["severity"], 2);
    assert_eq!(ssh["range"]["start"]["line"], PORT_LINE);
    let message = ssh["message"].as_str().unwrap();
    assert!(
        message.contains("rule `allow-ssh` of NSG `nsg-jump`"),
        "{message}"
    );
    assert!(
        message.contains("packet Internet") && message.contains(":22 tcp"),
        "the witness packet is in the message: {message}"
    );
    let related = ssh["relatedInformation"].as_array().unwrap();
    let source = related
        .iter()
        .find(|r| r["message"] == "Internet sources match here")
        .unwrap_or_else(|| panic!("{related:#?}"));
    assert_eq!(source["location"]["uri"], uri.as_str());
    assert_eq!(source["location"]["range"]["start"]["line"], SOURCE_LINE);

    // Hover on the rule: what it effectively allows after the rules before it.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 6}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("security rule `allow-ssh`"), "{text}");
    assert!(text.contains("Effectively allows"), "{text}");
    assert!(text.contains("port 22"), "{text}");

    // The quick fix narrows the source; applying its edit as the editor would clears VNL101.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": ssh["range"],
            "context": {"diagnostics": [ssh]},
        }),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .unwrap_or_else(|| panic!("{actions:#}"));
    assert_eq!(
        fix["title"],
        "Narrow the source of `allow-ssh` to `VirtualNetwork`"
    );
    assert_eq!(fix["diagnostics"][0]["code"], "VNL101");
    let edits = fix["edit"]["changes"][uri.as_str()].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"], "\"VirtualNetwork\"");
    assert_eq!(edits[0]["range"]["start"]["line"], SOURCE_LINE);
    client.change(
        &uri,
        2,
        json!([{"range": edits[0]["range"], "text": edits[0]["newText"]}]),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    assert!(
        codes(&published).iter().all(|c| c != "VNL101"),
        "{published:#}"
    );

    // A full-text change brings it back: both sync kinds are applied.
    client.change(&uri, 3, json!([{"text": OPEN_SSH}]));
    assert!(codes(&client.diagnostics(&uri)).contains(&"VNL101".to_owned()));
    client.shutdown();
}

#[test]
fn a_broken_buffer_keeps_the_diagnostics_of_the_parts_that_still_parse() {
    let dir = Workspace::new("broken");
    // Another file of the module, intact on disk.
    dir.write(
        "other.tf",
        &OPEN_SSH
            .replace("\"jump\"", "\"other\"")
            .replace("nsg-jump", "nsg-other")
            .replace("\"22\"", "\"3389\""),
    );
    let mut client = Client::start(&dir.path);
    let uri = dir.uri("network.tf");
    let other = dir.uri("other.tf");
    // The buffer mid-typing: an intact NSG, then a block whose attribute has no value yet.
    let broken = format!(
        "{OPEN_SSH}\nresource \"azurerm_subnet\" \"typing\" {{\n  name = \n  address_prefixes = [\"10.0.1.0/24\"]\n"
    );
    client.open(&uri, "terraform", &broken);
    let published = client.diagnostics_until(&uri, |p| codes(p).contains(&"VNL001".to_owned()));
    let parse = find_code(published["diagnostics"].as_array().unwrap(), "VNL001");
    assert_eq!(parse["severity"], 1);
    // Recovery: the NSG before the broken block is still analyzed (tree-sitter recovery in the
    // Terraform frontend cuts the file into its intact top-level blocks).
    assert!(
        codes(&published).contains(&"VNL101".to_owned()),
        "{published:#}"
    );
    // The module's other file is analyzed as before.
    let other_published = client.diagnostics(&other);
    assert!(
        codes(&other_published).contains(&"VNL101".to_owned()),
        "{other_published:#}"
    );

    // Finishing the block clears the parse error.
    let fixed = format!(
        "{OPEN_SSH}\nresource \"azurerm_subnet\" \"typing\" {{\n  name = \"app\"\n  address_prefixes = [\"10.0.1.0/24\"]\n}}\n"
    );
    client.change(&uri, 2, json!([{"text": fixed}]));
    let published = client.diagnostics(&uri);
    assert!(
        !codes(&published).contains(&"VNL001".to_owned()),
        "{published:#}"
    );
    assert!(codes(&published).contains(&"VNL101".to_owned()));
    client.shutdown();
}

#[test]
fn a_finding_caused_by_a_tfvars_value_points_at_the_variable() {
    let dir = Workspace::new("tfvars");
    let network = OPEN_SSH.replace(
        r#"source_address_prefix      = "*""#,
        "source_address_prefix      = var.ssh_source",
    ) + "\nvariable \"ssh_source\" {\n  type    = string\n  default = \"10.0.0.0/8\"\n}\n";
    dir.write("network.tf", &network);
    dir.write("terraform.tfvars", "ssh_source = \"*\"\n");
    let mut client = Client::start(&dir.path);
    let uri = dir.uri("network.tf");
    let tfvars = dir.uri("terraform.tfvars");
    client.open(&uri, "terraform", &network);

    let published = client.diagnostics(&uri);
    let ssh = find_code(published["diagnostics"].as_array().unwrap(), "VNL101");
    assert_eq!(ssh["range"]["start"]["line"], PORT_LINE);
    let related = ssh["relatedInformation"].as_array().unwrap();
    let set_here = related
        .iter()
        .find(|r| r["location"]["uri"] == tfvars.as_str())
        .unwrap_or_else(|| panic!("a related location in terraform.tfvars: {related:#?}"));
    assert_eq!(set_here["message"], "the value is set here");
    // `ssh_source = "*"`: the value starts at column 13.
    assert_eq!(
        set_here["location"]["range"],
        json!({"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 16}})
    );
    // The variable comes from tfvars, so no literal at the rule is rewritten: no quick fix.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": ssh["range"], "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, json!([]));

    // Editing the unsaved tfvars buffer re-analyzes the module: network.tf becomes clean.
    client.open(&tfvars, "terraform-vars", "ssh_source = \"*\"\n");
    client.change(
        &tfvars,
        2,
        json!([{"range": {"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 16}}, "text": "\"10.1.0.0/16\""}]),
    );
    let published = client.diagnostics_until(&uri, |p| !codes(p).contains(&"VNL101".to_owned()));
    assert_eq!(published["version"], 1);
    client.shutdown();
}

#[test]
fn an_arm_template_buffer_is_analyzed() {
    let dir = Workspace::new("arm");
    let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2023-04-01",
      "name": "nsg-arm",
      "location": "westeurope",
      "properties": {
        "securityRules": [
          {
            "name": "allow-rdp",
            "properties": {
              "priority": 100,
              "direction": "Inbound",
              "access": "Allow",
              "protocol": "Tcp",
              "sourcePortRange": "*",
              "destinationPortRange": "3389",
              "sourceAddressPrefix": "Internet",
              "destinationAddressPrefix": "*"
            }
          }
        ]
      }
    }
  ]
}
"#;
    let mut client = Client::start(&dir.path);
    let uri = dir.uri("azuredeploy.json");
    client.open(&uri, "json", template);
    let published = client.diagnostics(&uri);
    find_code(published["diagnostics"].as_array().unwrap(), "VNL101");
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 19, "character": 0}, "end": {"line": 19, "character": 0}}, "context": {"diagnostics": []}}),
    );
    let edit = &actions[0]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "\"VirtualNetwork\"");
    assert_eq!(edit["range"]["start"]["line"], 20);
    client.shutdown();
}

// ---- helpers ----------------------------------------------------------------------------

/// One finding as every way of running vnetlint can say it: (file, 1-based line, code, level).
type Said = (String, u64, String, String);

/// The same tree of two modules with their own `vnetlint.toml` files (and a third governed by
/// the root's) gives the same findings through the command line, pre-commit's
/// `--modules-of-files` and the language server: one configuration's levels, ports, excludes and
/// intents never reach another module, whichever way the files are named.
#[test]
fn the_command_line_pre_commit_and_the_editor_give_the_same_findings() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/cases/config/per-module-configuration")
        .canonicalize()
        .unwrap();
    let modules = ["a", "b", "c"];
    let from_json = |args: &[&str]| -> BTreeSet<Said> {
        let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
            .args(["check", "--format", "json"])
            .args(args)
            .current_dir(&case)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_owned(),
                    f["start"]["line"].as_u64().unwrap(),
                    f["code"].as_str().unwrap().to_owned(),
                    f["level"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let command_line = from_json(&["."]);
    let files: Vec<String> = modules.iter().map(|m| format!("{m}/main.tf")).collect();
    let mut args = vec!["--modules-of-files"];
    args.extend(files.iter().map(String::as_str));
    let pre_commit = from_json(&args);

    let mut client = Client::start(&case);
    let mut editor = BTreeSet::new();
    for module in modules {
        let path = case.join(module).join("main.tf");
        let uri = format!("file://{}", path.display());
        client.open(&uri, "terraform", &std::fs::read_to_string(&path).unwrap());
        // Each analysis of a module publishes for every file it read: its template and its
        // configuration.
        for name in ["main.tf", "vnetlint.toml"] {
            let file = case.join(module).join(name);
            if !file.exists() {
                continue;
            }
            let uri = format!("file://{}", file.display());
            let published = client.diagnostics(&uri);
            for diagnostic in published["diagnostics"].as_array().unwrap() {
                let level = match diagnostic["severity"].as_u64() {
                    Some(1) => "error",
                    Some(2) => "warning",
                    _ => "note",
                };
                editor.insert((
                    format!("{module}/{name}"),
                    diagnostic["range"]["start"]["line"].as_u64().unwrap() + 1,
                    diagnostic["code"].as_str().unwrap().to_owned(),
                    level.to_owned(),
                ));
            }
        }
    }
    client.shutdown();

    // What the fixture's markers promise, with each module's levels.
    let expected: BTreeSet<Said> = [
        ("a/vnetlint.toml", 11, "VNL901", "error"),
        ("a/main.tf", 18, "VNL104", "warning"),
        ("a/main.tf", 36, "VNL101", "note"),
        ("a/main.tf", 48, "VNL101", "note"),
        ("b/vnetlint.toml", 6, "VNL901", "error"),
        ("b/main.tf", 36, "VNL101", "warning"),
        ("c/main.tf", 18, "VNL104", "note"),
        ("c/main.tf", 36, "VNL101", "warning"),
    ]
    .into_iter()
    .map(|(f, l, c, v)| (f.to_owned(), l, c.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(command_line, expected, "vnetlint check .");
    assert_eq!(pre_commit, expected, "vnetlint check --modules-of-files");
    assert_eq!(editor, expected, "vnetlint lsp");
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

fn find_code<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} among {diagnostics:#?}"))
}

/// A scratch workspace folder, removed when the test ends.
struct Workspace {
    path: PathBuf,
}

impl Workspace {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("vnetlint-lsp-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self { path }
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path.join(name), text).unwrap();
    }

    /// The file URI the way VS Code writes it (the path has no character that needs escaping).
    fn uri(&self, name: &str) -> String {
        format!("file://{}", self.path.join(name).display())
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    next_id: u64,
}

impl Client {
    fn start(root: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Self {
            child,
            stdin,
            messages,
            backlog: Vec::new(),
            next_id: 0,
        };
        let root_uri = format!("file://{}", root.display());
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {},
                "workspaceFolders": [{"uri": root_uri, "name": "test"}],
            }),
        );
        let capabilities = &result["capabilities"];
        assert_eq!(capabilities["textDocumentSync"]["change"], 2, "{result:#}");
        assert_eq!(capabilities["hoverProvider"], true);
        assert_eq!(
            capabilities["codeActionProvider"]["codeActionKinds"],
            json!(["quickfix"])
        );
        assert_eq!(result["serverInfo"]["name"], "vnetlint");
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        message["params"] = params;
        self.send(&message);
    }

    /// Sends a request and returns its result (failing on an error response).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        message["params"] = params;
        self.send(&message);
        let response = self.wait_for(|m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{response:#}");
        response["result"].clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i32, mut changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes.take()}),
        );
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        self.diagnostics_until(uri, |_| true)
    }

    /// The first diagnostics published for `uri` that satisfy `accept` (earlier ones are
    /// skipped: an edit of another file of the module publishes for this one too).
    fn diagnostics_until(&mut self, uri: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && accept(&m["params"])
        });
        message["params"].clone()
    }

    /// The first message (from the backlog, then the server) that satisfies `matches`.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(index);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if matches(&message) => return message,
                Ok(message) => self.backlog.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "the server did not answer within {TIMEOUT:?}; read so far: {:#?}",
                        self.backlog
                    );
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server closed its output; read so far: {:#?}",
                        self.backlog
                    )
                }
            }
        }
    }

    /// `shutdown`, `exit`, and a zero exit status within the deadline.
    fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status {status}");
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed assertion must not leave the server running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads one framed message; `None` at the end of the stream or on a malformed frame.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
