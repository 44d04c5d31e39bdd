//! What vnetlint knows of Azure's data and secret stores, apart from any template language: the
//! kinds of service, what each one's firewall is made of, whether `0.0.0.0` is its "allow Azure
//! services" switch, and the values Azure or the provider assumes when a template is silent.
//!
//! Both frontends lower a service's own attributes into a `DataService` and fill what they leave
//! out through `Network::fill_service_defaults`, so that a default is stated once; the checks
//! read the firewall model from here, so that a new kind of service is one line per table.

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

/// The facts of one kind of service.
struct Facts {
    /// How messages name it (`PostgreSQL flexible server`).
    name: &'static str,
    /// The short noun for it (`server`, `vault`).
    noun: &'static str,
    /// What an Internet host reaches through its endpoint (`login`).
    reached: &'static str,
    /// A stable key for fingerprints (`postgresql-flexible`).
    slug: &'static str,
    firewall: Model,
    /// What `0.0.0.0` turns on, for the services where it is not an address.
    azure_switch: Option<&'static str>,
}

const ALLOW_AZURE: Option<&str> = Some("allow Azure services");

/// A database server: start–end rules, `0.0.0.0` the Azure switch, reached at its login.
const fn database(name: &'static str, slug: &'static str) -> Facts {
    Facts {
        name,
        noun: "server",
        reached: "login",
        slug,
        firewall: Model::Rules,
        azure_switch: ALLOW_AZURE,
    }
}

/// A service reached at its endpoint, without an Azure switch.
const fn store(
    name: &'static str,
    noun: &'static str,
    slug: &'static str,
    firewall: Model,
) -> Facts {
    Facts {
        name,
        noun,
        reached: "endpoint",
        slug,
        firewall,
        azure_switch: None,
    }
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
    fn facts(self) -> &'static Facts {
        const SQL: Facts = database("SQL server", "sql");
        const POSTGRES_SINGLE: Facts = database("PostgreSQL server", "postgresql");
        const POSTGRES_FLEXIBLE: Facts =
            database("PostgreSQL flexible server", "postgresql-flexible");
        const MYSQL_SINGLE: Facts = database("MySQL server", "mysql");
        const MYSQL_FLEXIBLE: Facts = database("MySQL flexible server", "mysql-flexible");
        const MARIADB: Facts = database("MariaDB server", "mariadb");
        const SYNAPSE: Facts = Facts {
            noun: "workspace",
            ..database("Synapse workspace", "synapse")
        };
        const REDIS: Facts = store("Redis cache", "cache", "redis", Model::RulesOrAll);
        const COSMOS_DB: Facts = Facts {
            azure_switch: Some("accept connections from within public Azure datacenters"),
            ..store("Cosmos DB account", "account", "cosmosdb", Model::AllowList)
        };
        const KEY_VAULT: Facts = store("key vault", "vault", "key-vault", Model::DefaultAction);
        const REGISTRY: Facts = store(
            "container registry",
            "registry",
            "container-registry",
            Model::DefaultAction,
        );
        const EVENT_HUBS: Facts = store(
            "Event Hubs namespace",
            "namespace",
            "eventhub",
            Model::DefaultAction,
        );
        const SERVICE_BUS: Facts = store(
            "Service Bus namespace",
            "namespace",
            "servicebus",
            Model::DefaultAction,
        );
        const SEARCH: Facts = store("search service", "service", "search", Model::AllowList);
        const COGNITIVE: Facts = store(
            "Cognitive Services account",
            "account",
            "cognitive",
            Model::DefaultAction,
        );
        const APP_CONFIGURATION: Facts = store(
            "App Configuration store",
            "store",
            "app-configuration",
            Model::None,
        );
        const STORAGE: Facts = store(
            "storage account",
            "account",
            "storage",
            Model::DefaultAction,
        );
        match self {
            ServiceKind::Sql => &SQL,
            ServiceKind::PostgresSingle => &POSTGRES_SINGLE,
            ServiceKind::PostgresFlexible => &POSTGRES_FLEXIBLE,
            ServiceKind::MySqlSingle => &MYSQL_SINGLE,
            ServiceKind::MySqlFlexible => &MYSQL_FLEXIBLE,
            ServiceKind::MariaDb => &MARIADB,
            ServiceKind::Synapse => &SYNAPSE,
            ServiceKind::Redis => &REDIS,
            ServiceKind::CosmosDb => &COSMOS_DB,
            ServiceKind::KeyVault => &KEY_VAULT,
            ServiceKind::ContainerRegistry => &REGISTRY,
            ServiceKind::EventHubs => &EVENT_HUBS,
            ServiceKind::ServiceBus => &SERVICE_BUS,
            ServiceKind::Search => &SEARCH,
            ServiceKind::CognitiveServices => &COGNITIVE,
            ServiceKind::AppConfiguration => &APP_CONFIGURATION,
            ServiceKind::Storage => &STORAGE,
        }
    }

    /// How messages name the kind (`PostgreSQL flexible server`).
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    /// The short noun for a service of the kind (`server`, `vault`), for `the server's login`.
    pub fn noun(self) -> &'static str {
        self.facts().noun
    }

    /// What an Internet host reaches through the endpoint: `login` for the databases, whose
    /// firewall guards a login, `endpoint` for the others.
    pub fn reached(self) -> &'static str {
        self.facts().reached
    }

    /// A stable key for fingerprints (`sql`, `storage`, `postgresql-flexible`).
    pub fn slug(self) -> &'static str {
        self.facts().slug
    }

    /// What the service's firewall is made of.
    pub fn firewall(self) -> Model {
        self.facts().firewall
    }

    /// What the address `0.0.0.0` turns on when it is not an address but a switch: a
    /// `0.0.0.0`–`0.0.0.0` rule of the database servers and Synapse ("allow Azure services"),
    /// `0.0.0.0` in a Cosmos DB IP filter. `None` for a service where it is an address (Redis).
    pub fn azure_switch(self) -> Option<&'static str> {
        self.facts().azure_switch
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
