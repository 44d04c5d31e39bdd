//! Snapshot and property tests of the three output formats over one small hand-built scan.
//!
//! The fixture has two files and three findings: an error with secondary labels and notes, a
//! warning whose line holds non-ASCII characters before the span (so code-point columns differ
//! from byte columns), and a note. The SARIF sample is also written to
//! `target/tmp/vnetlint-report/sample.sarif` for `scripts/validate-sarif`.

use vnetlint_diagnostics::{Finding, Label, Level, RuleInfo, sort_findings};
use vnetlint_report::{
    ReportContext, VersionControl, fingerprints, render_json, render_sarif, render_sarif_with_vcs,
    render_text, write_text,
};
use vnetlint_source::{SourceMap, Span, TextRange};

const MAIN_TF: &str = r#"resource "azurerm_network_security_group" "backend" {
  name = "backend-nsg"

  security_rule {
    name                   = "allow-ssh"
    priority               = 100
    direction              = "Inbound"
    access                 = "Allow"
    protocol               = "Tcp"
    destination_port_range = "22"
    source_address_prefix  = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "backend" {
  subnet_id                 = azurerm_subnet.backend.id
  network_security_group_id = azurerm_network_security_group.backend.id
  location                  = var.location
}
"#;

const AZUREDEPLOY_JSON: &str = r#"{
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups/securityRules",
      "name": "règles-réseau/deny-all",
      "properties": { "description": "Blocage général — tout", "priority": 4096, "access": "Deny" }
    }
  ]
}
"#;

fn rules() -> Vec<RuleInfo> {
    vec![
        RuleInfo {
            code: "VNL002",
            name: "unresolved-value",
            default_level: Level::Note,
            summary: "Reports values vnetlint cannot resolve statically",
            doc_markdown: "Reports values vnetlint cannot resolve statically\n\n## What it does\n\nFlags an attribute whose value depends on input vnetlint does not know.\n",
            tags: &["correctness"],
            precision: "very-high",
            security_severity: None,
        },
        RuleInfo {
            code: "VNL101",
            name: "internet-exposed-management-port",
            default_level: Level::Error,
            summary: "Reports management ports reachable from the Internet.",
            doc_markdown: "Reports management ports reachable from the Internet.\n\n## Why is this bad?\n\nSSH and RDP exposed to the Internet are brute-forced within minutes.\n\n## Use instead\n\n```hcl\nsource_address_prefix = \"10.0.0.0/8\"\n```\n",
            tags: &["security", "network"],
            precision: "high",
            security_severity: Some(8.8),
        },
        RuleInfo {
            code: "VNL201",
            name: "shadowed-rule",
            default_level: Level::Warning,
            summary: "Reports security rules that can never match.",
            doc_markdown: "Reports security rules that can never match.\n",
            tags: &["maintainability"],
            precision: "very-high",
            security_severity: None,
        },
    ]
}

fn span_of(sources: &SourceMap, file: vnetlint_source::FileId, needle: &str) -> Span {
    let text = &sources.get(file).text;
    let start = text.find(needle).expect("needle in fixture");
    Span::new(file, TextRange::from_usize(start..start + needle.len()))
}

