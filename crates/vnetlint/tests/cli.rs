//! End-to-end tests of the `vnetlint` binary: the README's example command, the three output
//! formats (snapshotted), exit codes, `rules` and `rule`, and message style over every output.

mod common;

use std::fmt::Write as _;

use std::process::{Command, Output};

fn vnetlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .args(args)
        .current_dir(common::root())
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn snapshot(name: &str, text: &str) {
    let version = env!("CARGO_PKG_VERSION");
    insta::with_settings!({
        snapshot_path => common::root().join("testdata/snapshots/cli"),
        prepend_module_to_snapshot => false,
        filters => vec![(regex_escape(version).as_str(), "[VERSION]")],
    }, {
        insta::assert_snapshot!(name, text);
    });
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

#[test]
fn the_bundled_example_reports_its_findings_in_all_three_formats() {
    for (format, name) in [
        ("text", "example_text"),
        ("json", "example_json"),
        ("sarif", "example_sarif"),
    ] {
        let output = vnetlint(&["check", "testdata/examples/ase-sql", "--format", format]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "findings at warning or above exit 1; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = stdout(&output);
        assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
        snapshot(name, &text);
    }
}

#[test]
fn json_and_sarif_outputs_are_valid_json_with_relative_paths() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--format",
        "json",
    ])))
    .unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--format",
        "sarif",
    ])))
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.starts_with("testdata/examples/ase-sql/"),
            "relative to the scan root: {uri}"
        );
    }
    let root_text = common::root().display().to_string();
    assert!(
        !json.to_string().contains(&root_text),
        "no absolute paths in JSON"
    );
    assert!(
        !sarif.to_string().contains(&root_text),
        "no absolute paths in SARIF"
    );
}

#[test]
fn fail_on_sets_the_exit_code_and_output_goes_to_a_file() {
    let dir = std::env::temp_dir().join(format!("vnetlint-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.sarif");
    let output = vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--format",
        "sarif",
        "--output",
        out.to_str().unwrap(),
        "--fail-on",
        "never",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("\"ruleId\": \"VNL101\""));
    std::fs::remove_dir_all(&dir).unwrap();

    // A clean module exits 0; a missing path is an I/O error (2).
    assert_eq!(
        vnetlint(&["check", "testdata/cases/exposure/deny-before-allow"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        vnetlint(&["check", "testdata/does-not-exist"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        vnetlint(&["check", "--format", "xml"]).status.code(),
        Some(2),
        "usage errors exit 2"
    );
}

#[test]
fn a_truncated_file_is_reported_and_the_good_file_beside_it_still_analyzed() {
    let output = vnetlint(&[
        "check",
        "testdata/cases/parse/truncated-beside-good",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["VNL001", "VNL101"]);
    let parse = &json["findings"][0];
    assert_eq!(
        parse["file"],
        "testdata/cases/parse/truncated-beside-good/broken.tf"
    );
    assert!(parse["start"]["line"].as_u64().unwrap() > 1);
    assert!(parse["start"]["column"].as_u64().unwrap() >= 1);
}

#[test]
fn rules_and_rule_print_the_catalog() {
    let list = stdout(&vnetlint(&["rules"]));
    for check in vnetlint_checks::CHECKS {
        assert!(list.contains(check.code) && list.contains(check.name));
    }
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&vnetlint(&["rules", "--format", "json"]))).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        vnetlint_checks::CHECKS.len()
    );
    let page = stdout(&vnetlint(&["rule", "VNL101"]));
    assert!(page.starts_with("# VNL101 internet-exposed-management-port"));
    assert_eq!(
        page,
        std::fs::read_to_string(common::root().join("docs/rules/VNL101.md")).unwrap()
    );
    assert_eq!(vnetlint(&["rule", "VNL999"]).status.code(), Some(2));
}

#[test]
fn messages_start_lowercase_and_end_without_a_period() {
    let output = vnetlint(&["check", "testdata/cases", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() > 20);
    for finding in findings {
        let message = finding["message"].as_str().unwrap();
        let first = message.chars().next().unwrap();
        assert!(
            !first.is_uppercase() || message.starts_with("NSG"),
            "lowercase start: {message}"
        );
        assert!(!message.ends_with('.'), "no final period: {message}");
    }
}

#[test]
fn the_readme_shows_what_the_example_command_prints_today() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(readme.contains("cargo run -q -p vnetlint -- check testdata/examples/ase-sql"));
    assert!(readme.contains("cargo test --workspace"));
    let start = readme.find("It prints").expect("the example section");
    let block_start = readme[start..].find("```text\n").unwrap() + start + "```text\n".len();
    let block_end = readme[block_start..].find("```").unwrap() + block_start;
    let pasted = &readme[block_start..block_end];
    let actual = stdout(&vnetlint(&["check", "testdata/examples/ase-sql"]));
    assert_eq!(
        pasted.trim_end(),
        actual.trim_end(),
        "run scripts/readme-example"
    );
}

/// The README's hub-and-spoke line: the intents of the example hold, and `reach` shows the
/// packet's path through the hub firewall and back.
#[test]
fn the_hub_spoke_example_holds_its_intents_and_reach_shows_the_firewall() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let args = [
        "reach",
        "--from",
        "azurerm_network_interface.app",
        "--to",
        "azurerm_network_interface.data",
        "--port",
        "1433",
        "testdata/examples/hub-spoke",
    ];
    assert!(readme.contains(&format!("cargo run -q -p vnetlint -- {}", args.join(" "))));
    let check = vnetlint(&["check", "testdata/examples/hub-spoke"]);
    assert!(check.status.success(), "{check:?}");
    assert_eq!(stdout(&check).trim(), "no findings in 2 files");
    let reach = stdout(&vnetlint(&args));
    assert!(reach.contains("verdict: allowed"), "{reach}");
    for kind in ["route", "peering", "firewall", "nsg", "return"] {
        assert!(
            reach
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(kind)),
            "a {kind} step in {reach}"
        );
    }
    assert!(
        reach.contains("the replies come back through `azurerm_firewall.hub`"),
        "{reach}"
    );
}

