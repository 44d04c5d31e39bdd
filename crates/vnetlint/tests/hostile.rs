//! The bad-input suite: `vnetlint check` over each case of `testdata/hostile/` (and over the
//! cases too large or too odd to commit, generated here into a temporary directory) must end
//! within a time bound with the documented diagnostic and exit code, and the good module
//! beside the bad one must still be analyzed. The time bound guards against hangs; it is not a
//! performance claim. Also: the output is the same with one thread and with two.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what any case takes (each ends in well under a second in release builds); a hang
/// or a runaway evaluation fails the test instead of stalling it.
const TIME_BOUND: Duration = Duration::from_secs(10);

/// A module with a finding (VNL101) that every run must still report.
const GOOD: &str = r#"resource "azurerm_network_security_group" "nsg" {
  name                = "nsg"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}
"#;

/// A fresh directory `<tmp>/<case>` holding `bad/` (empty) and `good/main.tf`.
fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vnetlint-hostile-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bad")).unwrap();
    std::fs::create_dir_all(dir.join("good")).unwrap();
    std::fs::write(dir.join("good/main.tf"), GOOD).unwrap();
    dir
}

/// A scratch directory whose `bad/` is a copy of `testdata/hostile/<case>`.
fn committed(case: &str) -> PathBuf {
    let dir = scratch(case);
    let from = common::root().join("testdata/hostile").join(case);
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("bad").join(entry.file_name())).unwrap();
    }
    dir
}

struct Run {
    code: i32,
    json: serde_json::Value,
    stderr: String,
    elapsed: Duration,
}

/// Runs `vnetlint check --format json` in `dir` (so shown paths are relative to it), killing
/// it past the time bound.
fn check(dir: &Path, extra: &[&str], threads: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vnetlint"));
    command
        .current_dir(dir)
        .args(["check", "--format", "json", "--color", "never"])
        .args(extra)
        .arg(".")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let started = Instant::now();
    let mut child = command.spawn().unwrap();
    // Read the pipes on threads so a large report cannot block the child while we wait.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut out, &mut text).unwrap();
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut err, &mut text).unwrap();
        text
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`vnetlint check` over {} did not end within {TIME_BOUND:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let stdout = out.join().unwrap();
    let stderr = err.join().unwrap();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    Run {
        code: status.code().unwrap_or(-1),
        json,
        stderr,
        elapsed,
    }
}

