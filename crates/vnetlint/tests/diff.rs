//! `vnetlint diff` on every case of `testdata/diff/`: the findings (code, level, `file:line`) and
//! the exit code of `expected.txt`, and a snapshot of the markdown report; `--base-ref` on a
//! temporary git repository with two commits.

mod common;

use std::path::Path;
use std::process::Command;

/// `(code level file:line)` of each finding of a JSON report, and the exit code.
fn run(dir: &Path, args: &[&str]) -> (Vec<String>, i32, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .arg("diff")
        .args(args)
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    let mut found: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let name = file.rsplit('/').next().unwrap_or(file);
            format!(
                "{} {} {name}:{}",
                f["code"].as_str().unwrap(),
                f["level"].as_str().unwrap(),
                f["start"]["line"]
            )
        })
        .collect();
    found.sort();
    (found, output.status.code().unwrap_or(-1), json)
}

#[test]
fn every_diff_case_gives_its_expected_findings_and_exit_code() {
    let root = common::root().join("testdata/diff");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "the diff cases went missing");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let args: Vec<String> = if case.join("plan.json").is_file() {
            vec!["--plan".into(), "plan.json".into()]
        } else {
            vec!["base".into(), "head".into()]
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (found, code, json) = run(case, &args);
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let mut wanted: Vec<String> = expected
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("exit"))
            .map(str::to_owned)
            .collect();
        wanted.sort();
        let exit: i32 = expected
            .lines()
            .find_map(|l| l.strip_prefix("exit "))
            .expect("expected.txt gives the exit code")
            .trim()
            .parse()
            .unwrap();
        if found != wanted || code != exit {
            failures.push(format!(
                "{name}: expected {wanted:?} exit {exit}, got {found:?} exit {code}"
            ));
        }
        // Every change in JSON has its witness and cause.
        for change in json["changes"].as_array().unwrap() {
            for key in [
                "change", "from", "to", "protocol", "ports", "witness", "because",
            ] {
                assert!(
                    !change[key].is_null(),
                    "{name}: a change lacks `{key}`: {change}"
                );
            }
        }
        let markdown = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
            .arg("diff")
            .args(&args)
            .args(["--format", "markdown"])
            .current_dir(case)
            .output()
            .unwrap();
        let text = String::from_utf8(markdown.stdout).unwrap();
        insta::with_settings!({ snapshot_path => common::root().join("testdata/snapshots/diff"), prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(name.clone(), text);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `vnetlint diff ARGS` in `dir` with `stdin` on standard input; `(stdout, exit code)`.
fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> (String, i32) {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .arg("diff")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap_or(-1),
    )
}

/// `(code level file:line)` of each finding of a JSON report, with the whole path.
fn places(json: &serde_json::Value) -> Vec<String> {
    let mut found: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["code"].as_str().unwrap(),
                f["level"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["start"]["line"]
            )
        })
        .collect();
    found.sort();
    found
}

