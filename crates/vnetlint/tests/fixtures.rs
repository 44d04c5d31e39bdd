//! The fixture harness: every folder under `testdata/cases/<area>/<case>/` is one test case.
//!
//! A case's expectations sit beside its templates: a trailing `# expect: VNL101, VNL102`
//! comment on a line (`// expect:` in ARM JSON, which allows comments) means exactly those
//! findings start on that line; a file `expected.txt`
//! can list further ones as `VNL001 broken.tf:3` (for positions a comment cannot mark, such as
//! the end of a truncated file). The harness compares the exact set of (code, file, line), and
//! snapshots the text output of every case. Adding a case is adding a folder; a case may hold
//! several root modules in subfolders, whose markers count with the file's path in the case.
//!
//! A suppressed finding is expected with `# expect-suppressed: VNL101`.
//!
//! A case may also hold `reach.txt`: one query per line,
//! `FROM | TO | PORTS | PROTOCOL => VERDICT [| WITNESS]`, asserted with `vnetlint reach` semantics.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type Expectation = (String, String, u32);

fn case_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for area in sorted_entries(root) {
        if area.is_dir() {
            for case in sorted_entries(&area) {
                if case.is_dir() {
                    dirs.push(case);
                }
            }
        }
    }
    dirs
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// Every file of a case, its subfolders included (a case may hold several root modules), with
/// its path relative to the case as findings show it.
fn case_files(case: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut pending = vec![case.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in sorted_entries(&dir) {
            if entry.is_dir() {
                pending.push(entry);
            } else {
                let name = entry
                    .strip_prefix(case)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push((entry, name));
            }
        }
    }
    files.sort();
    files
}

fn expectations(case: &Path) -> BTreeSet<Expectation> {
    let mut expected = BTreeSet::new();
    for (file, name) in case_files(case) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue; // Cases about invalid UTF-8 use expected.txt.
        };
        if name == "expected.txt" {
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let (code, place) = line.split_once(' ').expect("`CODE file:line`");
                let (path, line_no) = place.trim().rsplit_once(':').expect("`file:line`");
                expected.insert((
                    code.to_owned(),
                    path.to_owned(),
                    line_no.parse().expect("line number"),
                ));
            }
            continue;
        }
        for (index, line) in text.lines().enumerate() {
            for (marker, prefix) in [("expect:", ""), ("expect-suppressed:", "suppressed ")] {
                let found = line
                    .split_once(&format!("# {marker}"))
                    .or_else(|| line.split_once(&format!("// {marker}")));
                if let Some((_, codes)) = found {
                    let codes = codes.split('#').next().unwrap_or("");
                    for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                        expected.insert((
                            format!("{prefix}{code}"),
                            name.clone(),
                            u32::try_from(index + 1).unwrap(),
                        ));
                    }
                }
            }
        }
    }
    expected
}

#[test]
fn every_fixture_case_yields_exactly_its_expected_findings() {
    let root = common::root();
    let cases_root = root.join("testdata/cases");
    let cases = case_dirs(&cases_root);
    assert!(
        cases.len() >= 10,
        "the fixture tree went missing: {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    let secrets = fixture_secrets(&root);
    for case in &cases {
        let analysis = vnetlint::analyze(std::slice::from_ref(case), case);
        let actual: BTreeSet<Expectation> = analysis
            .findings
            .iter()
            .map(|f| {
                let file = analysis.sources.get(f.primary.span.file);
                let line = file.line_index().line_col(f.primary.span.range.start).line;
                let code = if f.suppression.is_some() {
                    format!("suppressed {}", f.code)
                } else {
                    f.code.to_owned()
                };
                (code, file.path.clone(), line)
            })
            .collect();
        let expected = expectations(case);
        let name = case
            .strip_prefix(&cases_root)
            .unwrap()
            .display()
            .to_string();
        if actual != expected {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let unexpected: Vec<_> = actual.difference(&expected).collect();
            failures.push(format!(
                "{name}:\n  missing: {missing:?}\n  unexpected: {unexpected:?}"
            ));
        }
        let (reach_failures, reach_answers) = check_reach(case, &analysis, &name);
        failures.extend(reach_failures);
        // The answers themselves (every hop, route, appliance and note) are snapshotted too.
        if !reach_answers.is_empty() {
            insta::with_settings!({ snapshot_path => root.join("testdata/snapshots/cases"), prepend_module_to_snapshot => false }, {
                insta::assert_snapshot!(format!("{}__reach", name.replace(['/', '\\'], "__")), reach_answers);
            });
        }
        let ctx = vnetlint_report::ReportContext {
            sources: &analysis.sources,
            rules: vnetlint_checks::rule_infos(),
            tool_version: "test",
            files_scanned: analysis.files_scanned(),
            redact: &analysis.secrets,
        };
        let text = vnetlint_report::render_text(&analysis.findings, &ctx, false);
        failures.extend(leaked_secrets(&name, &analysis, &ctx, &secrets));
        // Outputs never hold absolute paths: they differ between machines and leak layout.
        if text.contains(root.to_string_lossy().as_ref()) {
            failures.push(format!(
                "{name}: the output contains the absolute path {}",
                root.display()
            ));
        }
        insta::with_settings!({ snapshot_path => root.join("testdata/snapshots/cases"), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name.replace(['/', '\\'], "__"), text);
        });
    }
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}

