//! Every data service and firewall rule as the VNL6xx checks read them, whichever arena holds
//! them: SQL servers and their rules, storage accounts, and the other services
//! (`DataService`, `ServiceFirewallRule`). The IR keeps SQL servers and storage accounts in
//! their own arenas (their shape predates the others, and the frontends' tests read them);
//! this view lets each check state its logic once for all of them.

use vnetlint_ir::{
    Attr, AttrList, DataService, DataServiceId, FirewallModel, Meta, Network, ServiceKind,
    SqlServerId, StorageAccount, StorageAccountId, SubnetId,
};

/// Where a service is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceId {
    Sql(SqlServerId),
    Storage(StorageAccountId),
    Data(DataServiceId),
}

/// A data service's network settings.
pub(crate) struct Service<'n> {
    pub(crate) id: ServiceId,
    pub(crate) kind: ServiceKind,
    pub(crate) meta: &'n Meta,
    pub(crate) public_network_access: Option<&'n Attr<bool>>,
    pub(crate) default_action: Option<&'n Attr<String>>,
    pub(crate) ip_rules: Option<&'n AttrList<String>>,
    pub(crate) subnets: Option<&'n AttrList<SubnetId>>,
    pub(crate) virtual_network_filter: Option<&'n Attr<bool>>,
}

/// A start–end firewall rule of a service (`Rules` and `RulesOrAll` models).
pub(crate) struct FirewallRule<'n> {
    pub(crate) meta: &'n Meta,
    pub(crate) kind: ServiceKind,
    /// The rule's service, when known.
    pub(crate) service: Option<ServiceId>,
    pub(crate) start: Option<&'n Attr<String>>,
    pub(crate) end: Option<&'n Attr<String>>,
}

impl<'n> Service<'n> {
    /// Every service of the network: SQL servers, storage accounts, then the others.
    pub(crate) fn all(net: &'n Network) -> Vec<Service<'n>> {
        let sql = net.iter_sql_servers().map(|(id, _)| ServiceId::Sql(id));
        let storage = net
            .iter_storage_accounts()
            .map(|(id, _)| ServiceId::Storage(id));
        let data = net.iter_data_services().map(|(id, _)| ServiceId::Data(id));
        sql.chain(storage)
            .chain(data)
            .map(|id| Service::get(net, id))
            .collect()
    }

    /// The service held at `id`.
    pub(crate) fn get(net: &'n Network, id: ServiceId) -> Service<'n> {
        match id {
            ServiceId::Sql(sql) => {
                let server = &net[sql];
                Service {
                    id,
                    kind: ServiceKind::Sql,
                    meta: &server.meta,
                    public_network_access: server.public_network_access.as_ref(),
                    default_action: None,
                    ip_rules: None,
                    subnets: None,
                    virtual_network_filter: None,
                }
            }
            ServiceId::Storage(storage) => storage_account(id, &net[storage]),
            ServiceId::Data(data) => data_service(id, &net[data]),
        }
    }

    /// `` SQL server `sql-orders` ``, for messages.
    pub(crate) fn described(&self) -> String {
        format!("{} `{}`", self.kind.name(), self.meta.display_name())
    }

    /// The service as the subject that starts a message, which starts lowercase: `` storage
    /// account `st` ``, but `` the Redis cache `redis` `` for a kind named with a capital.
    pub(crate) fn subject(&self) -> String {
        let described = self.described();
        if described.starts_with(char::is_uppercase) {
            format!("the {described}")
        } else {
            described
        }
    }

    /// Whether public network access is on: `Some(true)` when written so or left at a default
    /// that is on (SQL servers and storage accounts leave it unset), `Some(false)` when off,
    /// `None` when the value is unknown.
    pub(crate) fn public(&self) -> Option<bool> {
        public_access(self.public_network_access)
    }

    /// The IP rules that decide who reaches the service: the list of an allow list, and that of
    /// a firewall whose default action is known to be `Deny` (under `Allow` the rules have no
    /// effect). `None` for the other models.
    pub(crate) fn deciding_ip_rules(&self) -> Option<&'n AttrList<String>> {
        let deciding = match self.kind.firewall() {
            FirewallModel::AllowList => true,
            FirewallModel::DefaultAction => {
                default_action_allows(self.default_action) == Some(false)
            }
            FirewallModel::Rules | FirewallModel::RulesOrAll | FirewallModel::None => false,
        };
        self.ip_rules.filter(|_| deciding)
    }
}

impl<'n> FirewallRule<'n> {
    /// Every start–end firewall rule of the network: SQL's, then the other services'.
    pub(crate) fn all(net: &'n Network) -> Vec<FirewallRule<'n>> {
        let sql = net.sql_firewall_rules.iter().map(|rule| {
            let service = linked(rule.server.as_ref()).map(ServiceId::Sql);
            (
                &rule.meta,
                ServiceKind::Sql,
                service,
                &rule.start_ip,
                &rule.end_ip,
            )
        });
        let others = net.service_firewall_rules.iter().map(|rule| {
            let service = linked(rule.service.as_ref()).map(ServiceId::Data);
            (&rule.meta, rule.kind, service, &rule.start_ip, &rule.end_ip)
        });
        sql.chain(others)
            .map(|(meta, kind, service, start, end)| FirewallRule {
                meta,
                kind,
                service,
                start: start.as_ref(),
                end: end.as_ref(),
            })
            .collect()
    }

    /// `` PostgreSQL server `psql-orders` ``, or `its PostgreSQL server` when the rule's
    /// service is not known.
    pub(crate) fn service_described(&self, net: &Network) -> String {
        self.service.map_or_else(
            || format!("its {}", self.kind.name()),
            |id| Service::get(net, id).described(),
        )
    }
}

/// The element a link names, when it is known.
fn linked<I: Copy>(link: Option<&Attr<I>>) -> Option<I> {
    link.and_then(Attr::get).copied()
}

fn storage_account(id: ServiceId, account: &StorageAccount) -> Service<'_> {
    Service {
        id,
        kind: ServiceKind::Storage,
        meta: &account.meta,
        public_network_access: account.public_network_access.as_ref(),
        default_action: account.default_action.as_ref(),
        ip_rules: account.ip_rules.as_ref(),
        subnets: account.subnets.as_ref(),
        virtual_network_filter: None,
    }
}

fn data_service(id: ServiceId, service: &DataService) -> Service<'_> {
    Service {
        id,
        kind: service.kind,
        meta: &service.meta,
        public_network_access: service.public_network_access.as_ref(),
        default_action: service.default_action.as_ref(),
        ip_rules: service.ip_rules.as_ref(),
        subnets: service.subnets.as_ref(),
        virtual_network_filter: service.virtual_network_filter.as_ref(),
    }
}

/// Whether public network access is on: `Some(true)` when written so or not written (on, for
/// SQL servers and storage accounts alike), `Some(false)` when disabled, `None` when the value
/// is unknown.
pub(crate) fn public_access(attr: Option<&Attr<bool>>) -> Option<bool> {
    match attr {
        None => Some(true),
        Some(attr) => attr.get().copied(),
    }
}

/// Whether a default action admits every network: `Some(true)` for `Allow` or not written
/// (Azure's default), `Some(false)` for anything else, `None` when unknown.
pub(crate) fn default_action_allows(attr: Option<&Attr<String>>) -> Option<bool> {
    match attr {
        None => Some(true),
        Some(attr) => attr
            .get()
            .map(|action| action.trim().eq_ignore_ascii_case("Allow")),
    }
}
