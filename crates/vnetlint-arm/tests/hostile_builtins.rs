//! The template functions and copy loops given hostile arguments: each case is a template whose
//! NSG name is built by a runaway expression. Every limit fires before the work or the memory
//! is spent (the value is unknown, with a VNL004 where the limit would be passed), and an
//! operation that used to be quadratic now finishes with the right value.
//!
//! The cases are sized so that an unbounded evaluation would need tens of gigabytes or hours:
//! a regression aborts or hangs the test instead of passing it slowly.

#[path = "../../../fuzz/harness/limits.rs"]
mod limits;

use vnetlint_arm::{Sources, lower_template_with};
use vnetlint_diagnostics::Limits;
use vnetlint_source::SourceMap;

/// What a template's evaluation gave: its findings as `(code, line, message)`, the first
/// NSG's name (`Ok` known text, `Err` the reason it is unknown) and whether any NSG's name is
/// unknown (the others of a copy loop).
struct Outcome {
    findings: Vec<(&'static str, u32, String)>,
    name: Result<String, String>,
    any_unknown: bool,
}

/// A template with `variables` (the members, one a line, from line 3) and one NSG named
/// `name` (line 3 + the number of variables + 2).
fn template(variables: &[&str], name: &str) -> String {
    format!(
        "{{\n\"variables\": {{\n{}\n}},\n\"resources\": [{{\n\"type\": \"Microsoft.Network/networkSecurityGroups\", \"apiVersion\": \"2023-04-01\", \"location\": \"westeurope\",\n\"name\": \"{name}\"\n}}]\n}}\n",
        variables.join(",\n")
    )
}

fn run_text(text: &str, limits: &Limits) -> Outcome {
    let mut sources = SourceMap::new();
    let file = sources.add("azuredeploy.json", text);
    let lowered = lower_template_with(&mut Sources(&sources), file, None, limits);
    let findings = limits::located(&lowered.findings, &sources, file);
    let names = &lowered.network.nsgs;
    let any_unknown = names
        .iter()
        .any(|n| n.meta.name.as_ref().is_none_or(|n| n.get().is_none()));
    let name = match names.first().and_then(|n| n.meta.name.as_ref()) {
        Some(n) => n.get().cloned().ok_or_else(|| format!("{:?}", n.value)),
        None => Err("no NSG".to_owned()),
    };
    Outcome {
        findings,
        name,
        any_unknown,
    }
}

fn run(variables: &[&str], name: &str) -> Outcome {
    run_text(&template(variables, name), &Limits::default())
}

/// The line of the NSG's name in [`template`].
fn name_line(variables: &[&str]) -> u32 {
    u32::try_from(variables.len().max(1)).unwrap() + 6
}

/// The case stopped at `limit` (its `[limits]` key) with a VNL004 at `line`, and the name is
/// unknown.
fn assert_limited(outcome: &Outcome, limit: &str, line: u32) {
    limits::assert_limit_at(&outcome.findings, limit, line);
    assert!(
        outcome.any_unknown,
        "the names are known: {:?}",
        outcome.name
    );
}

/// 256 zeros, 64 KiB of zeros, and 1 MiB of zeros.
const ZEROS: [&str; 3] = [
    r#""z256": "[padLeft('0', 256, '0')]""#,
    r#""z64k": "[replace(variables('z256'), '0', variables('z256'))]""#,
    r#""mb": "[padLeft('0', 1048576, '0')]""#,
];

#[test]
fn replace_checks_the_length_it_would_build_before_building_it() {
    // Each of 64 Ki zeros replaced by 1 MiB: 64 GiB if it were built.
    let mut variables = ZEROS.to_vec();
    variables.push(r#""c": "[replace(variables('z64k'), '0', variables('mb'))]""#);
    assert_limited(&run(&variables, "[variables('c')]"), "max_string_len", 6);
}

#[test]
fn widths_are_honoured_up_to_the_string_limit() {
    // Once capped at 16,384 (`padLeft`) and 64 (`D`): shorter strings than ARM builds.
    let outcome = run(&[], "[padLeft('7', 20000, '0')]");
    assert_eq!(outcome.name.as_ref().map(String::len), Ok(20_000));
    let outcome = run(&[], "[format('{0:D100}', 7)]");
    assert_eq!(outcome.name.as_ref().map(String::len), Ok(100));
    for (name, expected) in [
        ("[format('{0:D3}|{1:D3}', 7, -7)]", "007|-007"),
        ("[format('{0,5}|{1,-5}|', 'a', 'b')]", "    a|b    |"),
        ("[format('{0:X4}|{1:x}', 255, 255)]", "00FF|ff"),
        ("[format('{0:D3}', 'text')]", "text"),
    ] {
        assert_eq!(run(&[], name).name.as_deref(), Ok(expected), "{name}");
    }
    // A format vnetlint does not evaluate is unknown, not a string ARM would not print.
    assert!(run(&[], "[format('{0:N2}', 7)]").name.is_err());
    let line = name_line(&[]);
    for name in [
        "[padLeft('7', 2000000, '0')]",
        "[format('{0:D2000000}', 7)]",
        "[format('{0,2000000}', 'a')]",
        "[format('{0:D99999999999999999999999}', 7)]",
    ] {
        assert_limited(&run(&[], name), "max_string_len", line);
    }
}

#[test]
fn strings_built_from_many_parts_stop_at_the_string_limit() {
    let mut variables = ZEROS.to_vec();
    variables.push(r#""s": "[padLeft('0', 2000, '0')]""#);
    variables.push(
        r#""many": { "copy": [{ "name": "items", "count": 800, "input": "[variables('s')]" }] }"#,
    );
    variables.push(r#""amps": "[padLeft('&', 400000, '&')]""#);
    let line = name_line(&variables);
    for name in [
        "[concat(variables('mb'), variables('mb'))]",
        "[join(variables('many').items, ',')]",
        "[string(createArray(variables('mb'), variables('mb')))]",
        "[base64(variables('mb'))]",
        "[uriComponent(variables('amps'))]",
        "[format('{0}{1}', variables('mb'), variables('mb'))]",
    ] {
        assert_limited(&run(&variables, name), "max_string_len", line);
    }
}

#[test]
fn copies_of_long_strings_reach_the_memory_budget() {
    // 800 copies of 1 MiB: within `max_string_len` each, 800 MiB together.
    let mut variables = ZEROS.to_vec();
    variables.push(
        r#""many": { "copy": [{ "name": "items", "count": 800, "input": "[variables('mb')]" }] }"#,
    );
    let outcome = run(&variables, "[string(length(variables('many').items))]");
    assert_limited(&outcome, "max_eval_bytes", 6);
}

#[test]
fn nested_copies_are_bounded_before_they_expand() {
    // 800 rules in each of 800 NSGs: 640,000 evaluated rules from a 1 KB template (3.9 GB).
    let text = r#"{
"resources": [{
  "type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
  "name": "[concat('n', copyIndex())]", "location": "westeurope",
  "copy": { "name": "nsgs", "count": 800 },
  "properties": { "copy": [{ "name": "securityRules", "count": 800,
    "input": { "name": "[concat('r', copyIndex('securityRules'))]",
      "properties": { "priority": "[add(100, copyIndex('securityRules'))]", "direction": "Inbound",
        "access": "Allow", "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "22",
        "sourceAddressPrefix": "*", "destinationAddressPrefix": "*" } } }] }
}]
}"#;
    let outcome = run_text(text, &Limits::default());
    assert!(
        outcome
            .findings
            .iter()
            .any(|(code, line, message)| *code == "VNL004"
                && *line == 6
                && message.contains("limit `max_elements` exceeded")
                && message.contains("640000 times")),
        "{:#?}",
        outcome.findings
    );
    // Within the limit, the same nesting expands.
    let small = text.replace("800", "10");
    let outcome = run_text(&small, &Limits::default());
    assert!(
        !outcome.findings.iter().any(|(code, ..)| *code == "VNL004"),
        "{:#?}",
        outcome.findings
    );
}

#[test]
fn set_functions_over_large_arrays_are_not_quadratic() {
    let outcome = run(
        &[],
        "[format('{0}-{1}-{2}', length(intersection(range(0, 10000), range(5000, 10000))), length(union(range(0, 10000), range(5000, 10000))), length(union(createObject('a', 1, 'A', 2), createObject('b', 3))))]",
    );
    assert_eq!(outcome.findings, vec![]);
    assert_eq!(outcome.name.as_deref(), Ok("5000-15000-2"));
    // Strings compare ignoring case, as ARM compares them.
    let outcome = run(
        &[],
        "[string(union(createArray('A', 'b'), createArray('a', 'B', 'c')))]",
    );
    assert_eq!(outcome.name.as_deref(), Ok(r#"["A","b","c"]"#));
}

#[test]
fn functions_repeated_per_copy_charge_their_steps() {
    let variables = [r#""big": "[range(0, 10000)]""#];
    let text = template(
        &variables,
        "[string(indexOf(variables('big'), copyIndex()))]",
    )
    .replace(
        "\"location\": \"westeurope\",",
        "\"location\": \"westeurope\", \"copy\": { \"name\": \"c\", \"count\": 800 },",
    );
    let outcome = run_text(&text, &Limits::default());
    assert_limited(&outcome, "max_eval_steps", name_line(&variables));
}

#[test]
fn split_checks_what_it_would_build() {
    let variables = [
        r#""z": "[padLeft('0', 100000, '0')]""#,
        r#""parts": "[split(variables('z'), '0')]""#,
    ];
    let limits = Limits {
        max_eval_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let outcome = run_text(
        &template(&variables, "[string(length(variables('parts')))]"),
        &limits,
    );
    assert_limited(&outcome, "max_eval_bytes", 4);
}

#[test]
fn evaluation_stops_at_the_unit_deadline() {
    let variables = [
        r#""many": { "copy": [{ "name": "items", "count": 800, "input": "[concat('x', copyIndex('items'))]" }] }"#,
    ];
    let limits = Limits {
        max_unit_seconds: 0,
        ..Limits::default()
    };
    let outcome = run_text(
        &template(&variables, "[string(length(variables('many').items))]"),
        &limits,
    );
    assert!(
        outcome.findings.iter().any(
            |(code, _, m)| *code == "VNL004" && m.contains("limit `max_unit_seconds` exceeded")
        ),
        "{:#?}",
        outcome.findings
    );
    assert!(outcome.name.is_err());
}