/// The fixture scan; `prefix` is inserted at the top of `main.tf` to move its findings down.
fn scan(prefix: &str) -> (SourceMap, Vec<Finding>) {
    let mut sources = SourceMap::new();
    let main = sources.add("network/main.tf", format!("{prefix}{MAIN_TF}"));
    let arm = sources.add("arm/azuredeploy.json", AZUREDEPLOY_JSON);
    let mut findings = vec![
        Finding::new(
            "VNL101",
            "internet-exposed-management-port",
            Level::Error,
            "rule `allow-ssh` allows SSH (`tcp/22`) from the Internet to subnet `backend`; restrict `source_address_prefix` to a management range",
            Label::new(
                span_of(&sources, main, "source_address_prefix  = \"*\""),
                "any source, including the Internet",
            )
            .with_address("azurerm_network_security_group.backend"),
        )
        .with_secondary(
            Label::new(
                span_of(&sources, main, "destination_port_range = \"22\""),
                "management port 22",
            )
            .with_address("azurerm_network_security_group.backend"),
        )
        .with_secondary(
            Label::new(
                span_of(
                    &sources,
                    main,
                    "network_security_group_id = azurerm_network_security_group.backend.id",
                ),
                "the NSG applies to subnet `backend[0]` here",
            )
            .with_address("azurerm_subnet_network_security_group_association.backend"),
        )
        .with_note(
            "Internet 203.0.113.1:49152 -> 10.0.1.0/24 tcp/22 allowed by rule \"allow-ssh\" (priority 100)",
        )
        .with_note("evaluated at subnet `backend`; no NIC-level NSG")
        .with_address("azurerm_network_security_group.backend")
        .with_fingerprint_key("ssh"),
        Finding::new(
            "VNL002",
            "unresolved-value",
            Level::Note,
            "`location` depends on `var.location`, which has no default; pass it with `-var` to check region rules",
            Label::new(span_of(&sources, main, "var.location"), "unknown value"),
        )
        .with_address("azurerm_subnet_network_security_group_association.backend")
        .with_fingerprint_key("location"),
        Finding::new(
            "VNL201",
            "shadowed-rule",
            Level::Warning,
            "rule `deny-all` at priority 4096 duplicates the default `DenyAllInBound` rule; remove it",
            Label::new(span_of(&sources, arm, "\"priority\": 4096"), "never decides"),
        )
        .with_address("Microsoft.Network/networkSecurityGroups/règles-réseau/securityRules/deny-all")
        .with_fingerprint_key("deny-all"),
    ];
    sort_findings(&mut findings);
    (sources, findings)
}

fn context<'a>(sources: &'a SourceMap, rules: &'a [RuleInfo]) -> ReportContext<'a> {
    ReportContext {
        sources,
        rules,
        tool_version: "0.1.0",
        files_scanned: 4,
        redact: &[],
    }
}

#[test]
fn text_snapshot() {
    let (sources, findings) = scan("");
    let rules = rules();
    insta::assert_snapshot!(render_text(&findings, &context(&sources, &rules), false));
}

#[test]
fn json_snapshot() {
    let (sources, findings) = scan("");
    let rules = rules();
    insta::assert_snapshot!(render_json(&findings, &context(&sources, &rules)));
}

#[test]
fn sarif_snapshot() {
    let (sources, findings) = scan("");
    let rules = rules();
    let sarif = render_sarif(&findings, &context(&sources, &rules));
    // Kept on disk so that `scripts/validate-sarif target/tmp/vnetlint-report/*.sarif` can check
    // what this test pins, without the Rust tests needing the Multitool.
    write_sample("sample.sarif", &sarif);
    insta::assert_snapshot!(sarif);
}

#[test]
fn sarif_with_version_control() {
    let (sources, findings) = scan("");
    let rules = rules();
    let ctx = context(&sources, &rules);
    let vcs = VersionControl {
        repository_uri: "https://ci-bot:secret-token@github.com/vnetlint/vnetlint",
        revision_id: Some("0123456789abcdef0123456789abcdef01234567"),
        branch: Some("main"),
    };
    let text = render_sarif_with_vcs(&findings, &ctx, &vcs);
    write_sample("sample-vcs.sarif", &text);
    assert!(!text.contains("secret-token"));
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        sarif["runs"][0]["versionControlProvenance"],
        serde_json::json!([{
            "repositoryUri": "https://github.com/vnetlint/vnetlint",
            "revisionId": "0123456789abcdef0123456789abcdef01234567",
            "branch": "main",
            "mappedTo": {"uriBaseId": "%SRCROOT%"}
        }])
    );
    // Apart from the provenance, the log is the one `render_sarif` writes.
    let mut plain: serde_json::Value =
        serde_json::from_str(&render_sarif(&findings, &ctx)).unwrap();
    plain["runs"][0]["versionControlProvenance"] =
        sarif["runs"][0]["versionControlProvenance"].clone();
    assert_eq!(plain, sarif);
}

#[test]
fn empty_outputs_are_valid() {
    let sources = SourceMap::new();
    let rules = rules();
    let ctx = context(&sources, &rules);
    assert_eq!(render_text(&[], &ctx, false), "no findings in 4 files\n");
    assert_eq!(render_text(&[], &ctx, true), "no findings in 4 files\n");

    let json: serde_json::Value = serde_json::from_str(&render_json(&[], &ctx)).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["findings"], 0);

    let sarif_text = render_sarif(&[], &ctx);
    write_sample("empty.sarif", &sarif_text);
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).unwrap();
    let run = &sarif["runs"][0];
    // An empty `results` array (not a missing one) tells GitHub the scan ran and found nothing.
    assert_eq!(run["results"], serde_json::json!([]));
    assert!(run.get("artifacts").is_none());
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 3);
}

