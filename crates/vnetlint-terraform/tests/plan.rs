//! Plan JSON lowering: planned values through the shared lowering, `resource_changes` into
//! `Network::changes`, and links that only the configuration's references resolve.

use vnetlint_source::SourceMap;

const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "azurerm_virtual_network.ase", "mode": "managed", "type": "azurerm_virtual_network", "name": "ase",
       "values": {"name": "vnet-ase", "address_space": ["10.1.0.0/16"], "dns_servers": ["10.9.0.4"],
                  "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-ase"}}
    ],
    "child_modules": [{"address": "module.app", "resources": [
      {"address": "module.app.azurerm_subnet.ase", "mode": "managed", "type": "azurerm_subnet", "name": "ase",
       "values": {"name": "snet-ase", "address_prefixes": ["10.1.0.0/24"], "virtual_network_name": "vnet-ase"}},
      {"address": "module.app.azurerm_app_service_environment_v3.ase", "mode": "managed",
       "type": "azurerm_app_service_environment_v3", "name": "ase",
       "values": {"name": "ase-prod", "internal_load_balancing_mode": "Web, Publishing"}}
    ]}]
  }},
  "resource_changes": [
    {"address": "azurerm_virtual_network.ase", "mode": "managed", "type": "azurerm_virtual_network",
     "change": {"actions": ["update"], "before": {"dns_servers": ["168.63.129.16"]},
                "after": {"dns_servers": ["10.9.0.4"]}, "after_unknown": {}}},
    {"address": "module.app.azurerm_app_service_environment_v3.ase", "mode": "managed",
     "type": "azurerm_app_service_environment_v3",
     "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"subnet_id": true, "id": true}}},
    {"address": "azurerm_network_security_group.old", "mode": "managed", "type": "azurerm_network_security_group",
     "change": {"actions": ["delete"], "before": {"name": "nsg-old"}, "after": null}}
  ],
  "configuration": {"root_module": {"module_calls": {"app": {"source": "./app", "module": {"resources": [
    {"address": "azurerm_app_service_environment_v3.ase", "expressions": {
       "subnet_id": {"references": ["azurerm_subnet.ase.id", "azurerm_subnet.ase"]}}}
  ]}}}}}
}"#;

#[test]
fn plan_lowers_planned_values_and_keeps_changes() {
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json".to_owned(), PLAN.to_owned());
    assert!(vnetlint_terraform::is_plan_json(PLAN));
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    assert!(lowered.findings.is_empty(), "{:?}", lowered.findings);
    let network = &lowered.network;
    assert_eq!(network.vnets.len(), 1);
    assert_eq!(network.subnets.len(), 1);
    // The subnet links to the VNet by name, as in the configuration.
    assert!(
        network.subnets[0]
            .vnet
            .as_ref()
            .and_then(|a| a.get())
            .is_some()
    );
    // The ASE's subnet id is unknown until apply; the configuration's reference links it.
    let ase = &network.ases[0];
    assert_eq!(
        ase.meta.address,
        "module.app.azurerm_app_service_environment_v3.ase"
    );
    assert!(
        ase.subnet.as_ref().and_then(|a| a.get()).is_some(),
        "{ase:?}"
    );

    assert_eq!(network.changes.len(), 3);
    let vnet = network
        .changes
        .iter()
        .find(|c| c.address == "azurerm_virtual_network.ase")
        .unwrap();
    assert_eq!(vnet.actions, ["update"]);
    assert_eq!(
        vnet.before_dns_servers.as_deref(),
        Some(&["168.63.129.16".to_owned()][..])
    );
    assert_eq!(
        vnet.after_dns_servers.as_deref(),
        Some(&["10.9.0.4".to_owned()][..])
    );
    assert!(vnet.element.is_some());
    let text = &sources.get(file).text;
    assert!(
        text[vnet.span.range.as_usize()]
            .starts_with("{\"address\": \"azurerm_virtual_network.ase\"")
    );
    let deleted = network
        .changes
        .iter()
        .find(|c| c.actions == ["delete"])
        .unwrap();
    assert_eq!(deleted.element, None);
}

#[test]
fn malformed_and_foreign_plans_are_reported_not_panicking() {
    for text in [
        "{\"format_version\": \"2.0\", \"planned_values\": {}}",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": 1}]}}}",
        "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": \"azurerm_subnet.x\", \"type\": \"azurerm_subnet\", \"values\": {\"name\": \"${oops\"}}]}}}",
    ] {
        let mut sources = SourceMap::new();
        let file = sources.add("plan.json".to_owned(), text.to_owned());
        let lowered = vnetlint_terraform::lower_plan(&sources, file);
        for finding in &lowered.findings {
            assert!(finding.primary.span.range.end as usize <= text.len());
        }
    }
}

#[test]
fn modules_nested_past_the_bound_are_reported_not_dropped() {
    // Seventy nested modules, an NSG in the deepest: its module is past the bound of 64, and a
    // finding says so instead of the NSG silently missing.
    let mut module = r#"{"address": "module.m70", "resources": [
      {"address": "module.m70.azurerm_network_security_group.n", "mode": "managed",
       "type": "azurerm_network_security_group", "name": "n", "values": {"name": "deep"}}]}"#
        .to_owned();
    for level in (1..70).rev() {
        module = format!(r#"{{"address": "module.m{level}", "child_modules": [{module}]}}"#);
    }
    let plan = format!(
        r#"{{"format_version": "1.2", "planned_values": {{"root_module": {{"child_modules": [{module}]}}}}}}"#
    );
    let mut sources = SourceMap::new();
    let file = sources.add("plan.json".to_owned(), plan);
    let lowered = vnetlint_terraform::lower_plan(&sources, file);
    assert!(lowered.network.nsgs.is_empty());
    assert_eq!(lowered.findings.len(), 1, "{:?}", lowered.findings);
    let finding = &lowered.findings[0];
    assert_eq!(finding.code, "VNL002");
    assert!(
        finding
            .message
            .contains("module `module.m65` of the plan is nested more than 64 modules deep"),
        "{}",
        finding.message
    );
}