#[test]
fn a_baseline_hides_known_findings_and_keeps_new_ones() {
    let dir = std::env::temp_dir().join(format!("vnetlint-baseline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let baseline = dir.join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let first = vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--write-baseline",
        baseline_arg,
    ]);
    assert_eq!(first.status.code(), Some(1));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert!(written["fingerprints"].as_array().unwrap().len() >= 5);
    // Everything known: nothing reported, exit 0.
    let second = vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--baseline",
        baseline_arg,
        "--format",
        "json",
    ]);
    assert_eq!(second.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&second)).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    // A baseline of another estate hides nothing here.
    let other = dir.join("other.json");
    let _ = vnetlint(&[
        "check",
        "testdata/cases/exposure/inline-ssh-open",
        "--write-baseline",
        other.to_str().unwrap(),
    ]);
    let third = vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--baseline",
        other.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&third)).unwrap();
    assert!(json["findings"].as_array().unwrap().len() >= 5);
    assert_eq!(
        vnetlint(&[
            "check",
            "testdata/examples/ase-sql",
            "--baseline",
            "testdata/nope.json"
        ])
        .status
        .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn modules_of_files_analyzes_each_file_s_whole_module() {
    // pre-commit passes changed files; their modules are what Terraform sees.
    let one_file = vnetlint(&[
        "check",
        "testdata/examples/ase-sql/apps.tf",
        "--modules-of-files",
        "--format",
        "json",
    ]);
    let whole = vnetlint(&["check", "testdata/examples/ase-sql", "--format", "json"]);
    assert_eq!(stdout(&one_file), stdout(&whole));
}

#[test]
fn the_plan_hook_recipe_runs_on_a_plan_fixture() {
    // docs/plan-hooks.md: `terraform show -json tfplan | vnetlint check --plan - --config-dir .`
    let plan =
        std::fs::read(common::root().join("testdata/cases/plan/locals-port-with-config/plan.json"))
            .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .args([
            "check",
            "--plan",
            "-",
            "--config-dir",
            "testdata/cases/plan/locals-port-with-config",
            "--format",
            "json",
        ])
        .current_dir(common::root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &plan).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "findings gate the apply");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "VNL101"
            && f["file"] == "testdata/cases/plan/locals-port-with-config/main.tf"),
        "the finding points at the .tf line: {findings:#?}"
    );
    // The same plan as a file, without its configuration: the finding points into the plan.
    let alone = vnetlint(&[
        "check",
        "--plan",
        "testdata/cases/plan/locals-port-plan-only/plan.json",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&alone)).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "VNL101" && f["file"].as_str().unwrap().ends_with("plan.json"))
    );
}