#[test]
fn fingerprints_do_not_depend_on_line_numbers() {
    let rules = rules();
    let (sources, findings) = scan("");
    let (moved_sources, moved_findings) = scan("# a comment\n\n/* and a block */\n");
    assert_ne!(
        render_json(&findings, &context(&sources, &rules)),
        render_json(&moved_findings, &context(&moved_sources, &rules)),
        "the prefix must move the findings"
    );
    let before = fingerprints(&findings, &sources);
    assert_eq!(before, fingerprints(&moved_findings, &moved_sources));

    let sarif_fingerprints = |sources: &SourceMap, findings: &[Finding]| {
        let sarif: serde_json::Value =
            serde_json::from_str(&render_sarif(findings, &context(sources, &rules))).unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| result["partialFingerprints"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        sarif_fingerprints(&sources, &findings),
        sarif_fingerprints(&moved_sources, &moved_findings)
    );
    // Every finding of the fixture has its own identity.
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len());
}

#[test]
fn findings_with_the_same_identity_get_distinct_fingerprints() {
    let (sources, findings) = scan("");
    let twice = vec![findings[0].clone(), findings[0].clone()];
    let prints = fingerprints(&twice, &sources);
    assert_ne!(prints[0], prints[1]);
    assert_eq!(prints[0].split(':').next(), prints[1].split(':').next());
}

#[test]
fn text_has_ansi_codes_only_with_color() {
    let (sources, findings) = scan("");
    let rules = rules();
    let ctx = context(&sources, &rules);
    let plain = render_text(&findings, &ctx, false);
    assert!(!plain.contains('\u{1b}'), "{plain}");
    let colored = render_text(&findings, &ctx, true);
    assert!(colored.contains("\u{1b}["), "{colored}");

    let mut written = Vec::new();
    write_text(&findings, &ctx, &mut written, false).unwrap();
    assert_eq!(String::from_utf8(written).unwrap(), plain);

    let one = render_text(&findings[..1], &ctx, false);
    assert!(one.ends_with("\n1 finding (1 error) in 4 files\n"), "{one}");
}

#[test]
fn columns_count_code_points() {
    let (sources, findings) = scan("");
    let rules = rules();
    let json: serde_json::Value =
        serde_json::from_str(&render_json(&findings, &context(&sources, &rules))).unwrap();
    let warning = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["code"] == "VNL201")
        .unwrap();
    let line = AZUREDEPLOY_JSON.lines().nth(5).unwrap();
    let byte_column = line.find("\"priority\"").unwrap() + 1;
    let char_column = line[..byte_column - 1].chars().count() + 1;
    assert_ne!(byte_column, char_column);
    assert_eq!(warning["start"]["column"], char_column);
}

#[test]
fn labels_out_of_bounds_do_not_break_rendering() {
    let (sources, _) = scan("");
    let rules = rules();
    let ctx = context(&sources, &rules);
    let file = sources.find("arm/azuredeploy.json").unwrap();
    // Inside the two-byte `è`, and far past the end of the file.
    let start = u32::try_from(AZUREDEPLOY_JSON.find('è').unwrap() + 1).unwrap();
    let finding = Finding::new(
        "VNL201",
        "shadowed-rule",
        Level::Warning,
        "broken span",
        Label::new(Span::new(file, TextRange::new(start, 100_000)), "here"),
    )
    .with_secondary(Label::new(
        Span::new(vnetlint_source::FileId(99), TextRange::new(0, 1)),
        "no such file",
    ));
    let findings = [finding];
    assert!(render_text(&findings, &ctx, false).contains("broken span"));
    serde_json::from_str::<serde_json::Value>(&render_json(&findings, &ctx)).unwrap();
    serde_json::from_str::<serde_json::Value>(&render_sarif(&findings, &ctx)).unwrap();
}

fn write_sample(name: &str, contents: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vnetlint-report");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), contents).unwrap();
}
