//! The crate graph is the architecture: this test reads `cargo metadata` and fails when a crate
//! depends on a vnetlint crate it must not (frontends on each other or on checks, checks on a
//! frontend, anything below the report layer on the report or the binary, the language server
//! on a frontend).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// For each workspace crate, the vnetlint crates it may depend on (normal and dev dependencies).
fn allowed() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let table: &[(&str, &[&str])] = &[
        ("vnetlint-source", &[]),
        ("vnetlint-diagnostics", &["vnetlint-source"]),
        ("vnetlint-ir", &["vnetlint-source"]),
        ("vnetlint-engine", &["vnetlint-source", "vnetlint-ir"]),
        (
            "vnetlint-terraform",
            &["vnetlint-source", "vnetlint-diagnostics", "vnetlint-ir"],
        ),
        (
            "vnetlint-arm",
            &["vnetlint-source", "vnetlint-diagnostics", "vnetlint-ir"],
        ),
        (
            "vnetlint-checks",
            &[
                "vnetlint-source",
                "vnetlint-diagnostics",
                "vnetlint-ir",
                "vnetlint-engine",
            ],
        ),
        // The report renders findings: it knows neither how they are made (checks) nor the
        // engine's verdicts.
        (
            "vnetlint-report",
            &["vnetlint-source", "vnetlint-diagnostics"],
        ),
        // The language server owns the protocol; the binary passes it the driver's analysis, so
        // it depends on no frontend (its in-process tests and benchmark live in the driver's
        // package).
        (
            "vnetlint-lsp",
            &[
                "vnetlint-source",
                "vnetlint-diagnostics",
                "vnetlint-ir",
                "vnetlint-engine",
                "vnetlint-checks",
            ],
        ),
        // The repository root's package (for pre-commit's `language: rust`) builds the binary's
        // main.rs: it may use what the binary uses.
        (
            "vnetlint-pre-commit",
            &[
                "vnetlint",
                "vnetlint-source",
                "vnetlint-diagnostics",
                "vnetlint-terraform",
                "vnetlint-engine",
                "vnetlint-checks",
                "vnetlint-report",
                "vnetlint-lsp",
            ],
        ),
    ];
    table
        .iter()
        .map(|(name, deps)| (*name, deps.iter().copied().collect()))
        .collect()
}

#[test]
fn crates_depend_only_along_the_data_flow() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let allowed = allowed();
    let mut violations = Vec::new();
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let deps: BTreeSet<&str> = package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .filter(|d| d.starts_with("vnetlint"))
            .collect();
        match allowed.get(name) {
            Some(ok) => {
                for dep in deps.difference(ok) {
                    violations.push(format!("{name} must not depend on {dep}"));
                }
            }
            // The binary sits on top and may use everything.
            None => assert!(
                name == "vnetlint",
                "new crate {name}: add it to the allowed table in tests/architecture.rs"
            ),
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
