//! Re-analysis of a 5,000-line Terraform file after a one-character edit, the work the language
//! server does on each keystroke. Target (issue 7): under 50 ms.
//!
//! Run with `cargo bench -p vnetlint --bench lsp_reanalysis`. A plain `harness = false` program
//! with `std::time::Instant`, like the engine's benchmarks: medians of repeated runs, each
//! against a baseline measured in the same run (hcl-edit parsing the same text), so figures from
//! different machines can be compared by ratio.
//!
//! The file is generated deterministically: a virtual network, 34 subnets each with an NSG of
//! ten inline rules (some open to the Internet, so checks find things) and the associations.
//! Each iteration edits one digit of a port, then measures
//! - `parse`: hcl-edit parsing the text alone (the baseline);
//! - `analyze`: loading the text, parsing, evaluating and lowering it, and running every check;
//! - `server`: a `didChange` sent to the real server loop over an in-memory connection until its
//!   `publishDiagnostics` arrives (analysis plus conversion to UTF-16 diagnostics and JSON).
//!
//! Figures on the development machine (2 cores shared with other builds, load about 3; release
//! profile; 5,039 lines, 169 KB, 25 findings per analysis):
//!
//! ```text
//! parse      median    2.8 ms   (baseline)
//! analyze    median   10.5 ms   3.7x parse   max 17.6 ms
//! server     median   12.0 ms   4.2x parse   max 16.5 ms
//! ```
//!
//! A keystroke costs about a quarter of the 50 ms budget on this file, and the slowest of 30
//! round trips a third. An earlier run under heavier load gave 16.1 / 18.6 ms medians (max 40
//! ms). Not measured here: what the driver adds around the frontend in `vnetlint lsp` (listing
//! the directory, reading `vnetlint.toml`, suppression comments), because this crate cannot
//! depend on the driver; all of it is linear in the files of one directory.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification};
use serde_json::json;
use vnetlint_lsp::{AnalysisRequest, Analyzed};

const ITERATIONS: usize = 30;
const SUBNETS: usize = 34;
const RULES_PER_NSG: usize = 10;

fn main() {
    let (text, edit_at) = generate();
    let lines = text.lines().count();
    println!(
        "reanalysis: {lines} lines, {} KB, {ITERATIONS} iterations",
        text.len() / 1024
    );
    assert!(lines >= 5000, "the generated file has {lines} lines");

    let mut parse = Vec::new();
    let mut analyze_times = Vec::new();
    let mut current = text.clone();
    let mut findings = 0;
    for i in 0..ITERATIONS {
        edit(&mut current, edit_at, i);
        let start = Instant::now();
        let body = hcl_edit::parser::parse_body(&current).expect("the generated file parses");
        parse.push(start.elapsed());
        drop(body);

        let start = Instant::now();
        findings = analyze_text(&current);
        analyze_times.push(start.elapsed());
    }
    let server = server_round_trips(&text, edit_at);

    let base = median(&mut parse);
    println!("findings per analysis: {findings}");
    println!("parse      median {:>6.1} ms   (baseline)", ms(base));
    for (name, mut times) in [("analyze", analyze_times), ("server", server)] {
        let m = median(&mut times);
        println!(
            "{name:<10} median {:>6.1} ms   {:.1}x parse   max {:.1} ms",
            ms(m),
            m.as_secs_f64() / base.as_secs_f64(),
            ms(*times.iter().max().unwrap())
        );
    }
}

