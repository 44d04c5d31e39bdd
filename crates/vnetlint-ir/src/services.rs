//! What vnetlint knows of Azure's data and secret stores, apart from any template language: the
//! kinds of service, what each one's firewall is made of, whether `0.0.0.0` is its "allow Azure
//! services" switch, and the values Azure or the provider assumes when a template is silent.
//!
//! Both frontends lower a service's own attributes into a `DataService` and fill what they leave
//! out through `Network::fill_service_defaults`, so that a default is stated once; the checks
//! read the firewall model from here, so that a new kind of service is one arm per fact.

use crate::{
    Allocate, Attr, DataService, Element, ElementId, Meta, Network, ServiceFirewallRule, first_wins,
};

use FirewallModel as Model;

/// Which Azure data or secret store an element is. SQL servers and storage accounts keep their
/// own arenas (`Network::sql_servers`, `Network::storage_accounts`); their kinds are here for
/// what the checks say about every service alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ServiceKind {
    Sql,
    PostgresSingle,
    PostgresFlexible,
    MySqlSingle,
    MySqlFlexible,
    MariaDb,
    Synapse,
    Redis,
    CosmosDb,
    KeyVault,
    ContainerRegistry,
    EventHubs,
    ServiceBus,
    Search,
    CognitiveServices,
    AppConfiguration,
    Storage,
}

/// How a service's firewall decides who reaches its public endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FirewallModel {
    /// Start–end address rules (`SqlFirewallRule`, `ServiceFirewallRule`); without a rule no
    /// one is admitted.
    Rules,
    /// Start–end address rules, but a service without any rule admits every address (Azure
    /// Cache for Redis).
    RulesOrAll,
    /// A default action (`DataService::default_action`), with IP and virtual network rules that
    /// only matter when it is `Deny`.
    DefaultAction,
    /// A list of admitted addresses (and, for Cosmos DB, subnets); an empty list admits every
    /// address.
    AllowList,
    /// No firewall: public network access is the only switch (App Configuration).
    None,
}

/// One allocation function per kind, each a closure that captures nothing (so that it is an
/// `Allocate`): the kind is a constant of each arm rather than a captured value.
macro_rules! allocators {
    ($kind:expr, |$k:ident, $meta:ident| $element:expr) => {
        allocators!(@arms $kind, $k, $meta, $element, [
            Sql PostgresSingle PostgresFlexible MySqlSingle MySqlFlexible MariaDb Synapse Redis
            CosmosDb KeyVault ContainerRegistry EventHubs ServiceBus Search CognitiveServices
            AppConfiguration Storage
        ])
    };
    (@arms $kind:expr, $k:ident, $meta:ident, $element:expr, [$($variant:ident)*]) => {
        match $kind {
            $(ServiceKind::$variant => |network: &mut Network, $meta: Meta| -> ElementId {
                let $k = ServiceKind::$variant;
                $element.push_into(network).into()
            },)*
        }
    };
}

