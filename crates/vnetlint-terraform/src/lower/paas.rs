//! Platform services and their network settings: SQL servers and their firewall rules, SQL Server
//! on virtual machines, storage accounts and their network rules, and private endpoints.

use vnetlint_ir::{
    Attr, PrivateEndpointId, SqlFirewallRuleId, SqlServerId, SqlVirtualMachineId, StorageAccountId,
};

use super::read::shape_reference;
use super::{Lowerer, Resource};
use crate::eval::Env;
use crate::syntax::BodyRef;

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_mssql_server` and `azurerm_sql_server`.
    pub(super) fn sql_server(&mut self, resource: &Resource<'a>, id: SqlServerId) {
        let public = self.bool(
            &resource.env,
            resource.decl.block.body,
            "public_network_access_enabled",
        );
        self.network[id].public_network_access = public;
    }

    /// `azurerm_mssql_firewall_rule` (server by id) and `azurerm_sql_firewall_rule` (by name).
    pub(super) fn sql_firewall_rule(&mut self, resource: &Resource<'a>, id: SqlFirewallRuleId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let server = self
            .link(env, body, "server_id")
            .or_else(|| self.name_link(env, body, "server_name"));
        let start_ip = self.string(env, body, "start_ip_address");
        let end_ip = self.string(env, body, "end_ip_address");
        let rule = &mut self.network[id];
        rule.server = server;
        rule.start_ip = start_ip;
        rule.end_ip = end_ip;
    }

    /// `azurerm_mssql_virtual_machine`, with the provider's defaults for what it leaves out.
    pub(super) fn sql_virtual_machine(&mut self, resource: &Resource<'a>, id: SqlVirtualMachineId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let block_span = self.block_span(resource);
        let vm = self.link(env, body, "virtual_machine_id");
        let port = self.string(env, body, "sql_connectivity_port");
        let connectivity_type = self.string(env, body, "sql_connectivity_type");
        let sql = &mut self.network[id];
        sql.vm = vm;
        sql.port = port;
        sql.connectivity_type = connectivity_type;
        sql.fill_defaults(block_span);
    }

    /// `azurerm_private_endpoint`: its subnet, its first service connection and its address.
    pub(super) fn private_endpoint(&mut self, resource: &Resource<'a>, id: PrivateEndpointId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let subnet = self.link(env, body, "subnet_id");
        let mut target = None;
        let mut group_ids = None;
        if let Some((inner, connection)) = self
            .blocks(env, body, "private_service_connection")
            .into_iter()
            .next()
        {
            target = self
                .ev(&inner, connection.body, "private_connection_resource_id")
                .and_then(shape_reference);
            group_ids = self.strings(&inner, connection.body, "subresource_names");
        }
        let private_ip = self
            .blocks(env, body, "ip_configuration")
            .into_iter()
            .find_map(|(inner, config)| self.string(&inner, config.body, "private_ip_address"));
        let endpoint = &mut self.network[id];
        endpoint.subnet = subnet;
        endpoint.target = target;
        endpoint.group_ids = group_ids;
        endpoint.private_ip = private_ip;
    }

    /// `azurerm_storage_account`, with its inline `network_rules`.
    pub(super) fn storage_account(&mut self, resource: &Resource<'a>, id: StorageAccountId) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let public = self.bool(env, body, "public_network_access_enabled");
        self.network[id].public_network_access = public;
        if let Some((inner, rules)) = self.blocks(env, body, "network_rules").into_iter().next() {
            self.fill_storage_rules(&inner, rules.body, id);
        }
    }

    /// `azurerm_storage_account_network_rules`: the network rules of an account that does not
    /// write its own (the first setting wins, as for associations).
    pub(super) fn storage_network_rules(&mut self, resource: &Resource<'a>) {
        let env = &resource.env;
        let body = resource.decl.block.body;
        let account = self.link::<StorageAccountId>(env, body, "storage_account_id");
        if let Some(&account) = account.as_ref().and_then(Attr::get)
            && self.network[account].default_action.is_none()
        {
            self.fill_storage_rules(env, body, account);
        }
    }

    /// `network_rules` of a storage account, inline or from the separate resource.
    fn fill_storage_rules(&mut self, env: &Env, body: BodyRef<'a>, id: StorageAccountId) {
        let default_action = self.string(env, body, "default_action");
        let bypass = self.strings(env, body, "bypass");
        let ip_rules = self.strings(env, body, "ip_rules");
        let subnets = self.link_list(env, body, "virtual_network_subnet_ids");
        let account = &mut self.network[id];
        account.default_action = default_action;
        account.bypass = bypass;
        account.ip_rules = ip_rules;
        account.subnets = subnets;
    }
}
