//! Network security groups with their inline `security_rule` blocks, and standalone
//! `azurerm_network_security_rule` resources. (ASGs have nothing to fill beyond their name.)

use vnetlint_ir::{Attr, Dialect, NsgId, RuleStyle, SecurityRule};

use super::read::block_key;
use super::{Lowerer, Resource};
use crate::eval::Env;
use crate::syntax::BodyRef;

impl<'a> Lowerer<'_, 'a> {
    /// `azurerm_network_security_group`: its inline rules.
    pub(super) fn nsg(&mut self, resource: &Resource<'a>, id: NsgId) {
        let env = &resource.env;
        let block_span = self.block_span(resource);
        for (index, (inner, rule_block)) in self
            .blocks(env, resource.decl.block.body, "security_rule")
            .into_iter()
            .enumerate()
        {
            let mut meta = self.meta(&inner, String::new(), &rule_block);
            meta.address = format!(
                "{}.security_rule{}",
                resource.address,
                block_key(meta.name.as_ref(), index)
            );
            let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Inline);
            rule.nsg = Some(Attr::known(id, block_span));
            self.fill_rule(&inner, rule_block.body, &mut rule);
            self.network.add_rule_to_nsg(rule);
        }
    }

    /// `azurerm_network_security_rule`, which names its NSG.
    pub(super) fn standalone_rule(&mut self, resource: &Resource<'a>) {
        let env = &resource.env;
        let block = &resource.decl.block;
        let meta = self.meta(env, resource.address.clone(), block);
        let mut rule = SecurityRule::new(meta, Dialect::Terraform, RuleStyle::Standalone);
        self.fill_rule(env, block.body, &mut rule);
        rule.nsg = self.name_link(env, block.body, "network_security_group_name");
        self.network.add_rule_to_nsg(rule);
    }

    /// The attributes inline and standalone security rules share.
    fn fill_rule(&self, env: &Env, body: BodyRef<'a>, rule: &mut SecurityRule) {
        rule.priority = self.string(env, body, "priority");
        rule.direction = self.string(env, body, "direction");
        rule.access = self.string(env, body, "access");
        rule.protocol = self.string(env, body, "protocol");
        rule.source_port_range = self.string(env, body, "source_port_range");
        rule.source_port_ranges = self.strings(env, body, "source_port_ranges");
        rule.destination_port_range = self.string(env, body, "destination_port_range");
        rule.destination_port_ranges = self.strings(env, body, "destination_port_ranges");
        rule.source_address_prefix = self.string(env, body, "source_address_prefix");
        rule.source_address_prefixes = self.strings(env, body, "source_address_prefixes");
        rule.destination_address_prefix = self.string(env, body, "destination_address_prefix");
        rule.destination_address_prefixes = self.strings(env, body, "destination_address_prefixes");
        rule.source_asgs = self.link_list(env, body, "source_application_security_group_ids");
        rule.destination_asgs =
            self.link_list(env, body, "destination_application_security_group_ids");
    }
}
