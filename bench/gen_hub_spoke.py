#!/usr/bin/env python3
# Generates the hub-spoke routing scale point of bench/hub_spoke.py deterministically (issue 15).
"""Writes one Terraform root module under OUT: a hub VNet with Azure Firewall and SPOKES spoke
VNets of SUBNETS subnets each, all routed through the firewall.

    bench/gen_hub_spoke.py OUT [--spokes 50] [--subnets 20]

OUT/hub.tf: the hub VNet 10.0.0.0/16 (AzureFirewallSubnet 10.0.1.0/26, a shared-services
subnet with a DNS server NIC at 10.0.2.4), the firewall's public IP, a firewall policy, the
firewall (its private address assigned by Azure, 10.0.1.4) and one rule collection group: a DNAT
collection (TCP 50443 on the firewall's public IP to 10.1.1.4:443) and a network collection
allowing spoke-to-spoke TCP 1433, TCP 443 and 8443, ICMP, and UDP 53 to the DNS server. Nothing
else: spoke-to-spoke TCP 22 or 8080, for example, meets the firewall's default deny.

OUT/spoke-NN.tf, one per spoke i (1..SPOKES): the VNet 10.i.0.0/16 peered with the hub in both
directions (allow_forwarded_traffic on both sides), a route table with 0.0.0.0/0 to the
firewall (`azurerm_firewall.hub.ip_configuration[0].private_ip_address`), and per subnet j
(1..SUBNETS) the subnet 10.i.j.0/24, its NSG (inline rules: SQL, HTTPS and 8080 from
VirtualNetwork, SSH from the hub's shared-services subnet, a deny of everything else from the
Internet, and a fifth rule by j mod 4: allow 8443 from VirtualNetwork, allow 80 from
AzureLoadBalancer, deny 8443 from VirtualNetwork (so j = 2, 6, ... refuse what the firewall lets
through), allow ICMP from VirtualNetwork), the NSG and route table associations, and one NIC at
10.i.j.4 (`azurerm_network_interface.sII_nJJ`).

One root module, not a corpus of independent ones as bench/gen_corpus.py writes: the point is
one network whose paths cross peerings and the firewall, so every spoke must be in the same
analysis unit as the hub. The same arguments always give byte-identical files (no randomness).
"""
import argparse
import shutil
from pathlib import Path

HUB_PREFIX = "10.0.0.0/16"
FIREWALL_SUBNET = "10.0.1.0/26"
SHARED_SUBNET = "10.0.2.0/24"
DNS_SERVER = "10.0.2.4"


def spoke_space(i):
    return f"10.{i}.0.0/16"


def hcl_list(items):
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def hub_tf(spokes):
    spaces = hcl_list(spoke_space(i) for i in range(1, spokes + 1))
    return f'''# The hub of the hub-spoke scale point: Azure Firewall between {spokes} spokes.
resource "azurerm_resource_group" "net" {{
  name     = "rg-hub-spoke"
  location = "westeurope"
}}

resource "azurerm_virtual_network" "hub" {{
  name                = "vnet-hub"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  address_space       = ["{HUB_PREFIX}"]
}}

resource "azurerm_subnet" "firewall" {{
  name                 = "AzureFirewallSubnet"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["{FIREWALL_SUBNET}"]
}}

resource "azurerm_subnet" "shared" {{
  name                 = "snet-shared"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = ["{SHARED_SUBNET}"]
}}

resource "azurerm_network_interface" "dns" {{
  name                = "nic-dns"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name

  ip_configuration {{
    name                          = "primary"
    subnet_id                     = azurerm_subnet.shared.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "{DNS_SERVER}"
  }}
}}

resource "azurerm_public_ip" "firewall" {{
  name                = "pip-fw-hub"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  allocation_method   = "Static"
  sku                 = "Standard"
}}

resource "azurerm_firewall_policy" "hub" {{
  name                = "fwp-hub"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
}}

resource "azurerm_firewall" "hub" {{
  name                = "fw-hub"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  sku_name            = "AZFW_VNet"
  sku_tier            = "Standard"
  firewall_policy_id  = azurerm_firewall_policy.hub.id

  ip_configuration {{
    name                 = "default"
    subnet_id            = azurerm_subnet.firewall.id
    public_ip_address_id = azurerm_public_ip.firewall.id
  }}
}}

locals {{
  spoke_spaces = {spaces}
}}

resource "azurerm_firewall_policy_rule_collection_group" "hub" {{
  name               = "rcg-hub"
  firewall_policy_id = azurerm_firewall_policy.hub.id
  priority           = 200

  nat_rule_collection {{
    name     = "inbound"
    priority = 100
    action   = "Dnat"

    rule {{
      name                = "https-to-spoke-1"
      protocols           = ["TCP"]
      source_addresses    = ["*"]
      destination_address = azurerm_public_ip.firewall.ip_address
      destination_ports   = ["50443"]
      translated_address  = "10.1.1.4"
      translated_port     = "443"
    }}
  }}

  network_rule_collection {{
    name     = "spoke-to-spoke"
    priority = 300
    action   = "Allow"

    rule {{
      name                  = "sql"
      protocols             = ["TCP"]
      source_addresses      = local.spoke_spaces
      destination_addresses = local.spoke_spaces
      destination_ports     = ["1433"]
    }}

    rule {{
      name                  = "https"
      protocols             = ["TCP"]
      source_addresses      = local.spoke_spaces
      destination_addresses = local.spoke_spaces
      destination_ports     = ["443", "8443"]
    }}

    rule {{
      name                  = "ping"
      protocols             = ["ICMP"]
      source_addresses      = local.spoke_spaces
      destination_addresses = local.spoke_spaces
      destination_ports     = ["*"]
    }}

    rule {{
      name                  = "dns"
      protocols             = ["UDP", "TCP"]
      source_addresses      = local.spoke_spaces
      destination_addresses = ["{DNS_SERVER}"]
      destination_ports     = ["53"]
    }}
  }}
}}
'''