#[test]
fn quiet_drops_the_summary_and_explain_adds_the_hops() {
    let normal = stdout(&vnetlint(&["check", "testdata/examples/ase-sql"]));
    let quiet = stdout(&vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--quiet",
    ]));
    assert!(normal.trim_end().ends_with("in 4 files"), "{normal}");
    assert!(!quiet.contains("findings ("), "{quiet}");
    assert!(quiet.contains("error[VNL101]"));
    let explained = stdout(&vnetlint(&[
        "check",
        "testdata/examples/ase-sql",
        "--explain",
    ]));
    assert!(explained.contains("hop 1: the Internet packet passes NSG `nsg-backend` by this rule (testdata/examples/ase-sql/network.tf:57)"), "{explained}");
    let verbose = vnetlint(&["check", "testdata/examples/ase-sql", "--verbose"]);
    assert!(String::from_utf8_lossy(&verbose.stderr).contains("4 files, 1 units"));
    assert_eq!(
        stdout(&verbose),
        normal,
        "verbose talks on standard error only"
    );
}

#[test]
fn a_module_called_twice_is_reported_once_per_call_site() {
    let output = vnetlint(&[
        "check",
        "testdata/cases/terraform/module-two-call-sites",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "VNL101")
        .collect();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_ne!(findings[0]["address"], findings[1]["address"]);
    assert_ne!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
    assert!(findings.iter().all(|f| {
        f["file"]
            .as_str()
            .unwrap()
            .ends_with("modules/jump/main.tf")
    }));
}

#[test]
fn literal_secrets_never_reach_an_output() {
    // VNL402 names where a secret is; snippets and embedded sources mask it.
    for args in [
        vec!["check", "testdata/cases/backend/secrets-literal"],
        vec![
            "check",
            "testdata/cases/backend/secrets-literal",
            "--format",
            "json",
        ],
        vec![
            "check",
            "testdata/cases/backend/secrets-literal",
            "--format",
            "sarif",
            "--sarif-embed-sources",
        ],
    ] {
        let mut out = stdout(&vnetlint(&args));
        assert!(out.contains("VNL402"), "{args:?}");
        if args.contains(&"sarif") {
            // The rule's own documentation shows an example secret; look at what was scanned.
            let sarif: serde_json::Value = serde_json::from_str(&out).unwrap();
            out = format!(
                "{}{}",
                sarif["runs"][0]["results"], sarif["runs"][0]["artifacts"]
            );
        }
        assert!(
            !out.contains("Winter2024!"),
            "a secret leaked with {args:?}"
        );
    }
}

#[test]
fn plans_and_their_configurations_are_read_under_the_run_limits() {
    // The limits apply to the plan path as to modules: past `--max-elements` the plan's
    // network is not checked and VNL004 names the limit; a plan larger than `--max-file-size`
    // is not read at all (it is reported as too large, not parsed as a plan).
    let elements = vnetlint(&[
        "check",
        "testdata/cases/plan/locals-port-with-config",
        "--max-elements",
        "1",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&elements)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["code"] == "VNL004"
            && f["message"].as_str().unwrap().contains("max_elements")
            && f["file"] == "testdata/cases/plan/locals-port-with-config/plan.json"),
        "{findings:#?}"
    );
    assert!(
        !findings.iter().any(|f| f["code"] == "VNL101"),
        "the plan's network is not checked past the limit: {findings:#?}"
    );
    let size = vnetlint(&[
        "check",
        "testdata/cases/plan/locals-port-plan-only",
        "--max-file-size",
        "100",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&size)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "VNL004"
                && f["message"].as_str().unwrap().contains("max_file_size")),
        "{findings:#?}"
    );
}

/// The text between `<!-- NAME:start...-->` and `<!-- NAME:end -->` of `text` replaced by
/// `body`.
fn replace_section(text: &str, name: &str, body: &str) -> String {
    let start_marker = format!("<!-- {name}:start");
    let end_marker = format!("<!-- {name}:end -->");
    let start = text
        .find(&start_marker)
        .unwrap_or_else(|| panic!("README has no {start_marker}"));
    let body_start = start + text[start..].find("-->\n").expect("marker ends") + 4;
    let end = text
        .find(&end_marker)
        .unwrap_or_else(|| panic!("README has no {end_marker}"));
    format!("{}{body}{}", &text[..body_start], &text[end..])
}

