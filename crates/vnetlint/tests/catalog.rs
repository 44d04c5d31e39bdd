//! Meta-tests of the rule catalog: registry against files on disk, unique ids and names, doc
//! sections, generated `docs/rules/` pages up to date, and every doc example run as a test.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for check in vnetlint_checks::CHECKS {
        assert!(codes.insert(check.code), "duplicate code {}", check.code);
        assert!(names.insert(check.name), "duplicate name {}", check.name);
        assert!(
            check.code.len() == 6
                && check.code.starts_with("VNL")
                && check.code[3..].chars().all(|c| c.is_ascii_digit()),
            "bad code {}",
            check.code
        );
        assert!(
            check
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "names are kebab-case: {}",
            check.name
        );
    }
    let sorted: Vec<_> = vnetlint_checks::CHECKS.iter().map(|c| c.code).collect();
    let mut expected = sorted.clone();
    expected.sort_unstable();
    assert_eq!(sorted, expected, "the registry lists checks in code order");
}

#[test]
fn every_check_file_on_disk_is_registered() {
    let checks_dir = common::root().join("crates/vnetlint-checks/src/checks");
    let mut declared = BTreeSet::new();
    for family in std::fs::read_dir(&checks_dir).unwrap() {
        let family = family.unwrap().path();
        if !family.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&family).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some(code) = line.trim().strip_prefix("code: \"") {
                    declared.insert(code.trim_end_matches("\",").to_owned());
                }
            }
        }
    }
    let registered: BTreeSet<String> = vnetlint_checks::CHECKS
        .iter()
        .map(|c| c.code.to_owned())
        .collect();
    assert_eq!(
        declared, registered,
        "checks declared on disk vs registered in registry.rs"
    );
}

#[test]
fn docs_have_the_fixed_sections_and_examples_for_each_outcome() {
    for check in vnetlint_checks::CHECKS {
        let doc = check.doc();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
            "## Options",
            "## References",
        ] {
            assert!(
                doc.markdown.contains(section),
                "{} lacks `{section}`",
                check.code
            );
        }
        assert!(
            doc.summary.ends_with('.'),
            "{}: the summary is one sentence",
            check.code
        );
        let examples = check.examples();
        assert!(
            examples.iter().any(|e| (e.language == "hcl"
                || e.language == "plan"
                || e.language == "diffplan")
                && e.expect.iter().any(|c| c == check.code)),
            "{} needs a failing hcl example (a plan example for rules about planned changes)",
            check.code
        );
        assert!(
            examples
                .iter()
                .any(|e| e.language == "hcl" && e.expect.is_empty()),
            "{} needs a passing hcl example",
            check.code
        );
    }
}

#[test]
fn doc_examples_yield_exactly_their_expected_findings() {
    let mut failures = Vec::new();
    for check in vnetlint_checks::CHECKS {
        let examples = check.examples();
        let config = examples
            .iter()
            .find(|e| e.language == "toml")
            .map(|e| e.source.as_str());
        for (i, example) in examples.iter().enumerate() {
            let findings = match example.language.as_str() {
                "hcl" => {
                    vnetlint::analyze_sources_with_config(
                        &[("example.tf", &example.source)],
                        config,
                    )
                    .findings
                }
                // Rules about planned changes read a plan (`terraform show -json`).
                "plan" => vnetlint::analyze_plan_text(&example.source).findings,
                // Rules about what a change does compare a plan's two states (`vnetlint diff
                // --plan`).
                "diffplan" => vnetlint::diff_plan_text(&example.source).findings,
                _ => continue,
            };
            let mut wanted: Vec<&str> = example.expect.iter().map(String::as_str).collect();
            if !wanted.contains(&check.code) {
                // An unmarked example must not raise this check at all.
                let own = findings.iter().filter(|f| f.code == check.code).count();
                if own != 0 {
                    failures.push(format!(
                        "{} example {i}: expected no {}, got {own}",
                        check.code, check.code
                    ));
                }
            }
            wanted.sort_unstable();
            let mut got: Vec<&str> = findings.iter().map(|f| f.code).collect();
            got.sort_unstable();
            if !example.expect.is_empty() && got != wanted {
                failures.push(format!(
                    "{} example {i}: expected {wanted:?}, got {got:?}",
                    check.code
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generated_rule_pages_are_up_to_date() {
    let dir = common::root().join("docs/rules");
    let bless = std::env::var_os("VNETLINT_BLESS").is_some();
    let mut stale = Vec::new();
    let mut expected_files = BTreeSet::new();
    for check in vnetlint_checks::CHECKS {
        let path = dir.join(format!("{}.md", check.code));
        expected_files.insert(path.clone());
        let page = vnetlint::rule_page(check);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &page).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(page.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let index = vnetlint_checks::CHECKS
        .iter()
        .fold(String::new(), |mut out, c| {
            let _ = writeln!(
                out,
                "| [{}]({}.md) | `{}` | {} | {} |",
                c.code,
                c.code,
                c.name,
                c.default_level,
                c.doc().summary
            );
            out
        });
    let index = format!(
        "# Rules\n\n<!-- Generated from the checks' doc comments; edit them there. -->\n\n| code | name | level | summary |\n|---|---|---|---|\n{index}"
    );
    let index_path = dir.join("README.md");
    expected_files.insert(index_path.clone());
    if bless {
        std::fs::write(&index_path, &index).unwrap();
    } else if std::fs::read_to_string(&index_path).ok().as_deref() != Some(index.as_str()) {
        stale.push(index_path.display().to_string());
    }
    let on_disk: BTreeSet<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    let extra: Vec<_> = on_disk.difference(&expected_files).collect();
    assert!(extra.is_empty(), "pages without a check: {extra:?}");
    assert!(
        stale.is_empty(),
        "stale generated docs (run `VNETLINT_BLESS=1 cargo test -p vnetlint --test catalog`): {stale:?}"
    );
}