/// The generated file and the byte offset of the digit the edits flip.
fn generate() -> (String, usize) {
    let mut out = String::from(
        "resource \"azurerm_virtual_network\" \"main\" {\n  name                = \"vnet-main\"\n  location            = \"westeurope\"\n  resource_group_name = \"rg-net\"\n  address_space       = [\"10.0.0.0/16\"]\n}\n\n",
    );
    let ports = [
        "22", "3389", "443", "80", "1433", "5432", "8080", "53", "25", "6379",
    ];
    for s in 0..SUBNETS {
        let _ = write!(
            out,
            "resource \"azurerm_subnet\" \"s{s}\" {{\n  name                 = \"snet-{s}\"\n  resource_group_name  = \"rg-net\"\n  virtual_network_name = azurerm_virtual_network.main.name\n  address_prefixes     = [\"10.0.{s}.0/24\"]\n}}\n\n"
        );
        let _ = write!(
            out,
            "resource \"azurerm_network_security_group\" \"n{s}\" {{\n  name                = \"nsg-{s}\"\n  location            = \"westeurope\"\n  resource_group_name = \"rg-net\"\n"
        );
        for (r, port) in ports.iter().enumerate().take(RULES_PER_NSG) {
            // Every seventh rule is open to the Internet; the others come from the VNet.
            let source = if (s * RULES_PER_NSG + r).is_multiple_of(7) {
                "*"
            } else {
                "VirtualNetwork"
            };
            let access = if r % 4 == 3 { "Deny" } else { "Allow" };
            let _ = write!(
                out,
                "\n  security_rule {{\n    name                       = \"rule-{s}-{r}\"\n    priority                   = {}\n    direction                  = \"Inbound\"\n    access                     = \"{access}\"\n    protocol                   = \"Tcp\"\n    source_port_range          = \"*\"\n    destination_port_range     = \"{}\"\n    source_address_prefix      = \"{source}\"\n    destination_address_prefix = \"*\"\n    description                = \"generated rule {r} of subnet {s}\"\n  }}\n",
                100 + r * 10,
                port,
            );
        }
        let _ = write!(
            out,
            "}}\n\nresource \"azurerm_subnet_network_security_group_association\" \"a{s}\" {{\n  subnet_id                 = azurerm_subnet.s{s}.id\n  network_security_group_id = azurerm_network_security_group.n{s}.id\n}}\n\n"
        );
    }
    // Pad with comments to reach 5,000 lines whatever the counts above give.
    while out.lines().count() < 5000 {
        out.push_str("# padding: a comment line, as real files have\n");
    }
    let edit_at = out
        .find("destination_port_range     = \"443\"")
        .expect("a port to edit")
        + "destination_port_range     = \"44".len();
    (out, edit_at)
}

/// A one-character edit: the last digit of a port, 0-9 in turn (always a valid port).
fn edit(text: &mut String, at: usize, i: usize) {
    let digit = char::from(b'0' + u8::try_from(i % 10).unwrap_or(0));
    text.replace_range(at..=at, digit.encode_utf8(&mut [0; 4]));
}

/// The driver's pipeline over the text held in memory, as a buffer of the editor.
fn analyze_text(text: &str) -> usize {
    vnetlint::analyze_sources(&[("network.tf", text)])
        .findings
        .len()
}

/// The time from sending a `didChange` to receiving its diagnostics, through the server loop.
fn server_round_trips(text: &str, edit_at: usize) -> Vec<Duration> {
    let (server, client) = Connection::memory();
    // What `vnetlint lsp` plugs in: the driver's analysis of the buffer's directory.
    let analyzer = |request: &AnalysisRequest<'_>| {
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
    };
    let thread = std::thread::spawn(move || vnetlint_lsp::run(&server, &analyzer));
    let send = |method: &str, params: serde_json::Value| {
        client
            .sender
            .send(Notification::new(method.to_owned(), params).into())
            .unwrap();
    };
    client
        .sender
        .send(
            lsp_server::Request::new(
                1.into(),
                "initialize".to_owned(),
                json!({"capabilities": {}}),
            )
            .into(),
        )
        .unwrap();
    wait(&client, |m| matches!(m, Message::Response(_)));
    send("initialized", json!({}));
    let uri = "file:///bench/network.tf";
    send(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 0, "text": text}}),
    );
    wait(&client, is_publish);
    // The edit position as LSP sees it (the generated text is ASCII: columns are bytes).
    let line = text[..edit_at].matches('\n').count();
    let column = edit_at - text[..edit_at].rfind('\n').map_or(0, |i| i + 1);
    let mut times = Vec::new();
    for i in 0..ITERATIONS {
        let digit = (i % 10).to_string();
        let start = Instant::now();
        send(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": i + 1}, "contentChanges": [{
                "range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}},
                "text": digit}]}),
        );
        wait(&client, is_publish);
        times.push(start.elapsed());
    }
    client
        .sender
        .send(lsp_server::Request::new(2.into(), "shutdown".to_owned(), json!(null)).into())
        .unwrap();
    wait(&client, |m| matches!(m, Message::Response(_)));
    send("exit", json!(null));
    thread.join().unwrap().unwrap();
    times
}

fn is_publish(message: &Message) -> bool {
    matches!(message, Message::Notification(n) if n.method == "textDocument/publishDiagnostics")
}

fn wait(client: &Connection, accept: impl Fn(&Message) -> bool) {
    loop {
        let message = client
            .receiver
            .recv_timeout(Duration::from_mins(1))
            .expect("the server answers");
        if accept(&message) {
            return;
        }
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
