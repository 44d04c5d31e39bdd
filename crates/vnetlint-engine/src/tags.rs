//! Service tags: what `VirtualNetwork`, `Internet` and `AzureLoadBalancer` expand to for one
//! NSG, and the list of opaque tags whose contents vnetlint cannot know offline (spec §2.5, §2.6).

use vnetlint_ir::{Network, NsgId, SubnetId, Val, VnetId};

use crate::addr::AddrSet;

/// The host's virtual IP: DNS, DHCP, health probes; part of `VirtualNetwork` and the whole of
/// `AzureLoadBalancer`.
pub const AZURE_HOST_IP: &str = "168.63.129.16/32";

/// What the structural tags expand to for the NSG being evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagContext {
    /// The `VirtualNetwork` tag (including 168.63.129.16).
    pub virtual_network: AddrSet,
    /// True when no address space was known and `virtual_network` is the RFC 1918 stand-in;
    /// messages should say so.
    pub stand_in: bool,
    /// True when some (not all) of the relevant address spaces were unknown, so
    /// `virtual_network` may be too small.
    pub incomplete: bool,
}

impl TagContext {
    /// A context with the given `VirtualNetwork` set (168.63.129.16 is added).
    pub fn new(virtual_network: &AddrSet) -> TagContext {
        TagContext {
            virtual_network: virtual_network.union(&host_ip_set()),
            stand_in: false,
            incomplete: false,
        }
    }

    /// The stand-in used when no address space is known: private space plus the host IP.
    pub fn stand_in() -> TagContext {
        TagContext {
            virtual_network: AddrSet::cidrs(&[
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "100.64.0.0/10",
                AZURE_HOST_IP,
            ]),
            stand_in: true,
            incomplete: false,
        }
    }

    /// `VirtualNetwork` for an NSG: the address spaces of the `VNets` whose subnets it is attached
    /// to, directly or through a NIC, plus 168.63.129.16. Peerings, gateways and UDR prefixes
    /// (§2.6 items 2, 3, 5) are not composed yet.
    pub fn for_nsg(net: &Network, nsg: NsgId) -> TagContext {
        let mut subnets: Vec<SubnetId> = net
            .iter_subnets()
            .filter(|(_, subnet)| known_is(subnet.nsg.as_ref().map(|a| &a.value), nsg))
            .map(|(id, _)| id)
            .collect();
        for (_, nic) in net.iter_nics() {
            if !known_is(nic.nsg.as_ref().map(|a| &a.value), nsg) {
                continue;
            }
            for config in &nic.ip_configurations {
                if let Some(Val::Known(subnet)) = config.subnet.as_ref().map(|a| &a.value) {
                    subnets.push(*subnet);
                }
            }
        }
        subnets.sort_unstable();
        subnets.dedup();

        let mut vnets: Vec<VnetId> = Vec::new();
        let mut space = AddrSet::empty();
        let mut incomplete = false;
        for subnet_id in subnets {
            let Some(subnet) = net.subnets.get(subnet_id.index()) else {
                continue;
            };
            match subnet.vnet.as_ref().map(|a| &a.value) {
                Some(Val::Known(vnet)) if vnet.index() < net.vnets.len() => vnets.push(*vnet),
                _ => {
                    // Without the VNet, the subnet's own prefixes are the best lower bound.
                    incomplete = true;
                    let (prefixes, partial) = known_prefixes(subnet.address_prefixes.as_ref());
                    space = space.union(&prefixes);
                    incomplete |= partial;
                }
            }
        }
        vnets.sort_unstable();
        vnets.dedup();
        for vnet in vnets {
            let (prefixes, partial) = known_prefixes(net[vnet].address_space.as_ref());
            space = space.union(&prefixes);
            incomplete |= partial;
        }
        if space.is_empty() {
            return TagContext::stand_in();
        }
        TagContext {
            incomplete,
            ..TagContext::new(&space)
        }
    }

    /// The `Internet` tag: public IPv4 (all of it minus 0/8, 10/8, 100.64/10, 127/8,
    /// 169.254/16, 172.16/12, 192.168/16, 224/4 and 240/4) plus global unicast IPv6 (`2000::/3`).
    /// The exact exclusion list is UNSURE in the spec (§9); 100.64/10 is excluded because Azure
    /// treats it as private (§7). The host IP 168.63.129.16 is excluded too: edge case 21 has
    /// probes still allowed after "Deny from `Internet`", so the platform address is not part
    /// of the tag.
    pub fn internet(&self) -> AddrSet {
        internet_set()
    }