/// Runs the `reach.txt` queries of a case; returns one message per mismatch and the answers
/// as `vnetlint reach` prints them.
fn check_reach(case: &Path, analysis: &vnetlint::Analysis, name: &str) -> (Vec<String>, String) {
    let Ok(text) = std::fs::read_to_string(case.join("reach.txt")) else {
        return (Vec::new(), String::new());
    };
    let mut failures = Vec::new();
    let mut answers = String::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (query, expected) = line.split_once("=>").expect("`query => verdict`");
        let fields: Vec<&str> = query.split('|').map(str::trim).collect();
        let [from, to, ports, protocol] = fields[..] else {
            panic!("{name}: reach.txt wants `FROM | TO | PORTS | PROTOCOL => VERDICT`: {line}");
        };
        let traffic = vnetlint_engine::Traffic {
            protocols: vnetlint_engine::parse_protocols(protocol).expect("protocol"),
            dst_ports: vnetlint_engine::parse_ports(ports).expect("ports"),
        };
        let query = vnetlint::reach::ReachQuery {
            from: from.to_owned(),
            to: to.to_owned(),
            traffic,
        };
        let mut expected_parts = expected.split('|').map(str::trim);
        let verdict = expected_parts.next().unwrap_or("");
        let witness = expected_parts.next();
        match vnetlint::reach::reach(analysis, &query) {
            Ok(answer) => {
                answers.push_str("## ");
                answers.push_str(line);
                answers.push('\n');
                answers.push_str(&answer.render_text(&analysis.sources));
                answers.push('\n');
                let got = answer.result.verdict.as_str();
                let got_witness = answer.result.witness.map(|w| w.to_string());
                if got != verdict || witness.is_some_and(|w| got_witness.as_deref() != Some(w)) {
                    failures.push(format!(
                        "{name}: reach {from} -> {to} {ports}/{protocol}: expected {verdict} {witness:?}, got {got} {got_witness:?}"
                    ));
                }
            }
            Err(err) if verdict == "error" => {
                let _ = err;
            }
            Err(err) => failures.push(format!("{name}: reach {from} -> {to}: {err}")),
        }
    }
    (failures, answers)
}

/// The literal secrets of the fixtures (`testdata/secrets.txt`); each must appear in some
/// fixture, so the list cannot go stale.
fn fixture_secrets(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join("testdata/secrets.txt")).unwrap();
    let secrets: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let mut all_text = String::new();
    for case in case_dirs(&root.join("testdata/cases")) {
        for (file, _) in case_files(&case) {
            all_text.push_str(&std::fs::read_to_string(file).unwrap_or_default());
        }
    }
    for secret in &secrets {
        assert!(
            all_text.contains(secret.as_str()),
            "testdata/secrets.txt lists `{secret}`, which no fixture holds"
        );
    }
    secrets
}

/// Every output format of one case, checked for the fixtures' literal secrets.
fn leaked_secrets(
    name: &str,
    analysis: &vnetlint::Analysis,
    ctx: &vnetlint_report::ReportContext,
    secrets: &[String],
) -> Vec<String> {
    let sarif = vnetlint_report::render_sarif_with(
        &analysis.findings,
        ctx,
        &vnetlint_report::SarifOptions {
            version_control: None,
            embed_sources: true,
            category: "",
        },
    );
    // The rules' own documentation (SARIF `rules`) shows example secrets; look at what was
    // scanned: results and embedded artifacts.
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let outputs = [
        (
            "text",
            vnetlint_report::render_text(&analysis.findings, ctx, false),
        ),
        (
            "json",
            vnetlint_report::render_json(&analysis.findings, ctx),
        ),
        (
            "sarif",
            format!(
                "{}{}",
                sarif["runs"][0]["results"], sarif["runs"][0]["artifacts"]
            ),
        ),
    ];
    let mut failures = Vec::new();
    for (format, output) in outputs {
        for secret in secrets {
            if output.contains(secret.as_str()) {
                failures.push(format!(
                    "{name}: the secret `{secret}` leaks into the {format} output"
                ));
            }
        }
    }
    failures
}
