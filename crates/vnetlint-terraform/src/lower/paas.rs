//! Platform services and their network settings: SQL Server on virtual machines, SQL servers and
//! their firewall and virtual network rules, private endpoints, storage accounts and their
//! network rules.

use vnetlint_ir::{
    Attr, Network, PrivateEndpoint, SqlFirewallRule, SqlServer, SqlServerId, SqlVirtualMachine,
    StorageAccount, StorageAccountId, push_item,
};

use super::read::Block;

/// `azurerm_mssql_virtual_machine`, with the provider's defaults for what it leaves out.
pub(super) fn sql_virtual_machine(block: &Block<'_, '_, '_>, sql: &mut SqlVirtualMachine) {
    sql.vm = block.link("virtual_machine_id");
    sql.port = block.string("sql_connectivity_port");
    sql.connectivity_type = block.string("sql_connectivity_type");
    sql.fill_defaults(block.span());
}

/// `azurerm_mssql_server` and `azurerm_sql_server`.
pub(super) fn sql_server(block: &Block<'_, '_, '_>, server: &mut SqlServer) {
    server.public_network_access = block.bool("public_network_access_enabled");
}

/// `azurerm_mssql_firewall_rule` (server by id) and `azurerm_sql_firewall_rule` (by name).
pub(super) fn sql_firewall_rule(block: &Block<'_, '_, '_>, rule: &mut SqlFirewallRule) {
    rule.server = block
        .link("server_id")
        .or_else(|| block.name_link("server_name"));
    rule.start_ip = block.string("start_ip_address");
    rule.end_ip = block.string("end_ip_address");
}

/// `azurerm_mssql_virtual_network_rule` (server by id) and `azurerm_sql_virtual_network_rule`
/// (by name): one subnet the server admits through its service endpoint.
pub(super) fn sql_virtual_network_rule(block: &Block<'_, '_, '_>, network: &mut Network) {
    let server = block
        .link::<SqlServerId>("server_id")
        .or_else(|| block.name_link("server_name"));
    let subnet = block.link("subnet_id");
    if let (Some(&server), Some(subnet)) = (server.as_ref().and_then(Attr::get), subnet) {
        push_item(&mut network[server].subnets, subnet);
    }
}

/// `azurerm_private_endpoint`: its subnet, its first service connection and its address.
pub(super) fn private_endpoint(block: &Block<'_, '_, '_>, endpoint: &mut PrivateEndpoint) {
    endpoint.subnet = block.link("subnet_id");
    if let Some(connection) = block.first_block("private_service_connection") {
        endpoint.target = connection.reference("private_connection_resource_id");
        endpoint.group_ids = connection.strings("subresource_names");
    }
    endpoint.private_ip = block.first_of("ip_configuration", |config| {
        config.string("private_ip_address")
    });
}

/// `azurerm_storage_account`, with its inline `network_rules`.
pub(super) fn storage_account(block: &Block<'_, '_, '_>, account: &mut StorageAccount) {
    account.public_network_access = block.bool("public_network_access_enabled");
    if let Some(rules) = block.first_block("network_rules") {
        fill_storage_rules(&rules, account);
    }
}

/// `azurerm_storage_account_network_rules`: the network rules of an account that does not
/// write its own (the first setting wins, as for associations).
pub(super) fn storage_network_rules(block: &Block<'_, '_, '_>, network: &mut Network) {
    let account = block.link::<StorageAccountId>("storage_account_id");
    if let Some(&account) = account.as_ref().and_then(Attr::get)
        && network[account].default_action.is_none()
    {
        fill_storage_rules(block, &mut network[account]);
    }
}

/// `network_rules` of a storage account, inline or from the separate resource.
fn fill_storage_rules(block: &Block<'_, '_, '_>, account: &mut StorageAccount) {
    account.default_action = block.string("default_action");
    account.bypass = block.strings("bypass");
    account.ip_rules = block.strings("ip_rules");
    account.subnets = block.link_list("virtual_network_subnet_ids");
}
