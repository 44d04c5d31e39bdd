//! The built-in functions and expressions given hostile arguments: each case is a module whose
//! NSG name is built by a runaway expression. Every limit fires before the work or the memory
//! is spent (the value is unknown, with a VNL004 at the call that would pass the limit), and an
//! operation that used to be quadratic now finishes with the right value.
//!
//! The cases are sized so that an unbounded evaluation would need tens of gigabytes or hours:
//! a regression aborts or hangs the test instead of passing it slowly.

#[path = "../../../fuzz/harness/limits.rs"]
mod limits;

use vnetlint_diagnostics::Limits;
use vnetlint_source::SourceMap;
use vnetlint_terraform::{ModuleDir, NoModules, Options, lower_root};

/// 1 MiB of zeros, the longest string the default limits allow.
const MIB: &str = "  mb = format(\"%01048576d\", 0)";

/// What a module's evaluation gave: its findings as `(code, line, message)` and the first
/// NSG's name (`Ok` known text, `Err` the reason it is unknown).
struct Outcome {
    findings: Vec<(&'static str, u32, String)>,
    name: Result<String, String>,
}

/// Lowers a module of `locals` (one a line, from line 2) and an NSG (its `name` on the line
/// after the locals' closing brace and the resource's first line), with `more` written in the
/// NSG before its name, under `limits`.
fn run_with(locals: &[&str], more: &str, name: &str, limits: Limits) -> Outcome {
    let text = format!(
        "locals {{\n{}\n}}\nresource \"azurerm_network_security_group\" \"n\" {{\n{more}  name = {name}\n}}\n",
        locals.join("\n")
    );
    let mut sources = SourceMap::new();
    let file = sources.add("main.tf", text);
    let root = ModuleDir {
        dir: ".".to_owned(),
        files: vec![file],
    };
    let options = Options {
        limits,
        ..Options::default()
    };
    let lowered = lower_root(&mut NoModules(&sources), &root, &options);
    let name = lowered.network.nsgs[0].meta.name.as_ref().expect("a name");
    Outcome {
        findings: limits::located(&lowered.findings, &sources, file),
        name: name
            .get()
            .cloned()
            .ok_or_else(|| format!("{:?}", name.value)),
    }
}

fn run(locals: &[&str], name: &str) -> Outcome {
    run_with(locals, "", name, Limits::default())
}

/// The line of the NSG's name.
fn name_line(locals: &[&str]) -> u32 {
    u32::try_from(locals.len().max(1)).unwrap() + 4
}

/// The case stopped at `limit` (its `[limits]` key) with a VNL004 at `line`, and the name is
/// unknown.
fn assert_limited(outcome: &Outcome, limit: &str, line: u32) {
    limits::assert_limit_at(&outcome.findings, limit, line);
    assert!(outcome.name.is_err(), "known: {:?}", outcome.name);
}

/// `Limits::default()` with one change.
fn small(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut limits = Limits::default();
    change(&mut limits);
    limits
}

#[test]
fn replace_checks_the_length_it_would_build_before_building_it() {
    // 64 KiB of zeros, each replaced by 1 MiB: 64 GiB if it were built.
    let locals = [
        "  a = format(\"%0256d\", 0)",
        "  b = replace(local.a, \"0\", local.a)",
        MIB,
        "  c = replace(local.b, \"0\", local.mb)",
    ];
    assert_limited(&run(&locals, "local.c"), "max_string_len", 5);
    // A limit is not an error Terraform would make: `can` and `try` do not make it a value.
    let name = "can(local.c) ? \"yes\" : try(local.c, \"no\")";
    assert_limited(&run(&locals, name), "max_string_len", 5);
}

#[test]
fn format_honours_widths_and_precisions_up_to_the_string_limit() {
    // Once capped at 256: a count depending on it could hide an NSG.
    let wide = run(&[], "format(\"%0300d\", 1)").name.unwrap();
    assert_eq!((wide.len(), &wide[298..]), (300, "01"));
    let precise = run(&[], "format(\"%.100f\", 1)").name.unwrap();
    assert_eq!(precise.len(), 102);
    for name in [
        "format(\"%02000000d\", 1)",
        "format(\"%.2000000f\", 1)",
        "format(\"%099999999999999999999999d\", 1)",
        "format(\"%01000000d%01000000d\", 1, 2)",
    ] {
        assert_limited(&run(&[], name), "max_string_len", name_line(&[]));
    }
}

#[test]
fn strings_built_from_many_parts_stop_at_the_string_limit() {
    let locals = [
        "  s = format(\"%0200d\", 0)",
        "  many = [for i in range(10000) : local.s]",
    ];
    for name in [
        "join(\",\", local.many)",
        "\"%{for s in local.many}${s}%{endfor}\"",
        "jsonencode(local.many)",
        "format(\"%v\", local.many)",
    ] {
        assert_limited(&run(&locals, name), "max_string_len", name_line(&locals));
    }
}

#[test]
fn many_long_strings_reach_the_memory_budget() {
    // Each within `max_collection` and `max_string_len`, gigabytes together: ten thousand
    // strings of 1 MiB in a list, the rows of `formatlist`, the pairs of `setproduct`, and
    // two thousand arguments of one call (reported where the budget is passed).
    let name = "\"n${length(local.many)}\"";
    for (line, many) in [
        (3, "  many = [for i in range(10000) : local.mb]"),
        (3, "  many = formatlist(\"%01048000d\", range(10000))"),
        (3, "  many = setproduct([local.mb, local.mb], range(2500))"),
    ] {
        assert_limited(&run(&[MIB, many], name), "max_eval_bytes", line);
    }
    let args = vec!["local.mb"; 2000].join(", ");
    let outcome = run(&[MIB], &format!("\"n${{length(coalesce({args}))}}\""));
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.2.contains("`max_eval_bytes`"))
    );
    // `setproduct` checks its element count first.
    let product = ["  p = setproduct(range(100), range(100), range(100))"];
    let outcome = run(&product, "\"n${length(local.p)}\"");
    assert_limited(&outcome, "max_collection", 2);
    // `split` checks what its pieces would take.
    let split = [
        "  s = format(\"%0100000d\", 0)",
        "  parts = split(\"\", local.s)",
    ];
    let tight = small(|l| l.max_eval_bytes = 1024 * 1024);
    let outcome = run_with(&split, "", "\"n${length(local.parts)}\"", tight);
    assert_limited(&outcome, "max_eval_bytes", 3);
}

