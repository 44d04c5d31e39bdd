//! Typed indices into the `Network` arenas, and the accessors that go with them.
//!
//! One macro declares each id type with its arena, so that adding an element kind is one line
//! here and one field in `Network`.

use crate::{
    Ase, Asg, GatewayConnection, LocalGateway, Meta, Network, Nic, Nsg, Peering, PublicIp,
    RouteTable, SecurityRule, ServicePlan, SqlFirewallRule, SqlServer, Subnet, Vm, Vnet,
    VnetGateway, WebApp,
};

macro_rules! arenas {
    ($($id:ident => $field:ident: $ty:ident, $kind:literal;)*) => {
        $(
            #[doc = concat!("Index of a `", stringify!($ty), "` in `Network::", stringify!($field), "`.")]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
            pub struct $id(pub u32);

            impl $id {
                pub fn index(self) -> usize {
                    self.0 as usize
                }
            }

            impl std::ops::Index<$id> for Network {
                type Output = $ty;
                fn index(&self, id: $id) -> &$ty {
                    &self.$field[id.index()]
                }
            }

            impl std::ops::IndexMut<$id> for Network {
                fn index_mut(&mut self, id: $id) -> &mut $ty {
                    &mut self.$field[id.index()]
                }
            }

            impl From<$id> for ElementId {
                fn from(id: $id) -> Self {
                    ElementId::$ty(id)
                }
            }
        )*

        /// Any element of the network, by kind and index.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ElementId {
            $($ty($id),)*
        }

        impl ElementId {
            /// A short lowercase name of the element kind, for messages.
            pub fn kind_name(self) -> &'static str {
                match self {
                    $(ElementId::$ty(_) => $kind,)*
                }
            }
        }

        impl Network {
            /// The common metadata of any element.
            pub fn meta(&self, id: ElementId) -> &Meta {
                match id {
                    $(ElementId::$ty(i) => &self[i].meta,)*
                }
            }

            /// Every element, in kind order then declaration order.
            pub fn elements(&self) -> Vec<ElementId> {
                let mut out = Vec::new();
                $(
                    for i in 0..self.$field.len() {
                        out.push(ElementId::$ty($id(u32::try_from(i).unwrap_or(u32::MAX))));
                    }
                )*
                out
            }

            /// Finds an element by its logical address.
            pub fn find(&self, address: &str) -> Option<ElementId> {
                self.elements().into_iter().find(|&id| self.meta(id).address == address)
            }
        }
    };
}

arenas! {
    VnetId => vnets: Vnet, "virtual network";
    SubnetId => subnets: Subnet, "subnet";
    NsgId => nsgs: Nsg, "network security group";
    RuleId => security_rules: SecurityRule, "security rule";
    AsgId => asgs: Asg, "application security group";
    NicId => nics: Nic, "network interface";
    PublicIpId => public_ips: PublicIp, "public IP";
    VmId => vms: Vm, "virtual machine";
    RouteTableId => route_tables: RouteTable, "route table";
    PeeringId => peerings: Peering, "peering";
    VnetGatewayId => vnet_gateways: VnetGateway, "virtual network gateway";
    LocalGatewayId => local_gateways: LocalGateway, "local network gateway";
    GatewayConnectionId => gateway_connections: GatewayConnection, "gateway connection";
    AseId => ases: Ase, "App Service Environment";
    ServicePlanId => service_plans: ServicePlan, "App Service plan";
    WebAppId => web_apps: WebApp, "web app";
    SqlServerId => sql_servers: SqlServer, "SQL server";
    SqlFirewallRuleId => sql_firewall_rules: SqlFirewallRule, "SQL firewall rule";
}

/// Iteration helpers that yield ids with the elements.
macro_rules! iter_fns {
    ($($fn:ident: $field:ident => $id:ident, $ty:ident;)*) => {
        impl Network {
            $(
                pub fn $fn(&self) -> impl Iterator<Item = ($id, &$ty)> {
                    self.$field
                        .iter()
                        .enumerate()
                        .map(|(i, e)| ($id(u32::try_from(i).unwrap_or(u32::MAX)), e))
                }
            )*
        }
    };
}