impl ServiceKind {
    /// How messages name the kind (`PostgreSQL flexible server`).
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::Sql => "SQL server",
            ServiceKind::PostgresSingle => "PostgreSQL server",
            ServiceKind::PostgresFlexible => "PostgreSQL flexible server",
            ServiceKind::MySqlSingle => "MySQL server",
            ServiceKind::MySqlFlexible => "MySQL flexible server",
            ServiceKind::MariaDb => "MariaDB server",
            ServiceKind::Synapse => "Synapse workspace",
            ServiceKind::Redis => "Redis cache",
            ServiceKind::CosmosDb => "Cosmos DB account",
            ServiceKind::KeyVault => "key vault",
            ServiceKind::ContainerRegistry => "container registry",
            ServiceKind::EventHubs => "Event Hubs namespace",
            ServiceKind::ServiceBus => "Service Bus namespace",
            ServiceKind::Search => "search service",
            ServiceKind::CognitiveServices => "Cognitive Services account",
            ServiceKind::AppConfiguration => "App Configuration store",
            ServiceKind::Storage => "storage account",
        }
    }

    /// The last word of the kind's name (`server`, `vault`), for `the server's login`.
    pub fn noun(self) -> &'static str {
        let name = self.name();
        name.rsplit(' ').next().unwrap_or(name)
    }

    /// What an Internet host reaches through the endpoint: the login of a service whose
    /// firewall is start–end rules on a database's login (the databases and Synapse), the
    /// endpoint of the others.
    pub fn reached(self) -> &'static str {
        match self.firewall() {
            Model::Rules => "login",
            _ => "endpoint",
        }
    }

    /// A stable key for fingerprints: the name in lowercase, words joined by `-`
    /// (`sql-server`, `storage-account`), except the two kinds that had keys before the others
    /// (`sql`, `storage`), whose fingerprints must not change.
    pub fn slug(self) -> String {
        match self {
            ServiceKind::Sql => "sql".to_owned(),
            ServiceKind::Storage => "storage".to_owned(),
            _ => self.name().to_ascii_lowercase().replace(' ', "-"),
        }
    }

    /// The TCP ports clients reach the service on (its public endpoint and private
    /// endpoints): HTTPS for most, the database protocols' own ports for the databases.
    pub fn ports(self) -> &'static [(u16, u16)] {
        match self {
            // SQL's gateway on 1433 redirects to 11000-11999 inside Azure.
            ServiceKind::Sql | ServiceKind::Synapse => &[(1433, 1433), (11000, 11999)],
            ServiceKind::PostgresSingle | ServiceKind::PostgresFlexible => &[(5432, 5432)],
            ServiceKind::MySqlSingle | ServiceKind::MySqlFlexible | ServiceKind::MariaDb => {
                &[(3306, 3306)]
            }
            ServiceKind::Redis => &[(6379, 6380)],
            // SMB for Azure Files beside HTTPS.
            ServiceKind::Storage => &[(443, 443), (445, 445)],
            // AMQP and Kafka beside HTTPS.
            ServiceKind::EventHubs => &[(443, 443), (5671, 5672), (9093, 9093)],
            ServiceKind::ServiceBus => &[(443, 443), (5671, 5672)],
            ServiceKind::CosmosDb
            | ServiceKind::KeyVault
            | ServiceKind::ContainerRegistry
            | ServiceKind::Search
            | ServiceKind::CognitiveServices
            | ServiceKind::AppConfiguration => &[(443, 443)],
        }
    }

    /// The service endpoint (`service_endpoints` of a subnet) that carries a subnet's traffic
    /// to the service with the subnet's identity; `None` where the service has none.
    pub fn service_endpoint(self) -> Option<&'static str> {
        match self {
            ServiceKind::Sql
            | ServiceKind::Synapse
            | ServiceKind::PostgresSingle
            | ServiceKind::MySqlSingle
            | ServiceKind::MariaDb => Some("Microsoft.Sql"),
            ServiceKind::Storage => Some("Microsoft.Storage"),
            ServiceKind::KeyVault => Some("Microsoft.KeyVault"),
            ServiceKind::CosmosDb => Some("Microsoft.AzureCosmosDB"),
            ServiceKind::EventHubs => Some("Microsoft.EventHub"),
            ServiceKind::ServiceBus => Some("Microsoft.ServiceBus"),
            ServiceKind::ContainerRegistry => Some("Microsoft.ContainerRegistry"),
            ServiceKind::CognitiveServices => Some("Microsoft.CognitiveServices"),
            ServiceKind::PostgresFlexible
            | ServiceKind::MySqlFlexible
            | ServiceKind::Redis
            | ServiceKind::Search
            | ServiceKind::AppConfiguration => None,
        }
    }

    /// The service tag of the service's public addresses, as NSG rules name it.
    pub fn service_tag(self) -> &'static str {
        match self {
            ServiceKind::Sql
            | ServiceKind::Synapse
            | ServiceKind::PostgresSingle
            | ServiceKind::PostgresFlexible
            | ServiceKind::MySqlSingle
            | ServiceKind::MySqlFlexible
            | ServiceKind::MariaDb => "Sql",
            ServiceKind::Storage => "Storage",
            ServiceKind::KeyVault => "AzureKeyVault",
            ServiceKind::CosmosDb => "AzureCosmosDB",
            ServiceKind::EventHubs => "EventHub",
            ServiceKind::ServiceBus => "ServiceBus",
            ServiceKind::ContainerRegistry => "AzureContainerRegistry",
            ServiceKind::CognitiveServices => "CognitiveServicesManagement",
            ServiceKind::Redis | ServiceKind::Search | ServiceKind::AppConfiguration => {
                "AzureCloud"
            }
        }
    }

    /// What the service's firewall is made of.
    pub fn firewall(self) -> Model {
        match self {
            ServiceKind::Sql
            | ServiceKind::PostgresSingle
            | ServiceKind::PostgresFlexible
            | ServiceKind::MySqlSingle
            | ServiceKind::MySqlFlexible
            | ServiceKind::MariaDb
            | ServiceKind::Synapse => Model::Rules,
            ServiceKind::Redis => Model::RulesOrAll,
            ServiceKind::CosmosDb | ServiceKind::Search => Model::AllowList,
            ServiceKind::AppConfiguration => Model::None,
            ServiceKind::KeyVault
            | ServiceKind::ContainerRegistry
            | ServiceKind::EventHubs
            | ServiceKind::ServiceBus
            | ServiceKind::CognitiveServices
            | ServiceKind::Storage => Model::DefaultAction,
        }
    }

    /// What the address `0.0.0.0` turns on when it is not an address but a switch: a
    /// `0.0.0.0`–`0.0.0.0` rule of the database servers and Synapse ("allow Azure services"),
    /// `0.0.0.0` in a Cosmos DB IP filter. `None` for a service where it is an address (Redis)
    /// or that has no such rules.
    pub fn azure_switch(self) -> Option<&'static str> {
        match (self, self.firewall()) {
            (_, Model::Rules) => Some("allow Azure services"),
            (ServiceKind::CosmosDb, _) => {
                Some("accept connections from within public Azure datacenters")
            }
            _ => None,
        }
    }

    /// Allocates an empty `DataService` of this kind; for the frontends' allocation tables.
    pub fn allocate_service(self) -> Allocate {
        allocators!(self, |kind, meta| DataService {
            meta,
            kind,
            public_network_access: None,
            delegated_subnet: None,
            default_action: None,
            bypass: None,
            ip_rules: None,
            subnets: None,
            virtual_network_filter: None,
        })
    }

    /// Allocates an empty `ServiceFirewallRule` of a service of this kind.
    pub fn allocate_rule(self) -> Allocate {
        allocators!(self, |kind, meta| ServiceFirewallRule {
            meta,
            kind,
            service: None,
            start_ip: None,
            end_ip: None,
        })
    }
}