#[test]
fn set_and_map_functions_over_large_collections_are_not_quadratic() {
    // Two sets of ten thousand, intersected per instance: 177 s when compared pair by pair.
    let locals = [
        "  a = [for i in range(10000) : \"x${i}\"]",
        "  b = [for i in range(5000, 15000) : \"x${i}\"]",
        "  c = [for i in range(10000) : [i, \"x\"]]",
        "  keys = [for i in range(10000) : \"k${i % 5000}\"]",
        "  z = zipmap(local.keys, range(10000))",
        "  m = merge(local.z, { for k in local.keys : k => 1 ... })",
    ];
    for (name, expected) in [
        ("length(setintersection(local.a, local.b))", "5000"),
        ("length(setsubtract(local.a, local.b))", "5000"),
        ("length(setunion(local.a, local.b))", "15000"),
        ("length(distinct(concat(local.a, local.b)))", "15000"),
        // Sets of collections compare by value.
        ("length(toset(concat(local.c, local.c)))", "10000"),
        ("length(distinct(local.c))", "10000"),
        // Maps compare key by key.
        (
            "local.z == zipmap(reverse(local.keys), reverse(range(10000)))",
            "false",
        ),
        ("merge(local.z, {}) == local.z", "true"),
        // `zipmap` keeps the last value of a repeated key.
        (
            "\"${length(local.z)}-${local.z[\"k1\"]}-${length(local.m)}\"",
            "5000-5001-5000",
        ),
    ] {
        let outcome = run_with(&locals, "  count = 3\n", name, Limits::default());
        assert_eq!(outcome.findings, vec![], "{name}");
        assert_eq!(outcome.name.as_deref(), Ok(expected), "{name}");
    }
}

#[test]
fn linear_built_ins_repeated_per_instance_charge_their_steps() {
    // `index(keys(...))` over ten thousand keys in each of ten thousand instances: 60 s when
    // each call counted as one step. A lower step limit than the default (which fires after
    // some 250 instances) keeps the case fast in a debug build too.
    let locals =
        ["  m = { for p in setproduct(range(100), range(100)) : \"${p[0]}-${p[1]}\" => p }"];
    let name = "\"n${index(keys(local.m), each.key)}\"";
    let steps = small(|l| l.max_eval_steps = 500_000);
    let outcome = run_with(&locals, "  for_each = local.m\n", name, steps);
    limits::assert_limit_at(&outcome.findings, "max_eval_steps", 6);
    assert_eq!(outcome.findings.len(), 1, "{:#?}", outcome.findings);
}

#[test]
fn evaluation_stops_at_the_unit_deadline() {
    let locals = ["  a = [for i in range(5000) : i]"];
    let now = small(|l| l.max_unit_seconds = 0);
    let outcome = run_with(&locals, "", "\"n${length(local.a)}\"", now);
    assert_limited(&outcome, "max_unit_seconds", 2);
    assert!(
        outcome
            .findings
            .iter()
            .any(|f| f.2.contains("still running"))
    );
}
