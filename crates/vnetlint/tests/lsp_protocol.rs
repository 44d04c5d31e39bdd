//! The language server in-process over `Connection::memory()`, with the driver's editor analysis
//! as the binary plugs it in (the end-to-end test over stdio is `tests/lsp.rs`). These tests pin
//! what the protocol layer owns: UTF-16 positions, clearing diagnostics, version numbers and
//! errors. They live in the driver's package so that the server's own crate depends on no
//! frontend.

mod common;

use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use vnetlint_lsp::{AnalysisRequest, Analyzed};

const TIMEOUT: Duration = Duration::from_secs(20);

/// The workspace exists only in the buffers: nothing is on the disk at this path.
const ROOT: &str = "/nonexistent/vnetlint-lsp-tests";

/// The shared open-SSH snippet with a name of two- and four-byte characters, so that UTF-16
/// columns differ from byte and code-point columns.
fn open_ssh() -> String {
    common::OPEN_SSH.replace("nsg-jump", "nsg-é😀")
}

/// The driver's editor analysis, as `vnetlint lsp` plugs it in.
fn analyze(request: &AnalysisRequest<'_>) -> Analyzed {
    let analysis = vnetlint::overlay::analyze_dir_with_overlay(
        request.dir,
        request.display_root,
        request.overlays,
    );
    Analyzed {
        sources: analysis.sources,
        findings: analysis.findings,
        networks: analysis.networks,
    }
}

struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
}

impl Client {
    fn start() -> Self {
        let (server, connection) = Connection::memory();
        let server = std::thread::spawn(move || vnetlint_lsp::run(&server, &analyze));
        let mut client = Self {
            connection,
            server: Some(server),
            next_id: 0,
        };
        let result = client.request(
            "initialize",
            json!({"capabilities": {}, "workspaceFolders": [{"uri": format!("file://{ROOT}"), "name": "t"}]}),
        );
        assert_eq!(
            result["capabilities"]["textDocumentSync"]["openClose"],
            true
        );
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_owned(), params).into())
            .unwrap();
    }

    fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Request::new(id.clone(), method.to_owned(), params).into())
            .unwrap();
        id
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let response = self.response(&id);
        response.unwrap_or_else(|err| panic!("{method}: {err}"))
    }

    fn response(&self, id: &RequestId) -> Result<Value, String> {
        loop {
            match self.connection.receiver.recv_timeout(TIMEOUT) {
                Ok(Message::Response(response)) if response.id == *id => {
                    return response
                        .response_result
                        .map_err(|err| format!("{} {}", err.code, err.message));
                }
                Ok(_) => {}
                Err(err) => panic!("no response: {err}"),
            }
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    fn diagnostics(&self, uri: &str) -> Value {
        loop {
            match self.connection.receiver.recv_timeout(TIMEOUT) {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri =>
                {
                    return n.params;
                }
                Ok(_) => {}
                Err(err) => panic!("no diagnostics for {uri}: {err}"),
            }
        }
    }

    fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let served = self.server.take().unwrap().join().unwrap();
        assert_eq!(served, Ok(()));
    }
}

fn uri(name: &str) -> String {
    format!("file://{ROOT}/{name}")
}

fn open(client: &Client, name: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(name), "languageId": "terraform", "version": 1, "text": text}}),
    );
}

#[test]
fn positions_are_utf16_and_paths_are_the_workspace_files() {
    let client = Client::start();
    open(&client, "network.tf", &open_ssh());
    let published = client.diagnostics(&uri("network.tf"));
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(diagnostic["code"], "VNL101");
    assert_eq!(
        diagnostic["range"],
        json!({"start": {"line": 12, "character": 33}, "end": {"line": 12, "character": 37}})
    );
    let nsg = diagnostic["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["message"] == "in this network security group")
        .unwrap();
    // `"nsg-é😀"` is 12 bytes but 9 UTF-16 units (é is one, 😀 two): the range ends at 24 + 9.
    assert_eq!(
        nsg["location"],
        json!({"uri": uri("network.tf"), "range": {"start": {"line": 1, "character": 24}, "end": {"line": 1, "character": 33}}})
    );
    client.shutdown();
}

#[test]
fn closing_an_unsaved_buffer_clears_its_diagnostics() {
    let client = Client::start();
    open(&client, "network.tf", &open_ssh());
    assert_eq!(
        client.diagnostics(&uri("network.tf"))["diagnostics"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri("network.tf")}}),
    );
    let published = client.diagnostics(&uri("network.tf"));
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(published["version"], Value::Null);
    client.shutdown();
}

#[test]
fn changes_are_applied_in_order_and_the_last_version_is_published() {
    let client = Client::start();
    open(&client, "network.tf", &open_ssh());
    client.diagnostics(&uri("network.tf"));
    // Three edits in a row: the port becomes 3389, then 80 (not a management port), then 22.
    let port = |end: u32, text: &str, version: i32| {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri("network.tf"), "version": version},
                   "contentChanges": [{"range": {"start": {"line": 12, "character": 33}, "end": {"line": 12, "character": end}}, "text": text}]}),
        );
    };
    port(37, "\"3389\"", 2);
    port(39, "\"80\"", 3);
    port(37, "\"22\"", 4);
    // Whether the server analyzed after each edit or once for all, the last publish is version 4.
    let mut published = client.diagnostics(&uri("network.tf"));
    while published["version"] != 4 {
        published = client.diagnostics(&uri("network.tf"));
    }
    assert_eq!(published["diagnostics"][0]["code"], "VNL101");
    assert_eq!(published["diagnostics"][0]["range"]["end"]["character"], 37);
    client.shutdown();
}

#[test]
fn unknown_requests_and_files_outside_analysis_get_answers_not_crashes() {
    let mut client = Client::start();
    let id = client.send_request("textDocument/definition", json!({}));
    let err = client.response(&id).unwrap_err();
    assert!(err.starts_with("-32601"), "{err}");
    // A hover where nothing was analyzed, and malformed parameters.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri("nothing.tf")}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Value::Null);
    let id = client.send_request("textDocument/hover", json!({"bogus": 1}));
    assert!(client.response(&id).unwrap_err().starts_with("-32602"));
    // A buffer that is not valid HCL: a parse error, and the server goes on.
    open(&client, "broken.tf", "resource \"x\" {\n  a = \n");
    let published = client.diagnostics(&uri("broken.tf"));
    assert_eq!(published["diagnostics"][0]["code"], "VNL001");
    client.shutdown();
}