def nsg_rule(name, priority, access, protocol, port, source):
    return f'''
  security_rule {{
    name                       = "{name}"
    priority                   = {priority}
    direction                  = "Inbound"
    access                     = "{access}"
    protocol                   = "{protocol}"
    source_port_range          = "*"
    destination_port_range     = "{port}"
    source_address_prefix      = "{source}"
    destination_address_prefix = "*"
  }}
'''


def spoke_tf(i, subnets):
    s = f"s{i:02d}"
    out = f'''# Spoke {i} of the hub-spoke scale point: {spoke_space(i)}, {subnets} subnets, 0.0.0.0/0 to the hub firewall.
resource "azurerm_virtual_network" "{s}" {{
  name                = "vnet-spoke-{i:02d}"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
  address_space       = ["{spoke_space(i)}"]
}}

resource "azurerm_virtual_network_peering" "hub_to_{s}" {{
  name                      = "hub-to-spoke-{i:02d}"
  resource_group_name       = azurerm_resource_group.net.name
  virtual_network_name      = azurerm_virtual_network.hub.name
  remote_virtual_network_id = azurerm_virtual_network.{s}.id
  allow_forwarded_traffic   = true
}}

resource "azurerm_virtual_network_peering" "{s}_to_hub" {{
  name                      = "spoke-{i:02d}-to-hub"
  resource_group_name       = azurerm_resource_group.net.name
  virtual_network_name      = azurerm_virtual_network.{s}.name
  remote_virtual_network_id = azurerm_virtual_network.hub.id
  allow_forwarded_traffic   = true
}}

resource "azurerm_route_table" "{s}" {{
  name                = "rt-spoke-{i:02d}"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name

  route {{
    name                   = "default-to-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = azurerm_firewall.hub.ip_configuration[0].private_ip_address
  }}
}}
'''
    for j in range(1, subnets + 1):
        n = f"{s}_n{j:02d}"
        # A fifth rule that differs by tier, so that the NSGs are not all one rule set.
        fifth = [
            nsg_rule("allow-https-alt-from-vnet", 140, "Allow", "Tcp", "8443", "VirtualNetwork"),
            nsg_rule("allow-lb-probe", 140, "Allow", "Tcp", "80", "AzureLoadBalancer"),
            nsg_rule("deny-https-alt-from-vnet", 140, "Deny", "Tcp", "8443", "VirtualNetwork"),
            nsg_rule("allow-icmp-from-vnet", 140, "Allow", "Icmp", "*", "VirtualNetwork"),
        ][j % 4]
        rules = (nsg_rule("allow-sql-from-vnet", 100, "Allow", "Tcp", "1433", "VirtualNetwork")
                 + nsg_rule("allow-https-from-vnet", 110, "Allow", "Tcp", "443", "VirtualNetwork")
                 + nsg_rule("allow-app-from-vnet", 120, "Allow", "Tcp", "8080", "VirtualNetwork")
                 + nsg_rule("allow-ssh-from-shared", 130, "Allow", "Tcp", "22", SHARED_SUBNET)
                 + fifth
                 + nsg_rule("deny-internet", 4000, "Deny", "*", "*", "Internet"))
        out += f'''
resource "azurerm_subnet" "{n}" {{
  name                 = "snet-{i:02d}-{j:02d}"
  resource_group_name  = azurerm_resource_group.net.name
  virtual_network_name = azurerm_virtual_network.{s}.name
  address_prefixes     = ["10.{i}.{j}.0/24"]
}}

resource "azurerm_network_security_group" "{n}" {{
  name                = "nsg-{i:02d}-{j:02d}"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name
{rules}}}

resource "azurerm_subnet_network_security_group_association" "{n}" {{
  subnet_id                 = azurerm_subnet.{n}.id
  network_security_group_id = azurerm_network_security_group.{n}.id
}}

resource "azurerm_subnet_route_table_association" "{n}" {{
  subnet_id      = azurerm_subnet.{n}.id
  route_table_id = azurerm_route_table.{s}.id
}}

resource "azurerm_network_interface" "{n}" {{
  name                = "nic-{i:02d}-{j:02d}"
  location            = azurerm_resource_group.net.location
  resource_group_name = azurerm_resource_group.net.name

  ip_configuration {{
    name                          = "primary"
    subnet_id                     = azurerm_subnet.{n}.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.{i}.{j}.4"
  }}
}}
'''
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--spokes", type=int, default=50)
    parser.add_argument("--subnets", type=int, default=20)
    args = parser.parse_args()
    if not 1 <= args.spokes <= 250 or not 1 <= args.subnets <= 250:
        parser.error("--spokes and --subnets must be within 1..250 (10.i.j.0/24 addressing)")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    (args.out / "hub.tf").write_text(hub_tf(args.spokes))
    for i in range(1, args.spokes + 1):
        (args.out / f"spoke-{i:02d}.tf").write_text(spoke_tf(i, args.subnets))
    print(f"{args.out}: 1 hub with Azure Firewall, {args.spokes} spokes x {args.subnets} subnets "
          f"({args.spokes * args.subnets} subnets, NSGs and NICs)")


if __name__ == "__main__":
    main()