iter_fns! {
    iter_vnets: vnets => VnetId, Vnet;
    iter_subnets: subnets => SubnetId, Subnet;
    iter_nsgs: nsgs => NsgId, Nsg;
    iter_rules: security_rules => RuleId, SecurityRule;
    iter_nics: nics => NicId, Nic;
    iter_public_ips: public_ips => PublicIpId, PublicIp;
    iter_ases: ases => AseId, Ase;
    iter_web_apps: web_apps => WebAppId, WebApp;
}

/// Push helpers returning the new id.
macro_rules! push_fns {
    ($($fn:ident: $field:ident => $id:ident, $ty:ident;)*) => {
        impl Network {
            $(
                pub fn $fn(&mut self, element: $ty) -> $id {
                    let id = $id(u32::try_from(self.$field.len()).expect("fewer than 2^32 elements"));
                    self.$field.push(element);
                    id
                }
            )*
        }
    };
}

push_fns! {
    add_vnet: vnets => VnetId, Vnet;
    add_subnet: subnets => SubnetId, Subnet;
    add_nsg: nsgs => NsgId, Nsg;
    add_rule: security_rules => RuleId, SecurityRule;
    add_asg: asgs => AsgId, Asg;
    add_nic: nics => NicId, Nic;
    add_public_ip: public_ips => PublicIpId, PublicIp;
    add_vm: vms => VmId, Vm;
    add_route_table: route_tables => RouteTableId, RouteTable;
    add_peering: peerings => PeeringId, Peering;
    add_vnet_gateway: vnet_gateways => VnetGatewayId, VnetGateway;
    add_local_gateway: local_gateways => LocalGatewayId, LocalGateway;
    add_gateway_connection: gateway_connections => GatewayConnectionId, GatewayConnection;
    add_ase: ases => AseId, Ase;
    add_service_plan: service_plans => ServicePlanId, ServicePlan;
    add_web_app: web_apps => WebAppId, WebApp;
    add_sql_server: sql_servers => SqlServerId, SqlServer;
    add_sql_firewall_rule: sql_firewall_rules => SqlFirewallRuleId, SqlFirewallRule;
}