/// `(code, file, line, column, message)` of each finding.
fn findings(run: &Run) -> Vec<(String, String, u64, u64, String)> {
    run.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// What a case must produce.
struct Expect<'a> {
    code: i32,
    /// A finding `(code, file under bad/, line)` whose message contains the text; `None` when
    /// the diagnostic is on standard error instead.
    finding: Option<(&'a str, &'a str, u64, &'a str)>,
    /// Text standard error must contain.
    stderr: Option<&'a str>,
}

fn assert_case(case: &str, dir: &Path, extra: &[&str], expect: &Expect<'_>) {
    let run = check(dir, extra, None);
    let all = findings(&run);
    let context = format!(
        "case {case} ({:?}): exit {}, findings {all:#?}, stderr {}",
        run.elapsed, run.code, run.stderr
    );
    assert_eq!(run.code, expect.code, "{context}");
    assert!(
        all.iter()
            .any(|(code, file, ..)| code == "VNL101" && file == "good/main.tf"),
        "the good module beside the bad one is not analyzed: {context}"
    );
    if let Some((code, file, line, text)) = expect.finding {
        let file = format!("bad/{file}");
        assert!(
            all.iter().any(|(c, f, l, col, m)| c == code
                && *f == file
                && *l == line
                && *col >= 1
                && m.contains(text)),
            "expected {code} at {file}:{line} containing {text:?}: {context}"
        );
    }
    if let Some(text) = expect.stderr {
        assert!(
            run.stderr.contains(text),
            "expected stderr {text:?}: {context}"
        );
    }
}

/// A committed case: its directory, the exit code, and the finding `(code, file, line, text)`
/// expected in its `bad/` copy (an empty code when there is none to expect).
type Case<'a> = (&'a str, i32, (&'a str, &'a str, u64, &'a str));

#[test]
fn committed_cases() {
    // (case, exit code, (code, file, line, message text)).
    let cases: &[Case<'_>] = &[
        ("truncated", 1, ("VNL001", "main.tf", 1, "missing `}`")),
        (
            "invalid-utf8",
            1,
            ("VNL001", "main.tf", 1, "not valid UTF-8"),
        ),
        ("nul-byte", 1, ("VNL001", "main.tf", 4, "cannot parse")),
        (
            "count-10-million",
            1,
            ("VNL004", "main.tf", 2, "limit `max_instances` exceeded"),
        ),
        (
            "for-each-million",
            1,
            ("VNL004", "main.tf", 2, "limit `max_collection` exceeded"),
        ),
        (
            "range-1e9",
            1,
            ("VNL004", "main.tf", 2, "limit `max_collection` exceeded"),
        ),
        (
            "cyclic-locals",
            1,
            ("VNL002", "main.tf", 3, "the configuration has a cycle"),
        ),
        (
            "module-includes-itself",
            1,
            ("VNL002", "main.tf", 1, "the module calls itself"),
        ),
        (
            "module-source-outside-root",
            1,
            ("VNL002", "main.tf", 1, "outside the scanned directories"),
        ),
        (
            "arm-copy-million",
            1,
            (
                "VNL002",
                "t.json",
                3,
                "outside the 0 to 800 copies ARM allows",
            ),
        ),
        (
            "arm-concat-bomb",
            1,
            ("VNL004", "t.json", 26, "limit `max_string_len` exceeded"),
        ),
        (
            "hcl-template-bomb",
            1,
            ("VNL004", "main.tf", 23, "limit `max_string_len` exceeded"),
        ),
        (
            "tf-replace-bomb",
            1,
            ("VNL004", "main.tf", 7, "limit `max_string_len` exceeded"),
        ),
        (
            "arm-replace-bomb",
            1,
            ("VNL004", "t.json", 8, "limit `max_string_len` exceeded"),
        ),
        (
            "tf-strings-times-collection",
            1,
            ("VNL004", "main.tf", 4, "limit `max_eval_bytes` exceeded"),
        ),
        (
            "arm-copy-nested",
            1,
            ("VNL004", "t.json", 15, "limit `max_elements` exceeded"),
        ),
        // A width of 300 is honoured, so the count is 1 and the open SSH rule is found.
        (
            "tf-format-width",
            1,
            ("VNL101", "main.tf", 16, "lets the Internet reach SSH"),
        ),
        // An unknown resource type is not modelled: no finding, and no failure either.
        ("unknown-resource-type", 1, ("", "", 0, "")),
        (
            "wrong-types",
            1,
            ("VNL204", "main.tf", 7, "priority `high`"),
        ),
    ];
    for (case, code, (rule, file, line, text)) in cases {
        let dir = committed(case);
        // `../../..` from bad/ must leave the scan root: scan only the case directory.
        assert_case(
            case,
            &dir,
            &[],
            &Expect {
                code: *code,
                finding: (!rule.is_empty()).then_some((*rule, *file, *line, *text)),
                stderr: None,
            },
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn arm_wrong_types_are_reported() {
    let dir = committed("wrong-types");
    let run = check(&dir, &[], None);
    let all = findings(&run);
    assert!(
        all.iter().any(|(c, f, _, _, m)| c == "VNL204"
            && f == "bad/arm.json"
            && m.contains("priority `first`")),
        "{all:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Inputs too large to commit, generated at test time.
#[test]
fn generated_cases() {
    // A 50 MB file: above `max_file_size`, not read, named by a finding.
    let dir = scratch("fifty-mb");
    let line = format!("  a = \"{}\"\n", "y".repeat(90));
    let mut text = String::from("locals {\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    text.push_str("}\n");
    std::fs::write(dir.join("bad/main.tf"), &text).unwrap();
    drop(text);
    assert_case(
        "fifty-mb",
        &dir,
        &[],
        &Expect {
            code: 1,
            finding: Some(("VNL004", "main.tf", 1, "limit `max_file_size` exceeded")),
            stderr: None,
        },
    );
    // Raised, the same file is read (and has nothing to report).
    let raised = check(&dir, &["--max-file-size", "100000000"], None);
    assert!(
        !findings(&raised).iter().any(|f| f.0 == "VNL004"),
        "{:?}",
        findings(&raised)
    );
    let _ = std::fs::remove_dir_all(&dir);

    // JSON nested 100,000 deep: jsonc-parser's nesting limit, a VNL001 with a position.
    let dir = scratch("deep-json");
    let deep = format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\", \"contentVersion\": \"1.0.0.0\", \"resources\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.join("bad/t.json"), deep).unwrap();
    assert_case(
        "deep-json",
        &dir,
        &[],
        &Expect {
            code: 1,
            finding: Some(("VNL001", "t.json", 1, "nesting depth")),
            stderr: None,
        },
    );
    let _ = std::fs::remove_dir_all(&dir);

    // An HCL expression nested 100,000 deep: hcl-edit's nesting limit of 64.
    let dir = scratch("deep-hcl");
    let deep = format!(
        "locals {{\n  a = {}1{}\n}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.join("bad/main.tf"), deep).unwrap();
    assert_case(
        "deep-hcl",
        &dir,
        &[],
        &Expect {
            code: 1,
            finding: Some(("VNL001", "main.tf", 2, "nesting depth")),
            stderr: None,
        },
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A 1 MB single-line string: within every limit, analyzed like any other value.
    let dir = scratch("long-string");
    let long = format!(
        "resource \"azurerm_network_security_group\" \"long\" {{\n  name = \"{}\"\n  location = \"westeurope\"\n  resource_group_name = \"rg\"\n}}\n",
        "n".repeat(1_000_000)
    );
    std::fs::write(dir.join("bad/main.tf"), long).unwrap();
    assert_case(
        "long-string",
        &dir,
        &[],
        &Expect {
            code: 1,
            finding: None,
            stderr: None,
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn symbolic_links() {
    use std::os::unix::fs::symlink;

    // A loop of links with a template name, and a directory link to itself: the walk never
    // follows directory links, and the file loop is reported (exit 2: not everything asked
    // for could be read).
    let dir = scratch("symlink-loop");
    symlink("b.tf", dir.join("bad/a.tf")).unwrap();
    symlink("a.tf", dir.join("bad/b.tf")).unwrap();
    symlink(".", dir.join("bad/self")).unwrap();
    assert_case(
        "symlink-loop",
        &dir,
        &[],
        &Expect {
            code: 2,
            finding: None,
            stderr: Some("the symbolic link does not lead to a file"),
        },
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A link to a file outside the scan root: not read, reported; read with the flag.
    let dir = scratch("symlink-outside");
    let outside = std::env::temp_dir().join(format!(
        "vnetlint-hostile-outside-{}.tf",
        std::process::id()
    ));
    std::fs::write(
        &outside,
        "resource \"azurerm_network_security_group\" \"outside\" {\n  name = 5\n  location = \"x\"\n  resource_group_name = \"rg\"\n  security_rule {\n    name = \"r\"\n    priority = \"p\"\n    direction = \"Inbound\"\n    access = \"Allow\"\n    protocol = \"Tcp\"\n    source_port_range = \"*\"\n    destination_port_range = \"22\"\n    source_address_prefix = \"*\"\n    destination_address_prefix = \"*\"\n  }\n}\n",
    )
    .unwrap();
    symlink(&outside, dir.join("bad/main.tf")).unwrap();
    assert_case(
        "symlink-outside",
        &dir,
        &[],
        &Expect {
            code: 2,
            finding: None,
            stderr: Some("outside the scanned directories"),
        },
    );
    let allowed = check(&dir, &["--allow-outside-root"], None);
    assert!(
        findings(&allowed)
            .iter()
            .any(|(c, f, ..)| c == "VNL204" && f == "bad/main.tf"),
        "{:?} {}",
        findings(&allowed),
        allowed.stderr
    );
    let _ = std::fs::remove_file(&outside);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report does not depend on the number of threads: same bytes with one and two.
#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let root = common::root().join("testdata");
    let run_with = |threads: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
            .current_dir(&root)
            .args([
                "check", "--format", "sarif", "--color", "never", "cases", "examples",
            ])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        (output.status.code(), output.stdout)
    };
    let one = run_with("1");
    let two = run_with("2");
    assert!(!one.1.is_empty());
    assert_eq!(one.0, two.0);
    assert!(one.1 == two.1, "the SARIF differs between 1 and 2 threads");
    // Many runs with several threads also agree (an ordering bug shows up as flakiness).
    for _ in 0..3 {
        assert!(run_with("4").1 == one.1);
    }
}

/// Runs `vnetlint check` in `dir` with `args` and returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnetlint"))
        .current_dir(dir)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        // Written on a thread: the child may stop reading at its limit, and the write must
        // not block the test.
        std::thread::spawn(move || {
            let _ = std::io::Write::write_all(&mut pipe, &bytes);
        });
    }
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// File names from a pull request cannot drive the terminal (escape sequences, line breaks and
/// bidirectional overrides are escaped in text output, colour or not), and a name that is not
/// UTF-8 is given without loss in JSON and SARIF (a percent-encoded URI) and in text.
#[cfg(unix)]
#[test]
fn hostile_file_names_are_escaped_and_kept_exactly() {
    use std::os::unix::ffi::OsStrExt;

    let dir = scratch("file-names");
    let evil = "evil\n\u{1b}[31mred\u{202e}fdp.tf";
    std::fs::write(dir.join("bad").join(evil), GOOD).unwrap();
    let not_utf8 = std::ffi::OsStr::from_bytes(b"net\xFF.tf");
    std::fs::write(
        dir.join("bad").join(not_utf8),
        GOOD.replace("\"nsg\" {", "\"other\" {"),
    )
    .unwrap();
    for color in ["never", "always"] {
        let (code, text, _) = run_in(&dir, &["check", "--color", color, "bad"], None);
        assert_eq!(code, 1, "{text}");
        assert!(!text.contains('\u{202e}'), "{text}");
        assert!(
            text.contains(r"bad/evil\n\u{1b}[31mred\u{202e}fdp.tf"),
            "{text}"
        );
        assert!(text.contains(r"bad/net\xFF.tf"), "{text}");
        if color == "never" {
            assert!(!text.contains('\u{1b}'), "{text}");
        }
    }
    let (_, json, _) = run_in(&dir, &["check", "--format", "json", "bad"], None);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let uris: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"bad/net%FF.tf"), "{uris:?}");
    assert!(
        uris.contains(&"bad/evil%0A%1B%5B31mred%E2%80%AEfdp.tf"),
        "{uris:?}"
    );
    let (_, sarif, _) = run_in(&dir, &["check", "--format", "sarif", "bad"], None);
    assert!(sarif.contains("\"bad/net%FF.tf\""), "{sarif}");
    assert!(
        !sarif.contains('\u{fffd}'),
        "no replacement character names a file"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--plan -` reads standard input under `max_file_size`: past it, nothing more is read (the
/// memory stays bounded whatever is piped in) and a VNL004 names the plan.
#[test]
fn a_plan_on_standard_input_is_read_under_the_size_limit() {
    let dir = scratch("stdin-plan");
    let big = vec![b' '; 3 * 1024 * 1024];
    let (code, json, stderr) = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--plan",
            "-",
            "--max-file-size",
            "1048576",
        ],
        Some(&big),
    );
    assert_eq!(code, 1, "{json}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "VNL004", "{json:#}");
    assert_eq!(finding["file"], "<stdin>");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("more than 1048576 bytes"),
        "{json:#}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `max_unit_seconds` bounds a unit's checks too: past it, the checks that did not run are named
/// by a VNL004 at the unit's first file, and the run ends normally.
#[test]
fn the_unit_deadline_stops_the_checks_with_a_located_finding() {
    let dir = scratch("deadline");
    let run = check(&dir, &["--max-unit-seconds", "0"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let all = findings(&run);
    assert!(
        all.iter()
            .any(|(code, file, line, _, message)| code == "VNL004"
                && file == "good/main.tf"
                && *line == 1
                && message.contains("`max_unit_seconds`")
                && message.contains("before its checks could run")),
        "{all:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