impl Network {
    /// Sets what the templates leave out of each data service to what Azure or the provider
    /// assumes, pointing at the service's block; called once every resource is lowered, so that
    /// a child resource (an ARM `networkRuleSets`) that writes a setting is not overridden.
    ///
    /// Public network access is on, except for a service deployed into a subnet (azurerm
    /// requires it off then, and such a service has no public endpoint unless one is turned on)
    /// and for an App Configuration store that a private endpoint in the network connects to
    /// (its unset `publicNetworkAccess` is `Automatic`: on until a private endpoint exists). A
    /// service whose firewall has a default action allows every network when none is written.
    pub fn fill_service_defaults(&mut self) {
        let behind_private_endpoint: Vec<bool> = self
            .data_services
            .iter()
            .map(|service| {
                service.kind == ServiceKind::AppConfiguration
                    && self.has_private_endpoint(&service.meta)
            })
            .collect();
        for (service, private) in self.data_services.iter_mut().zip(behind_private_endpoint) {
            let block = service.meta.span;
            let public = service.delegated_subnet.is_none() && !private;
            first_wins(
                &mut service.public_network_access,
                Attr::default_value(public, block),
            );
            if service.kind.firewall() == Model::DefaultAction {
                first_wins(
                    &mut service.default_action,
                    Attr::default_value("Allow".to_owned(), block),
                );
            }
        }
    }

    /// Whether a private endpoint of the network connects to the element `meta` describes.
    fn has_private_endpoint(&self, meta: &Meta) -> bool {
        self.private_endpoints.iter().any(|endpoint| {
            endpoint
                .target
                .as_ref()
                .and_then(Attr::get)
                .is_some_and(|target| target.address.eq_ignore_ascii_case(&meta.address))
        })
    }
}
