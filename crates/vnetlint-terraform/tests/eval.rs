//! Tests of evaluation through the public API: `.tf.json`, tfvars precedence, CLI and
//! environment values, local modules read through a loader, deep reference chains, and a
//! property test that evaluated and literal configurations lower alike.

use std::fmt::Write as _;

use proptest::prelude::*;

mod common;

use common::{MemoryLoader, lower_root_module};
use vnetlint_ir::{Network, Val};
use vnetlint_source::{FileId, SourceMap};
use vnetlint_terraform::{Lowered, ModuleDir, Options, lower_module, lower_root};

fn lower(files: &[(&str, &str)]) -> Lowered {
    let mut sources = SourceMap::new();
    let ids: Vec<FileId> = files.iter().map(|(p, t)| sources.add(*p, *t)).collect();
    lower_module(&sources, &ids, "")
}

fn port(network: &Network, index: usize) -> Option<String> {
    network.security_rules[index]
        .destination_port_range
        .as_ref()
        .and_then(|a| a.get().cloned())
}

const NSG_WITH_VAR: &str = r#"
variable "port" {
  default = "1"
}
resource "azurerm_network_security_group" "x" {
  name = "nsg"
  security_rule {
    name                   = "r"
    destination_port_range = var.port
  }
}
"#;

#[test]
fn tf_json_and_tfvars_json_are_read() {
    let config = r#"{
  "variable": { "port": { "default": "1" } },
  "resource": {
    "azurerm_network_security_group": {
      "x": {
        "name": "nsg-${var.port}",
        "security_rule": [{ "name": "r", "destination_port_range": "${var.port}" }]
      }
    }
  }
}"#;
    let lowered = lower(&[
        ("main.tf.json", config),
        ("terraform.tfvars.json", r#"{ "port": "22" }"#),
    ]);
    assert_eq!(lowered.findings, vec![]);
    assert_eq!(port(&lowered.network, 0).as_deref(), Some("22"));
    let name = lowered.network.nsgs[0].meta.name.as_ref().unwrap();
    assert_eq!(name.get().map(String::as_str), Some("nsg-22"));
}

#[test]
fn variable_precedence_follows_terraform() {
    // terraform.tfvars < *.auto.tfvars (lexical) < --var-file < --var; TF_VAR_ is lowest.
    let mut sources = SourceMap::new();
    let main = sources.add("main.tf", NSG_WITH_VAR);
    let tfvars = sources.add("terraform.tfvars", "port = \"2\"\n");
    let auto_b = sources.add("b.auto.tfvars", "port = \"4\"\n");
    let auto_a = sources.add("a.auto.tfvars", "port = \"3\"\n");
    let var_file = sources.add("prod.tfvars", "port = \"5\"\n");
    let root = ModuleDir {
        dir: ".".to_owned(),
        files: vec![main, tfvars, auto_b, auto_a],
    };
    let run = |options: &Options| {
        let lowered = lower_root(&mut vnetlint_terraform::NoModules(&sources), &root, options);
        port(&lowered.network, 0)
    };
    let env = vec![("port".to_owned(), "9".to_owned())];
    let mut options = Options {
        env_vars: env,
        ..Options::default()
    };
    assert_eq!(run(&options).as_deref(), Some("4"));
    options.var_files = vec![var_file];
    assert_eq!(run(&options).as_deref(), Some("5"));
    options.vars = vec![("port".to_owned(), "6".to_owned())];
    assert_eq!(run(&options).as_deref(), Some("6"));
    let only_env = Options {
        env_vars: vec![("port".to_owned(), "9".to_owned())],
        ..Options::default()
    };
    let bare = ModuleDir {
        dir: ".".to_owned(),
        files: vec![main],
    };
    let lowered = lower_root(
        &mut vnetlint_terraform::NoModules(&sources),
        &bare,
        &only_env,
    );
    assert_eq!(port(&lowered.network, 0).as_deref(), Some("9"));
}

#[test]
fn module_instances_get_addresses_and_inputs() {
    let mut sources = SourceMap::new();
    let root = sources.add(
        "main.tf",
        r#"
module "tier" {
  source   = "./nsg"
  for_each = { a = "22", b = "443" }
  port     = each.value
}
resource "azurerm_network_security_rule" "extra" {
  name                        = "extra"
  destination_port_range      = "80"
  network_security_group_name = module.tier["b"].name
}
"#,
    );
    let child = sources.add(
        "nsg/main.tf",
        r#"
variable "port" {}
resource "azurerm_network_security_group" "this" {
  name = "nsg-${var.port}"
  security_rule {
    name                   = "r"
    destination_port_range = var.port
  }
}
output "name" {
  value = azurerm_network_security_group.this.name
}
"#,
    );
    let mut loader = MemoryLoader {
        sources,
        dirs: vec![("nsg".to_owned(), vec![child])],
    };
    let root_dir = ModuleDir {
        dir: ".".to_owned(),
        files: vec![root],
    };
    let lowered = lower_root(&mut loader, &root_dir, &Options::default());
    assert_eq!(lowered.findings, vec![]);
    let network = lowered.network;
    let addresses: Vec<&str> = network
        .nsgs
        .iter()
        .map(|n| n.meta.address.as_str())
        .collect();
    assert_eq!(
        addresses,
        [
            "module.tier[\"a\"].azurerm_network_security_group.this",
            "module.tier[\"b\"].azurerm_network_security_group.this"
        ]
    );
    assert_eq!(
        network.nsgs[1].rules.len(),
        2,
        "the root rule joins module b's NSG"
    );
    let first = &network[network.nsgs[0].rules[0]];
    let first_port = first.destination_port_range.as_ref().and_then(|a| a.get());
    assert_eq!(first_port.map(String::as_str), Some("22"));
}