/// `diff --plan - --config-dir DIR` points at the configuration's lines, as `check --plan -
/// --config-dir DIR` does, not at `<stdin>`; and so does `--plan FILE` with the configuration
/// next to the plan (the default `--config-dir`).
#[test]
fn plan_findings_point_at_the_configuration() {
    let cases = common::root().join("testdata/cases/plan");
    let plan = std::fs::read(cases.join("locals-port-with-config/plan.json")).unwrap();
    let (out, code) = run_with_stdin(
        &cases,
        &[
            "--plan",
            "-",
            "--config-dir",
            "locals-port-with-config",
            "--format",
            "json",
        ],
        &plan,
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The plan has no prior state: everything the NSG lets in is new, decided by rule `ssh`
    // (its block starts on line 10 of main.tf): SSH from the Internet, and from private
    // addresses everything (the stand-in `VirtualNetwork`) or SSH only (IPv6 ones).
    assert_eq!(
        places(&json),
        [
            "VNL910 error locals-port-with-config/main.tf:10",
            "VNL910 warning locals-port-with-config/main.tf:10",
            "VNL910 warning locals-port-with-config/main.tf:10"
        ],
        "{json}"
    );
    assert_eq!(code, 1);
    for change in json["changes"].as_array().unwrap() {
        assert_eq!(
            change["because"]["file"], "locals-port-with-config/main.tf",
            "{change}"
        );
    }
    let (found, code, _) = run(
        &cases.join("locals-port-with-config"),
        &["--plan", "plan.json"],
    );
    assert_eq!(
        found,
        [
            "VNL910 error main.tf:10",
            "VNL910 warning main.tf:10",
            "VNL910 warning main.tf:10"
        ]
    );
    assert_eq!(code, 1);
}

/// Runs `vnetlint diff ARGS --format markdown` in `dir`.
fn markdown(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .arg("diff")
        .args(args)
        .args(["--format", "markdown"])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// Names from the templates cannot inject markdown, HTML or table cells into the pull-request
/// comment: `testdata/diff/hostile-names` names a rule with a backtick, a link, HTML, `|` and a
/// new line, and a subnet with `|`, backticks and HTML.
#[test]
fn markdown_escapes_names_from_the_templates() {
    let case = common::root().join("testdata/diff/hostile-names");
    let text = markdown(
        &case,
        &[
            "base",
            "head",
            "--link-base",
            "https://github.com/o/r/blob/abc",
        ],
    );
    // The rule's name is one code span, fenced by more backticks than it holds; its new line is
    // a space, so no heading starts.
    assert!(
        text.contains(
            "decided by ``rule \"ssh`](https://evil.example) <b>bold</b> & | cell # heading\" (priority 100)``"
        ),
        "{text}"
    );
    assert!(
        text.contains("decided by ```rule \"deny-ops``\" (priority 110)```"),
        "{text}"
    );
    // The subnet's `|` is escaped in the table (GFM unescapes it inside the code span), not
    // in the list.
    assert!(
        text.contains("| subnet ``snet\\|ops`x`<i>`` (10.1.2.0/24) | 0 | 1 |"),
        "{text}"
    );
    assert!(
        text.contains("from subnet ``snet|ops`x`<i>`` (10.1.2.0/24) to `nic-jump`"),
        "{text}"
    );
    for line in text.lines() {
        assert!(
            !line.starts_with('#') || line == "## vnetlint diff",
            "a name started a block: {line}"
        );
        if line.starts_with('|') {
            let cells = line.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 4, "a name added a table cell: {line}");
        }
    }
    // Each item has its code and level; the counts line is there.
    assert!(
        text.contains("**1 opened** (1 error), **1 closed**; 1 unit compared, 0 unchanged."),
        "{text}"
    );
    assert!(
        text.contains("- **🔴 opened** (VNL910, error): tcp 22 from the Internet to `pip-jump`"),
        "{text}"
    );
    assert!(text.contains("- **🔵 closed** (VNL911, note): "), "{text}");
    assert!(
        text.contains("([`main.tf:52`](https://github.com/o/r/blob/abc/main.tf#L52))"),
        "{text}"
    );
}

/// Links: a path with spaces and parentheses is percent-encoded as the JSON `uri` is, and a
/// plan read from standard input (`<stdin>`, no file) gets no link, only its escaped name.
#[test]
fn markdown_links_only_to_files_with_encoded_paths() {
    let dir = std::env::temp_dir().join(format!("vnetlint-diff-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let case = common::root().join("testdata/diff/source-widened");
    for side in ["base", "head"] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
        std::fs::copy(
            case.join(side).join("main.tf"),
            dir.join(side).join("net (prod) #1.tf"),
        )
        .unwrap();
    }
    let text = markdown(
        &dir,
        &["base", "head", "--link-base", "https://x.example/blob/sha/"],
    );
    assert!(
        text.contains(
            "[`net (prod) #1.tf:42`](https://x.example/blob/sha/net%20%28prod%29%20%231.tf#L42)"
        ),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A BASE file shown for a removed element is no file of HEAD: no link.
    let removed = common::root().join("testdata/diff/public-ip-removed");
    let text = markdown(
        &removed,
        &["base", "head", "--link-base", "https://x.example/blob/sha"],
    );
    assert!(text.contains("(`main.tf (base):15`)"), "{text}");
    assert!(!text.contains("main.tf (base):15`]("), "{text}");

    let plan_case = common::root().join("testdata/diff/plan-adds-rdp");
    let plan = std::fs::read(plan_case.join("plan.json")).unwrap();
    let empty = std::env::temp_dir().join(format!("vnetlint-diff-stdin-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let (text, code) = run_with_stdin(
        &empty,
        &[
            "--plan",
            "-",
            "--format",
            "markdown",
            "--link-base",
            "https://x.example/blob/sha",
        ],
        &plan,
    );
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("(`<stdin>:61`)"), "{text}");
    assert!(!text.contains("https://x.example"), "{text}");
    let _ = std::fs::remove_dir_all(&empty);
}

/// `--base-ref REF` reads BASE from git's objects: a repository with two commits, the second
/// widening an SSH rule, gives the VNL910 of the `source-widened` case; the working tree is
/// not touched.
#[test]
fn base_ref_compares_a_commit_with_the_working_tree() {
    let repo = std::env::temp_dir().join(format!("vnetlint-diff-git-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(repo.join("infra")).unwrap();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    let case = common::root().join("testdata/diff/source-widened");
    git(&["init", "-q"]);
    std::fs::copy(case.join("base/main.tf"), repo.join("infra/main.tf")).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "narrow"]);
    std::fs::copy(case.join("head/main.tf"), repo.join("infra/main.tf")).unwrap();
    git(&["commit", "-q", "-am", "widen"]);
    let (found, code, _) = run(&repo, &["--base-ref", "HEAD~1", "infra"]);
    assert_eq!(found, ["VNL910 error main.tf:42"], "exit {code}");
    assert_eq!(code, 1);
    // Against itself, nothing changed.
    let (found, code, json) = run(&repo, &["--base-ref", "HEAD", "infra"]);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(code, 0);
    assert_eq!(json["units"]["unchanged"], 1, "{json}");
    let _ = std::fs::remove_dir_all(&repo);
}

/// The SARIF results of a diff, as `(ruleId, uri, startLine, message)`.
fn sarif_results(
    dir: &Path,
    args: &[&str],
) -> (Vec<(String, String, u64, String)>, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .arg("diff")
        .args(args)
        .args(["--format", "sarif"])
        .current_dir(dir)
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                physical["region"]["startLine"].as_u64().unwrap(),
                r["message"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (results, log)
}

/// SARIF locates a result about a removed element in a file of HEAD, which code scanning can
/// show (`main.tf (base)` is no file of the commit): HEAD's file of the same path at line 1,
/// with a note giving the BASE line.
#[test]
fn sarif_locates_removed_elements_in_head_files() {
    let case = common::root().join("testdata/diff/public-ip-removed");
    let (results, log) = sarif_results(&case, &["base", "head"]);
    let removal = results
        .iter()
        .find(|r| r.3.contains("the removal of `pip-jump`"))
        .unwrap_or_else(|| panic!("{log}"));
    assert_eq!((removal.1.as_str(), removal.2), ("main.tf", 1), "{log}");
    assert!(
        removal.3.contains(
            "what this result points at is in the base version only, at `main.tf` line 15"
        ),
        "{log}"
    );
    let artifacts: Vec<&str> = log["runs"][0]["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(artifacts, ["main.tf"], "{log}");
}

/// `--quiet` drops the summary line of the text report, and `--repository-uri` fills SARIF's
/// `versionControlProvenance`, as they do for `check`.
#[test]
fn quiet_and_repository_uri_work_as_for_check() {
    let case = common::root().join("testdata/diff/source-widened");
    let text = |quiet: bool| {
        let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
            .args(["diff", "base", "head", "--color", "never"])
            .args(quiet.then_some("--quiet"))
            .current_dir(&case)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8(output.stdout).unwrap()
    };
    let (loud, quiet) = (text(false), text(true));
    assert!(loud.ends_with("1 finding (1 error) in 1 file\n"), "{loud}");
    assert!(!quiet.contains("1 finding (1 error)"), "{quiet}");
    assert!(
        loud.starts_with(&quiet) && quiet.contains("VNL910"),
        "{quiet}"
    );

    let (_, log) = sarif_results(
        &case,
        &[
            "base",
            "head",
            "--repository-uri",
            "https://user:secret@github.com/o/r",
        ],
    );
    let provenance = &log["runs"][0]["versionControlProvenance"][0];
    assert_eq!(
        provenance["repositoryUri"], "https://github.com/o/r",
        "{log}"
    );
    assert_eq!(provenance["mappedTo"]["uriBaseId"], "%SRCROOT%", "{log}");
}

/// The keys of a pretty-printed JSON document at one indentation, in the order written, from
/// the line that starts with `from` on.
fn keys_in_order(text: &str, indent: usize, from: &str) -> Vec<String> {
    let start = text.find(from).unwrap_or(0);
    text[start..]
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(&" ".repeat(indent))?;
            let key = rest.strip_prefix('"')?.split('"').next()?;
            Some(key.to_owned())
        })
        .collect()
}

/// The JSON document keeps `check`'s key order (`version`, `summary`, `findings`, each finding
/// as `check` writes it), then `changes` and `units`; a change's keys are in the documented
/// order.
#[test]
fn json_keys_follow_check_then_changes_and_units() {
    let case = common::root().join("testdata/diff/source-widened");
    let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .args(["diff", "base", "head", "--format", "json"])
        .current_dir(&case)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        keys_in_order(&text, 2, "{"),
        ["version", "summary", "findings", "changes", "units"],
        "{text}"
    );
    let check = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .args(["check", "head", "--format", "json"])
        .current_dir(&case)
        .output()
        .unwrap();
    let check = String::from_utf8(check.stdout).unwrap();
    let first_finding = |text: &str| {
        let mut keys = keys_in_order(text, 6, "\"findings\": [");
        let end = keys
            .iter()
            .skip(1)
            // The next finding, or the changes after the last one.
            .position(|k| k == "code" || k == "change")
            .map_or(keys.len(), |i| i + 1);
        keys.truncate(end);
        keys
    };
    assert_eq!(
        first_finding(&text),
        first_finding(&check),
        "{text}\n{check}"
    );
    assert_eq!(
        first_finding(&text)[..3],
        ["code", "rule", "level"],
        "{text}"
    );
    let mut change = keys_in_order(&text, 6, "\"changes\": [");
    change.truncate(9);
    assert_eq!(
        change,
        [
            "change",
            "unit",
            "from",
            "to",
            "protocol",
            "ports",
            "witness",
            "broad_internet",
            "because"
        ],
        "{text}"
    );
}

/// `--base-ref REF PATH` with PATH on one side only: a directory the working tree adds is
/// compared with an empty BASE (VNL910 for what it opens), one it removes with an empty HEAD
/// (VNL911 for what it let in); a path on neither side is a usage error (exit 2) naming it.
#[test]
fn base_ref_compares_a_path_on_one_side_with_nothing() {
    let repo = std::env::temp_dir().join(format!("vnetlint-diff-git-sides-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    let case = common::root().join("testdata/diff/source-widened");
    for dir in ["kept", "removed"] {
        std::fs::create_dir_all(repo.join(dir)).unwrap();
        std::fs::copy(case.join("head/main.tf"), repo.join(dir).join("main.tf")).unwrap();
    }
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    std::fs::remove_dir_all(repo.join("removed")).unwrap();
    std::fs::create_dir_all(repo.join("added")).unwrap();
    std::fs::copy(case.join("head/main.tf"), repo.join("added/main.tf")).unwrap();

    let (found, code, json) = run(&repo, &["--base-ref", "HEAD", "added", "kept"]);
    assert_eq!(
        found,
        ["VNL910 error main.tf:42", "VNL910 warning main.tf:37"],
        "{json}"
    );
    assert_eq!(code, 1);
    assert!(
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["unit"] == "added"),
        "{json}"
    );

    let (found, code, json) = run(&repo, &["--base-ref", "HEAD", "removed"]);
    assert_eq!(
        found,
        [
            "VNL911 note main.tf (base):15",
            "VNL911 note main.tf (base):23"
        ],
        "{json}"
    );
    assert_eq!(code, 0);
    // In SARIF, the deleted file's results stay at its path, line 1 (no file of HEAD holds
    // them), and no `(base)` path is left.
    let (results, log) = sarif_results(&repo, &["--base-ref", "HEAD", "removed"]);
    assert_eq!(results.len(), 2, "{log}");
    for (_, uri, line, _) in &results {
        assert_eq!((uri.as_str(), *line), ("removed/main.tf", 1), "{log}");
    }

    let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .args(["diff", "--base-ref", "HEAD", "kept", "nowhere"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nowhere is neither in `HEAD` nor in the working tree"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&repo);
}

/// What diff says a change opens agrees with `reach`, source by source: a review found "every
/// protocol every port from other private addresses to `nic-jump`" where `reach --from 10.0.0.0
/// --port 80` answers denied. The class mixed the VNet's address space outside its subnets
/// (which `AllowVnetInBound` admits) with the other private addresses (which only the SSH rule
/// admits); it now has a class of its own, and each summary holds for every source of its
/// class. Compared from an empty BASE, so every packet HEAD allows is opened.
#[test]
fn opened_traffic_agrees_with_reach() {
    use vnetlint_engine::{Packet, PortSet, Protocol, ProtocolSet, Traffic};
    let case = common::root().join("testdata/diff/source-widened");
    let empty = std::env::temp_dir().join(format!("vnetlint-diff-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let base = vnetlint::analyze(std::slice::from_ref(&empty), &empty);
    let head = vnetlint::analyze(&[case.join("head")], &case);
    let comparison = vnetlint::diff::compare(&base, &head);
    let _ = std::fs::remove_dir_all(&empty);
    let to = "azurerm_network_interface.jump";
    let summary: Vec<String> = comparison
        .changes
        .iter()
        .filter(|c| c.to == to)
        .map(|c| format!("{} {} from {}", c.protocols, c.ports, c.from))
        .collect();
    assert_eq!(
        summary,
        // Private addresses outside every subnet (the VNet's unused space, other private
        // ranges) have no way in: only the subnet's hosts are newly allowed.
        ["every protocol every port from subnet `snet-app` (10.1.1.0/24)"]
    );
    for src in [
        "10.0.0.0",
        "10.0.0.4",
        "172.16.0.9",
        "192.168.1.1",
        "10.1.0.5",
        "10.1.1.20",
    ] {
        for port in [22u16, 80, 3389] {
            for protocol in [Protocol::Tcp, Protocol::Udp] {
                let query = vnetlint::reach::ReachQuery {
                    from: src.to_owned(),
                    to: to.to_owned(),
                    traffic: Traffic {
                        protocols: ProtocolSet::single(protocol),
                        dst_ports: PortSet::single(port),
                    },
                };
                let answer = vnetlint::reach::reach(&head, &query).unwrap();
                let packet = Packet::new(
                    protocol,
                    src.parse().unwrap(),
                    49152,
                    "10.1.1.10".parse().unwrap(),
                    port,
                );
                let opened: Vec<String> = comparison
                    .changes
                    .iter()
                    .filter(|c| c.to == to && c.packets.contains(&packet))
                    .map(|c| format!("{} {} from {}", c.protocols, c.ports, c.from))
                    .collect();
                assert_eq!(
                    !opened.is_empty(),
                    answer.result.allowed.contains(&packet),
                    "{packet}: diff says {opened:?}"
                );
            }
        }
    }
}

/// A module compared with nothing (a pull request adding it) only opens: its subnets' egress,
/// restricted by a firewall route in `hub-spoke`, was reported closed to the Internet, as if the
/// addresses had sent there before they were the network's.
#[test]
fn a_new_module_closes_nothing() {
    let empty = std::env::temp_dir().join(format!("vnetlint-diff-new-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let example = common::root().join("testdata/examples/hub-spoke");
    let (found, code, json) = run(
        &common::root(),
        &[empty.to_str().unwrap(), example.to_str().unwrap()],
    );
    let _ = std::fs::remove_dir_all(&empty);
    assert_eq!(code, 1, "{json}");
    assert!(!found.is_empty(), "{json}");
    assert!(found.iter().all(|f| f.starts_with("VNL910 ")), "{found:?}");
    assert!(
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["change"] == "opened" && c["to"] != "Internet"),
        "{json}"
    );
}

/// The packets VNL910 and VNL911 report are exactly those a reference evaluator (first match by
/// priority over the rules as written, then Azure's default inbound rules) allows in HEAD and
/// denies in BASE, and the reverse: random rule lists of an NSG, as a plan's prior state and
/// planned values, against sample packets.
mod property {
    use std::net::IpAddr;

    use proptest::prelude::*;
    use vnetlint_engine::{Packet, Protocol};

    const SOURCES: [&str; 6] = [
        "*",
        "Internet",
        "VirtualNetwork",
        "10.0.0.0/8",
        "203.0.113.0/24",
        "198.51.100.7",
    ];
    const PORTS: [&str; 3] = ["22", "80-90", "*"];

    #[derive(Debug, Clone)]
    struct Rule {
        priority: u32,
        allow: bool,
        tcp_only: bool,
        source: &'static str,
        port: &'static str,
    }

    fn rule() -> impl Strategy<Value = Rule> {
        (0..6usize, 0..3usize, any::<bool>(), any::<bool>()).prop_map(|(s, p, allow, tcp_only)| {
            Rule {
                priority: 0,
                allow,
                tcp_only,
                source: SOURCES[s],
                port: PORTS[p],
            }
        })
    }

    fn rules() -> impl Strategy<Value = Vec<Rule>> {
        proptest::collection::vec(rule(), 0..4).prop_map(|mut rules| {
            for (i, rule) in rules.iter_mut().enumerate() {
                rule.priority = 100 + u32::try_from(i).unwrap() * 10;
            }
            rules
        })
    }

    fn private(ip: IpAddr) -> bool {
        [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
        ]
        .iter()
        .any(|c| in_cidr(c, ip))
    }

    fn in_cidr(cidr: &str, ip: IpAddr) -> bool {
        let (base, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
        let (IpAddr::V4(ip), Ok(base), Ok(bits)) =
            (ip, base.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>())
        else {
            return false;
        };
        let mask = if bits == 0 {
            0
        } else {
            u32::MAX << (32 - bits)
        };
        u32::from(ip) & mask == u32::from(base) & mask
    }

    fn source_matches(text: &str, ip: IpAddr) -> bool {
        match text {
            "*" => true,
            "Internet" => !private(ip),
            "VirtualNetwork" => private(ip),
            cidr => in_cidr(cidr, ip),
        }
    }

    fn port_matches(text: &str, port: u16) -> bool {
        match text {
            "*" => true,
            "80-90" => (80..=90).contains(&port),
            single => single.parse() == Ok(port),
        }
    }

    /// First match over the rules, then `AllowVnetInBound` and `DenyAllInBound` (the samples'
    /// destination is private and no sample comes from the load balancer's address).
    fn allows(rules: &[Rule], p: &Packet) -> bool {
        for rule in rules {
            let protocol = !rule.tcp_only || p.protocol == Protocol::Tcp;
            if protocol && source_matches(rule.source, p.src) && port_matches(rule.port, p.dst_port)
            {
                return rule.allow;
            }
        }
        private(p.src)
    }

    fn plan(base: &[Rule], head: &[Rule]) -> String {
        let nsg = |rules: &[Rule]| {
            let rules: Vec<serde_json::Value> = rules
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    serde_json::json!({
                        "name": format!("r{i}"), "priority": r.priority, "direction": "Inbound",
                        "access": if r.allow { "Allow" } else { "Deny" },
                        "protocol": if r.tcp_only { "Tcp" } else { "*" },
                        "source_port_range": "*", "destination_port_range": r.port,
                        "source_address_prefix": r.source, "destination_address_prefix": "*",
                    })
                })
                .collect();
            serde_json::json!({"address": "azurerm_network_security_group.n", "mode": "managed",
                "type": "azurerm_network_security_group", "name": "n",
                "values": {"name": "nsg-n", "location": "westeurope", "resource_group_name": "rg", "security_rule": rules}})
        };
        serde_json::json!({
            "format_version": "1.2",
            "prior_state": {"values": {"root_module": {"resources": [nsg(base)]}}},
            "planned_values": {"root_module": {"resources": [nsg(head)]}},
        })
        .to_string()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn reported_packets_are_exactly_the_changed_ones(base in rules(), head in rules()) {
            let comparison = vnetlint::diff_plan_text(&plan(&base, &head));
            let union = |kind: vnetlint::diff::ChangeKind| {
                comparison
                    .changes
                    .iter()
                    .filter(|c| c.kind == kind)
                    .fold(vnetlint_engine::PacketSet::empty(), |acc, c| acc.union(&c.packets))
            };
            let opened = union(vnetlint::diff::ChangeKind::Opened);
            let closed = union(vnetlint::diff::ChangeKind::Closed);
            for src in ["10.1.2.3", "172.16.0.1", "203.0.113.5", "198.51.100.7", "8.8.8.8"] {
                for port in [22u16, 85, 443] {
                    for protocol in [Protocol::Tcp, Protocol::Udp] {
                        let p = Packet::new(protocol, src.parse().unwrap(), 49152, "10.0.0.4".parse().unwrap(), port);
                        let (before, after) = (allows(&base, &p), allows(&head, &p));
                        prop_assert_eq!(opened.contains(&p), after && !before, "opened {:?}", p);
                        prop_assert_eq!(closed.contains(&p), before && !after, "closed {:?}", p);
                    }
                }
            }
        }
    }
}