/// The README's usage text is the binary's `--help` output and its rules table is the catalog:
/// a flag or a rule added without the README fails here (`VNETLINT_BLESS=1` rewrites both).
#[test]
fn the_readme_usage_and_rules_are_generated() {
    let mut usage = String::from("```text\n");
    for args in [&["--help"][..], &["check", "--help"], &["reach", "--help"]] {
        let output = vnetlint(args);
        assert!(output.status.success(), "{output:?}");
        let _ = writeln!(usage, "$ vnetlint {}", args.join(" "));
        usage.push_str(stdout(&output).trim_end());
        usage.push_str("\n\n");
    }
    usage.truncate(usage.trim_end().len());
    usage.push_str("\n```\n");
    let mut rules = String::from("| code | name | level | what it finds |\n|---|---|---|---|\n");
    for info in vnetlint_checks::rule_infos() {
        let _ = writeln!(
            rules,
            "| [{code}](docs/rules/{code}.md) | `{name}` | {level} | {summary} |",
            code = info.code,
            name = info.name,
            level = info.default_level.as_str(),
            summary = info.summary.replace('|', "\\|"),
        );
    }
    let path = common::root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let expected = replace_section(&replace_section(&readme, "usage", &usage), "rules", &rules);
    if std::env::var_os("VNETLINT_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    assert!(
        readme == expected,
        "README.md's usage or rules table is stale; run VNETLINT_BLESS=1 cargo test -p vnetlint --test cli"
    );
}