impl Network {
    /// Merges another network (for example from another module) into this one, shifting its ids.
    pub fn extend(&mut self, other: Network) {
        let offset = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
        let (vnets, subnets, nsgs, rules, asgs, nics, pips, vms, rts, gws, lgws, ases, plans, sqls) = (
            offset(self.vnets.len()),
            offset(self.subnets.len()),
            offset(self.nsgs.len()),
            offset(self.security_rules.len()),
            offset(self.asgs.len()),
            offset(self.nics.len()),
            offset(self.public_ips.len()),
            offset(self.vms.len()),
            offset(self.route_tables.len()),
            offset(self.vnet_gateways.len()),
            offset(self.local_gateways.len()),
            offset(self.ases.len()),
            offset(self.service_plans.len()),
            offset(self.sql_servers.len()),
        );
        let _ = vms;
        fn shift<I: Copy>(attr: &mut Option<crate::Attr<I>>, f: impl Fn(I) -> I) {
            if let Some(crate::Attr {
                value: crate::Val::Known(id),
                ..
            }) = attr
            {
                *id = f(*id);
            }
        }
        fn shift_list<I: Copy>(list: &mut Option<crate::AttrList<I>>, f: impl Fn(I) -> I) {
            if let Some(crate::Attr {
                value: crate::Val::Known(items),
                ..
            }) = list
            {
                for item in items {
                    if let crate::Val::Known(id) = &mut item.value {
                        *id = f(*id);
                    }
                }
            }
        }
        let Network {
            vnets: o_vnets,
            subnets: o_subnets,
            nsgs: o_nsgs,
            security_rules: o_rules,
            asgs: o_asgs,
            nics: o_nics,
            public_ips: o_pips,
            vms: o_vms,
            route_tables: o_rts,
            peerings: o_peerings,
            vnet_gateways: o_gws,
            local_gateways: o_lgws,
            gateway_connections: o_conns,
            ases: o_ases,
            service_plans: o_plans,
            web_apps: o_apps,
            sql_servers: o_sqls,
            sql_firewall_rules: o_fws,
        } = other;
        self.vnets.extend(o_vnets);
        for mut s in o_subnets {
            shift(&mut s.vnet, |VnetId(i)| VnetId(i + vnets));
            shift(&mut s.nsg, |NsgId(i)| NsgId(i + nsgs));
            shift(&mut s.route_table, |RouteTableId(i)| RouteTableId(i + rts));
            self.subnets.push(s);
        }
        for mut n in o_nsgs {
            for r in &mut n.rules {
                r.0 += rules;
            }
            self.nsgs.push(n);
        }
        for mut r in o_rules {
            shift(&mut r.nsg, |NsgId(i)| NsgId(i + nsgs));
            shift_list(&mut r.source_asgs, |AsgId(i)| AsgId(i + asgs));
            shift_list(&mut r.destination_asgs, |AsgId(i)| AsgId(i + asgs));
            self.security_rules.push(r);
        }
        self.asgs.extend(o_asgs);
        for mut n in o_nics {
            shift(&mut n.nsg, |NsgId(i)| NsgId(i + nsgs));
            for c in &mut n.ip_configurations {
                shift(&mut c.subnet, |SubnetId(i)| SubnetId(i + subnets));
                shift(&mut c.public_ip, |PublicIpId(i)| PublicIpId(i + pips));
                for a in &mut c.asgs {
                    if let crate::Val::Known(id) = &mut a.value {
                        id.0 += asgs;
                    }
                }
            }
            self.nics.push(n);
        }
        self.public_ips.extend(o_pips);
        for mut v in o_vms {
            for n in &mut v.nics {
                if let crate::Val::Known(id) = &mut n.value {
                    id.0 += nics;
                }
            }
            self.vms.push(v);
        }
        self.route_tables.extend(o_rts);
        for mut p in o_peerings {
            shift(&mut p.vnet, |VnetId(i)| VnetId(i + vnets));
            shift(&mut p.remote_vnet, |VnetId(i)| VnetId(i + vnets));
            self.peerings.push(p);
        }
        for mut g in o_gws {
            shift(&mut g.subnet, |SubnetId(i)| SubnetId(i + subnets));
            self.vnet_gateways.push(g);
        }
        self.local_gateways.extend(o_lgws);
        for mut c in o_conns {
            shift(&mut c.gateway, |VnetGatewayId(i)| VnetGatewayId(i + gws));
            shift(&mut c.peer_gateway, |VnetGatewayId(i)| {
                VnetGatewayId(i + gws)
            });
            shift(&mut c.local_gateway, |LocalGatewayId(i)| {
                LocalGatewayId(i + lgws)
            });
            self.gateway_connections.push(c);
        }
        for mut a in o_ases {
            shift(&mut a.subnet, |SubnetId(i)| SubnetId(i + subnets));
            self.ases.push(a);
        }
        for mut p in o_plans {
            shift(&mut p.ase, |AseId(i)| AseId(i + ases));
            self.service_plans.push(p);
        }
        for mut w in o_apps {
            shift(&mut w.plan, |ServicePlanId(i)| ServicePlanId(i + plans));
            shift(&mut w.vnet_integration_subnet, |SubnetId(i)| {
                SubnetId(i + subnets)
            });
            self.web_apps.push(w);
        }
        self.sql_servers.extend(o_sqls);
        for mut f in o_fws {
            shift(&mut f.server, |SqlServerId(i)| SqlServerId(i + sqls));
            self.sql_firewall_rules.push(f);
        }
    }
}