#[test]
fn a_long_reference_chain_neither_overflows_nor_hangs() {
    let mut text = String::from("locals {\n  l0 = \"22\"\n");
    for i in 1..2000 {
        let _ = writeln!(text, "  l{i} = local.l{}", i - 1);
    }
    text.push_str("}\n");
    text.push_str(
        "resource \"azurerm_network_security_group\" \"x\" {\n  name = \"n\"\n  security_rule {\n    name = \"r\"\n    destination_port_range = local.l1999\n  }\n}\n",
    );
    let lowered = lower(&[("main.tf", &text)]);
    let rule = &lowered.network.security_rules[0];
    let value = rule.destination_port_range.as_ref().unwrap();
    assert!(
        matches!(value.value, Val::Unknown(_)),
        "cut at the depth limit"
    );
}

/// One generated rule: name, priority, port, source, access.
type RuleSpec = (u16, &'static str, &'static str, &'static str);

fn rule_spec() -> impl Strategy<Value = RuleSpec> {
    (
        100u16..4096,
        prop::sample::select(vec!["22", "80", "443", "3389", "1000-2000", "*"]),
        prop::sample::select(vec!["*", "Internet", "10.0.0.0/8", "VirtualNetwork"]),
        prop::sample::select(vec!["Allow", "Deny"]),
    )
}

fn rule_values(network: &Network) -> Vec<Vec<Option<String>>> {
    network
        .security_rules
        .iter()
        .map(|rule| {
            [
                &rule.meta.name,
                &rule.priority,
                &rule.destination_port_range,
                &rule.source_address_prefix,
                &rule.access,
            ]
            .iter()
            .map(|a| a.as_ref().and_then(|a| a.get().cloned()))
            .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The same NSG written literally and through locals, a dynamic block and functions
    /// lowers to the same rule values.
    #[test]
    fn evaluated_and_literal_lowering_agree(rules in prop::collection::vec(rule_spec(), 0..6)) {
        let mut literal = String::from("resource \"azurerm_network_security_group\" \"x\" {\n  name = \"nsg\"\n");
        let mut locals = String::from("locals {\n  rules = [\n");
        for (i, (priority, port, source, access)) in rules.iter().enumerate() {
            let _ = writeln!(
                literal,
                "  security_rule {{\n    name = \"r{i}\"\n    priority = {priority}\n    destination_port_range = \"{port}\"\n    source_address_prefix = \"{source}\"\n    access = \"{access}\"\n  }}"
            );
            let _ = writeln!(
                locals,
                "    {{ priority = {priority}, port = \"{port}\", source = \"{source}\", access = \"{access}\" }},"
            );
        }
        literal.push_str("}\n");
        locals.push_str("  ]\n}\n");
        let evaluated = format!(
            "{locals}resource \"azurerm_network_security_group\" \"x\" {{\n  name = \"nsg\"\n  dynamic \"security_rule\" {{\n    for_each = local.rules\n    iterator = rule\n    content {{\n      name = format(\"r%d\", rule.key)\n      priority = tostring(rule.value.priority)\n      destination_port_range = lookup(rule.value, \"port\")\n      source_address_prefix = \"${{rule.value.source}}\"\n      access = rule.value[\"access\"]\n    }}\n  }}\n}}\n"
        );
        let literal = lower(&[("main.tf", &literal)]);
        let evaluated = lower(&[("main.tf", &evaluated)]);
        prop_assert_eq!(&literal.findings, &evaluated.findings);
        prop_assert_eq!(rule_values(&literal.network), rule_values(&evaluated.network));
    }
}

#[test]
fn instances_nested_in_module_instances_are_bounded_together() {
    // 2,000 NSGs in each of 200 module instances: each `count` within `max_instances`,
    // 400,000 NSGs together, past `max_elements` before one of them is made.
    let mut sources = SourceMap::new();
    let root = sources.add(
        "main.tf",
        "module \"m\" {\n  source = \"./m\"\n  count  = 200\n}\n",
    );
    let child = sources.add(
        "m/main.tf",
        "resource \"azurerm_network_security_group\" \"n\" {\n  count = 2000\n  name  = \"n${count.index}\"\n}\n",
    );
    let dirs = vec![("m".to_owned(), vec![child])];
    let lowered = lower_root_module(&mut MemoryLoader { sources, dirs }, root);
    let limits: Vec<_> = lowered
        .findings
        .iter()
        .filter(|f| f.code == "VNL004")
        .collect();
    assert_eq!(limits.len(), 1, "{:#?}", lowered.findings);
    assert!(
        limits[0].message.contains(
            "limit `max_elements` exceeded: `module.m[0].azurerm_network_security_group.n` has 2000 instances in each of the 200 instances of the module calls around it"
        ),
        "{}",
        limits[0].message
    );
    assert_eq!(limits[0].primary.span.file, child);
    // One instance with an unknown index stands for the NSGs of each module instance.
    assert_eq!(lowered.network.nsgs.len(), 200);
}
