//! Platform services and their network settings: SQL servers and their firewall and virtual
//! network rules, SQL Server on virtual machines, storage accounts and their network rules, and
//! private endpoints.

use vnetlint_ir::{
    ElementId, Network, PrivateEndpoint, SqlFirewallRule, SqlServer, SqlVirtualMachine,
    StorageAccount, push_item,
};

use super::Resource;
use super::read::{comma_list, enabled, items, reference_attr, shape_string, string, strings};

/// `Microsoft.Sql/servers`.
pub(super) fn sql_server(resource: &Resource<'_>, server: &mut SqlServer) {
    server.public_network_access = enabled(resource.get(&["publicNetworkAccess"]));
}

/// A `firewallRules` child resource of a SQL server, whose server is its parent.
pub(super) fn sql_firewall_rule(resource: &Resource<'_>, rule: &mut SqlFirewallRule) {
    rule.server = Some(resource.parent());
    rule.start_ip = string(resource.get(&["startIpAddress"]));
    rule.end_ip = string(resource.get(&["endIpAddress"]));
}

/// The child type (lowercase) of a SQL server's virtual network rules.
pub(super) const SQL_VIRTUAL_NETWORK_RULE: &str = "microsoft.sql/servers/virtualnetworkrules";

/// A `virtualNetworkRules` child of a SQL server: one subnet the server admits through its
/// service endpoint, added to its server when that is in the template.
pub(super) fn sql_virtual_network_rule(resource: &Resource<'_>, network: &mut Network) {
    let Some(ElementId::SqlServer(server)) = resource.parent_element() else {
        return;
    };
    if let Some(subnet) = resource.link(&["virtualNetworkSubnetId"]) {
        push_item(&mut network[server].subnets, subnet);
    }
}

/// `Microsoft.SqlVirtualMachine/sqlVirtualMachines`.
pub(super) fn sql_virtual_machine(resource: &Resource<'_>, sql_vm: &mut SqlVirtualMachine) {
    let setting = |key: &str| {
        let settings = [
            "serverConfigurationsManagementSettings",
            "sqlConnectivityUpdateSettings",
            key,
        ];
        resource.get(&settings).and_then(shape_string)
    };
    sql_vm.vm = resource.link(&["virtualMachineResourceId"]);
    sql_vm.port = setting("port");
    sql_vm.connectivity_type = setting("connectivityType");
}

/// `Microsoft.Network/privateEndpoints`: its subnet, its first service connection and the
/// address of its first IP configuration.
pub(super) fn private_endpoint(resource: &Resource<'_>, endpoint: &mut PrivateEndpoint) {
    let connection = resource
        .get(&["privateLinkServiceConnections"])
        .or_else(|| resource.get(&["manualPrivateLinkServiceConnections"]))
        .and_then(|c| c.elements().first())
        .and_then(|c| c.get("properties"));
    endpoint.subnet = resource.link(&["subnet", "id"]);
    endpoint.target = connection
        .and_then(|c| c.get("privateLinkServiceId"))
        .map(|v| reference_attr(v, "id"));
    endpoint.group_ids = strings(connection.and_then(|c| c.get("groupIds")));
    endpoint.private_ip = resource
        .get(&["ipConfigurations"])
        .and_then(|c| c.elements().first())
        .and_then(|c| string(c.path(&["properties", "privateIPAddress"])));
}

/// `Microsoft.Storage/storageAccounts` with its `networkAcls`.
pub(super) fn storage_account(resource: &Resource<'_>, account: &mut StorageAccount) {
    account.public_network_access = enabled(resource.get(&["publicNetworkAccess"]));
    let Some(acl) = resource.get(&["networkAcls"]) else {
        return;
    };
    account.default_action = string(acl.get("defaultAction"));
    account.bypass = acl.get("bypass").and_then(comma_list);
    // An item without a value or id is dropped.
    account.ip_rules = items(acl, "ipRules", |rule| string(rule.get("value")));
    account.subnets = items(acl, "virtualNetworkRules", |rule| {
        resource.targets.link(rule.get("id"))
    });
}
