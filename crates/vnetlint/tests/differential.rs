//! The same network written in Terraform and in ARM gives the same findings: each Terraform
//! case under `testdata/cases/exposure/`, the `testdata/cases/nsg/` cases and the open data
//! service cases under `testdata/cases/paas/` listed below have an ARM twin under
//! `testdata/cases/arm/`, and both must yield the same codes, levels and messages (messages
//! name rules, NSGs and services, which the twins spell alike).

mod common;

use std::path::{Path, PathBuf};

fn findings(case: &Path) -> Vec<(String, String, String)> {
    let analysis = vnetlint::analyze(&[case.to_path_buf()], case);
    let mut out: Vec<(String, String, String)> = analysis
        .findings
        .iter()
        .map(|f| (f.code.to_owned(), f.level.to_string(), f.message.clone()))
        .collect();
    out.sort();
    out
}

#[test]
fn terraform_and_arm_twins_give_the_same_findings() {
    let root = common::root();
    let mut pairs: Vec<(PathBuf, PathBuf)> =
        std::fs::read_dir(root.join("testdata/cases/exposure"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter_map(|tf| {
                let name = tf.file_name()?.to_str()?.to_owned();
                let arm = root
                    .join("testdata/cases/arm")
                    .join(format!("exposure-{name}"));
                arm.is_dir().then_some((tf, arm))
            })
            .collect();
    for case in ["duplicate-priority", "over-limits", "at-limits"] {
        pairs.push((
            root.join("testdata/cases/nsg").join(case),
            root.join("testdata/cases/arm").join(format!("nsg-{case}")),
        ));
    }
    for name in ["databases-open", "stores-open"] {
        pairs.push((
            root.join("testdata/cases/paas").join(name),
            root.join("testdata/cases/arm").join(format!("paas-{name}")),
        ));
    }
    pairs.sort();
    assert!(pairs.len() >= 17, "the twins went missing: {pairs:?}");
    // The passing twins, whose templates hold nothing to report.
    let clean = [
        "deny-before-allow",
        "numeric-priority",
        "narrow-sources",
        "outside-nsg-private",
        "at-limits",
    ];
    let mut differences = Vec::new();
    for (tf, arm) in &pairs {
        let (a, b) = (findings(tf), findings(arm));
        assert!(
            !a.is_empty() || clean.iter().any(|case| tf.ends_with(case)),
            "{} finds nothing",
            tf.display()
        );
        if a != b {
            differences.push(format!(
                "{}:\n  terraform: {a:#?}\n  arm: {b:#?}",
                tf.display()
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