/// docs/plan-hooks.md's run-task recipe fails the task when `summary.errors > 0`: a finding the
/// team suppressed (with a reason) must not count there, only in `summary.suppressed`.
#[test]
fn the_run_task_recipe_does_not_fail_on_suppressed_findings() {
    let dir = std::env::temp_dir().join(format!("vnetlint-run-task-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let case = common::root().join("testdata/cases/plan/locals-port-with-config");
    std::fs::copy(case.join("plan.json"), dir.join("plan.json")).unwrap();
    let main = std::fs::read_to_string(case.join("main.tf")).unwrap();
    let summary = |text: &str| {
        std::fs::write(dir.join("main.tf"), text).unwrap();
        let output = vnetlint(&[
            "check",
            "--plan",
            dir.join("plan.json").to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "never",
        ]);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        json["summary"].clone()
    };
    // As written, the finding counts (a warning here: no public IP leads to the rule).
    let open = summary(&main);
    assert_eq!(open["warnings"], 1, "{open}");
    assert_eq!(open["suppressed"], 0, "{open}");
    // Suppressed with a reason: it counts in `suppressed` only, so a recipe on
    // `summary.errors` or `summary.warnings` passes.
    let suppressed = summary(&main.replace(
        "# expect: VNL101",
        "# vnetlint:ignore VNL101 bastion behind the VPN, SEC-42",
    ));
    assert_eq!(suppressed["errors"], 0, "{suppressed}");
    assert_eq!(suppressed["warnings"], 0, "{suppressed}");
    assert_eq!(suppressed["suppressed"], 1, "{suppressed}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// More than ten notes are counted on the text summary line instead of drawn one by one (an
/// estate's unknowns and stale suppressions would bury the errors); `--verbose` draws them.
#[test]
fn many_notes_are_counted_not_drawn_unless_verbose() {
    let dir = std::env::temp_dir().join(format!("vnetlint-notes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from(common::OPEN_SSH);
    for i in 0..11 {
        let _ = writeln!(text, "# vnetlint:ignore VNL102 stale exception {i}");
    }
    std::fs::write(dir.join("main.tf"), text).unwrap();
    let path = dir.to_str().unwrap();
    let folded = stdout(&vnetlint(&["check", path, "--color", "never"]));
    assert!(!folded.contains("note[VNL005]"), "{folded}");
    assert!(folded.contains("warning[VNL101]"), "{folded}");
    assert!(
        folded.contains("the 11 notes are not shown (--verbose or --format json lists them)"),
        "{folded}"
    );
    let verbose = stdout(&vnetlint(&["check", path, "--color", "never", "--verbose"]));
    assert_eq!(verbose.matches("note[VNL005]").count(), 11, "{verbose}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--version` is the crate version, then the commit when the build could read one: the same
/// shape on every machine, whatever the checkout.
#[test]
fn version_names_the_crate_version_and_maybe_the_commit() {
    let output = vnetlint(&["--version"]);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let rest = text
        .strip_prefix(concat!("vnetlint ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{text:?}"));
    let commit = rest
        .trim_end()
        .strip_prefix(" (")
        .and_then(|r| r.strip_suffix(')'));
    assert!(
        rest.trim_end().is_empty()
            || commit.is_some_and(|c| c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit())),
        "{text:?}"
    );
}

/// Completions and the manual page are generated from the command line's definition: every
/// shell gets a script that knows the subcommands, and the page documents them.
#[test]
fn completions_and_man_pages_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = vnetlint(&["completions", shell]);
        assert!(output.status.success(), "{shell}: {output:?}");
        let script = stdout(&output);
        assert!(
            script.contains("check") && script.contains("reach"),
            "{shell}: {script}"
        );
    }
    assert!(!vnetlint(&["completions", "tcsh"]).status.success());
    let output = vnetlint(&["man"]);
    assert!(output.status.success(), "{output:?}");
    let page = stdout(&output);
    assert!(
        page.contains(".TH vnetlint 1") && page.contains("check"),
        "{page}"
    );
    let dir = std::env::temp_dir().join(format!("vnetlint-man-{}", std::process::id()));
    let output = vnetlint(&["man", "--out-dir", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    for page in [
        "vnetlint.1",
        "vnetlint-check.1",
        "vnetlint-reach.1",
        "vnetlint-diff.1",
    ] {
        assert!(dir.join(page).is_file(), "{page} missing");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `docs/schema/reach.schema.json` is the schema derived from `reach`'s output structs
/// (`VNETLINT_BLESS=1` rewrites it); `.ci/run` validates every fixture's reach answer against it.
#[test]
fn the_committed_reach_schema_is_the_derived_one() {
    let path = common::root().join("docs/schema/reach.schema.json");
    let schema = vnetlint::reach::json_schema();
    if std::env::var_os("VNETLINT_BLESS").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some(schema.as_str()),
        "stale {}; run VNETLINT_BLESS=1 cargo test -p vnetlint --test cli",
        path.display()
    );
}

/// `docs/schema/diff.schema.json` is `check`'s schema with the derived `changes` and `units`
/// (`VNETLINT_BLESS=1` rewrites it); `.ci/run` validates every diff case's JSON against it.
#[test]
fn the_committed_diff_schema_is_the_derived_one() {
    let path = common::root().join("docs/schema/diff.schema.json");
    let schema = vnetlint::diff::json_schema();
    if std::env::var_os("VNETLINT_BLESS").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).ok().as_deref(),
        Some(schema.as_str()),
        "stale {}; run VNETLINT_BLESS=1 cargo test -p vnetlint --test cli",
        path.display()
    );
}

/// A pre-apply hook pipes `terraform show -json` into vnetlint: when that fails, the pipe is
/// empty, and analyzing nothing must not let the apply through.
#[test]
fn an_empty_plan_on_standard_input_is_an_input_error() {
    for command in [&["check", "--plan", "-"][..], &["diff", "--plan", "-"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
            .args(command)
            .current_dir(common::root())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("the plan on standard input is empty"),
            "{command:?}: {stderr}"
        );
    }
}

/// `check` and `diff` upload to code scanning under their own `automationDetails.id`, since an
/// upload replaces the results of its category.
#[test]
fn diff_sarif_has_its_own_category() {
    let diff = vnetlint(&[
        "diff",
        "testdata/diff/source-widened/base",
        "testdata/diff/source-widened/head",
        "--format",
        "sarif",
        "--fail-on",
        "never",
    ]);
    let check = vnetlint(&["check", "testdata/examples/ase-sql", "--format", "sarif"]);
    let id = |output: &Output| {
        let log: serde_json::Value = serde_json::from_str(&stdout(output)).expect("SARIF JSON");
        log["runs"][0]["automationDetails"]["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    };
    assert_eq!(id(&diff), "vnetlint-diff/");
    assert_eq!(id(&check), "vnetlint/");
}