    /// Internet sources that are not also in `VirtualNetwork` or the host IP: the attacker
    /// sources exposure checks ask about.
    pub fn internet_hosts(&self) -> AddrSet {
        self.internet()
            .subtract(&self.virtual_network)
            .subtract(&host_ip_set())
    }

    /// The `AzureLoadBalancer` tag.
    pub fn azure_load_balancer(&self) -> AddrSet {
        host_ip_set()
    }
}

fn known_is<T: PartialEq + Copy>(value: Option<&Val<T>>, wanted: T) -> bool {
    matches!(value, Some(Val::Known(v)) if *v == wanted)
}

/// The parseable prefixes of an address list, and whether any part of it was unknown.
fn known_prefixes(list: Option<&vnetlint_ir::AttrList<String>>) -> (AddrSet, bool) {
    let Some(list) = list else {
        return (AddrSet::empty(), true);
    };
    let Val::Known(items) = &list.value else {
        return (AddrSet::empty(), true);
    };
    let mut set = AddrSet::empty();
    let mut partial = false;
    for item in items {
        match item.get().and_then(|text| AddrSet::parse(text)) {
            Some(prefix) => set = set.union(&prefix),
            None => partial = true,
        }
    }
    (set, partial)
}

pub(crate) fn internet_set() -> AddrSet {
    // Built once per process: every NSG compilation asks for it (its default rules).
    static INTERNET: std::sync::LazyLock<AddrSet> = std::sync::LazyLock::new(|| {
        let excluded = AddrSet::cidrs(&[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/4",
            "240.0.0.0/4",
            AZURE_HOST_IP,
        ]);
        AddrSet::all_v4()
            .subtract(&excluded)
            .union(&AddrSet::cidrs(&["2000::/3"]))
    });
    INTERNET.clone()
}

/// The set of 168.63.129.16 alone (parsed once per process).
pub(crate) fn host_ip_set() -> AddrSet {
    static HOST: std::sync::LazyLock<AddrSet> =
        std::sync::LazyLock::new(|| AddrSet::cidrs(&[AZURE_HOST_IP]));
    HOST.clone()
}

/// Service tags whose contents are published by Microsoft and change weekly; the engine treats
/// each as an unknown subset of `Internet`. A regional form `Tag.Region` is accepted for each.
pub const OPAQUE_TAGS: &[&str] = &[
    "ActionGroup",
    "ApiManagement",
    "AppConfiguration",
    "AppService",
    "AppServiceManagement",
    "ApplicationInsightsAvailability",
    "AzureActiveDirectory",
    "AzureActiveDirectoryDomainServices",
    "AzureAdvancedThreatProtection",
    "AzureArcInfrastructure",
    "AzureAttestation",
    "AzureBackup",
    "AzureBotService",
    "AzureCloud",
    "AzureCognitiveSearch",
    "AzureConnectors",
    "AzureContainerRegistry",
    "AzureCosmosDB",
    "AzureDatabricks",
    "AzureDataExplorerManagement",
    "AzureDataLake",
    "AzureDevOps",
    "AzureDigitalTwins",
    "AzureEventGrid",
    "AzureFrontDoor.Backend",
    "AzureFrontDoor.FirstParty",
    "AzureFrontDoor.Frontend",
    "AzureInformationProtection",
    "AzureIoTHub",
    "AzureKeyVault",
    "AzureMachineLearning",
    "AzureMonitor",
    "AzureOpenDatasets",
    "AzurePlatformDNS",
    "AzurePlatformIMDS",
    "AzurePlatformLKM",
    "AzureResourceManager",
    "AzureSentinel",
    "AzureSignalR",
    "AzureSiteRecovery",
    "AzureSpringCloud",
    "AzureStack",
    "AzureTrafficManager",
    "AzureUpdateDelivery",
    "AzureWebPubSub",
    "BatchNodeManagement",
    "CognitiveServicesFrontend",
    "CognitiveServicesManagement",
    "DataFactory",
    "DataFactoryManagement",
    "Dynamics365ForMarketingEmail",
    "ElasticAfs",
    "EventHub",
    "GatewayManager",
    "GuestAndHybridManagement",
    "HDInsight",
    "LogicApps",
    "LogicAppsManagement",
    "MicrosoftCloudAppSecurity",
    "MicrosoftContainerRegistry",
    "PowerBI",
    "PowerPlatformInfra",
    "PowerQueryOnline",
    "ServiceBus",
    "ServiceFabric",
    "Sql",
    "SqlManagement",
    "Storage",
    "StorageSyncService",
    "WindowsAdminCenter",
    "WindowsVirtualDesktop",
];

/// The three tags the engine can expand itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StructuralTag {
    VirtualNetwork,
    Internet,
    AzureLoadBalancer,
}

impl StructuralTag {
    pub fn name(self) -> &'static str {
        match self {
            StructuralTag::VirtualNetwork => "VirtualNetwork",
            StructuralTag::Internet => "Internet",
            StructuralTag::AzureLoadBalancer => "AzureLoadBalancer",
        }
    }

    pub fn expand(self, tags: &TagContext) -> AddrSet {
        match self {
            StructuralTag::VirtualNetwork => tags.virtual_network.clone(),
            StructuralTag::Internet => tags.internet(),
            StructuralTag::AzureLoadBalancer => tags.azure_load_balancer(),
        }
    }
}

/// What a tag-like address token names. Tags compare case-insensitively in both dialects:
/// Azure accepts `internet` (spec §1.3), and Terraform passes the text through unvalidated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagLookup {
    Structural(StructuralTag),
    /// A known opaque tag, in its canonical spelling (`Storage.WestUS`).
    Opaque(String),
    /// A classic (ASM) spelling such as `VIRTUAL_NETWORK`, with the Resource Manager one.
    Classic(&'static str),
    Unknown,
}

pub fn lookup_tag(text: &str) -> TagLookup {
    for tag in [
        StructuralTag::VirtualNetwork,
        StructuralTag::Internet,
        StructuralTag::AzureLoadBalancer,
    ] {
        if text.eq_ignore_ascii_case(tag.name()) {
            return TagLookup::Structural(tag);
        }
    }
    // `INTERNET` is both the classic spelling and a case variant of `Internet`, which Azure
    // accepts case-insensitively; only the underscore spellings are unambiguously classic.
    if text.eq_ignore_ascii_case("VIRTUAL_NETWORK") {
        return TagLookup::Classic("VirtualNetwork");
    }
    if text.eq_ignore_ascii_case("AZURE_LOADBALANCER") {
        return TagLookup::Classic("AzureLoadBalancer");
    }
    if let Some(tag) = OPAQUE_TAGS.iter().find(|t| t.eq_ignore_ascii_case(text)) {
        return TagLookup::Opaque((*tag).to_string());
    }
    // Regional form: split at the last dot so that `AzureFrontDoor.Backend` stays whole and
    // `AzureCloud.EastUS2` names the region.
    if let Some((base, region)) = text.rsplit_once('.')
        && !region.is_empty()
        && region.bytes().all(|b| b.is_ascii_alphanumeric())
        && let Some(tag) = OPAQUE_TAGS.iter().find(|t| t.eq_ignore_ascii_case(base))
    {
        return TagLookup::Opaque(format!("{tag}.{region}"));
    }
    TagLookup::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internet_excludes_private_space() {
        let internet = internet_set();
        for private in [
            "10.1.2.3",
            "192.168.5.5",
            "172.20.0.1",
            "100.64.0.1",
            "127.0.0.1",
        ] {
            assert!(!internet.contains(private.parse().unwrap()), "{private}");
        }
        assert!(!internet.contains("168.63.129.16".parse().unwrap()));
        for public in ["8.8.8.8", "203.0.113.7", "2001:db8::1"] {
            assert!(internet.contains(public.parse().unwrap()), "{public}");
        }
        assert!(!internet.contains("fd00::1".parse().unwrap()));
    }

    #[test]
    fn tag_lookup_is_case_insensitive_and_knows_regions() {
        assert_eq!(
            lookup_tag("internet"),
            TagLookup::Structural(StructuralTag::Internet)
        );
        assert_eq!(
            lookup_tag("storage.westus"),
            TagLookup::Opaque("Storage.westus".into())
        );
        assert_eq!(
            lookup_tag("AzureFrontDoor.Backend"),
            TagLookup::Opaque("AzureFrontDoor.Backend".into())
        );
        assert_eq!(
            lookup_tag("VIRTUAL_NETWORK"),
            TagLookup::Classic("VirtualNetwork")
        );
        assert_eq!(lookup_tag("Internet.WestUS"), TagLookup::Unknown);
        assert_eq!(lookup_tag("Nope"), TagLookup::Unknown);
    }
}
