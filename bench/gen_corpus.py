#!/usr/bin/env python3
# Generates the benchmark corpus of bench/compare.sh deterministically (issue 8, items 5 and 6).
"""Writes N Terraform root modules and M ARM templates of realistic shape under OUT.

    bench/gen_corpus.py OUT [--modules 1000] [--arm 200] [--seed 8]

Each Terraform module (OUT/terraform/mod-NNNN/: main.tf, network.tf, compute.tf,
variables.tf, outputs.tf) holds what a workload's network module holds: a resource group,
a VNet with three subnets (explicit or `for_each` over a local map), two NSGs (one with inline
`security_rule` blocks, one with standalone `azurerm_network_security_rule` resources, some
with `count` or list-valued prefixes), subnet associations, a route table, a public IP, NICs
and Linux VMs under `count`, a storage account with network rules, variables with defaults,
locals (`merge`, `cidrsubnet`, templates) and outputs. About 8 NSG rules per module, so several
hundred per 50 modules, a few of them deliberately open (SSH or RDP from the Internet) so that
the tools have findings to report.

Each ARM template (OUT/arm/tpl-NNN/azuredeploy.json) declares parameters, variables, a VNet
with subnets, an NSG whose rules come partly from a `copy` loop, a public IP and a NIC, with
the expression language (`concat`, `resourceId`, `parameters`, `variables`, `copyIndex`).

Every 4th module and template (index 0, 4, 8, ...) also has a public Standard load balancer
(network_lb.tf: frontend on its own public IP, backend pool of the application VMs' NICs, a
health probe, HTTP/HTTPS rules, an inbound NAT rule to SSH on the first VM, and the NSG rules
that admit them), and every 10th (0, 10, 20, ...) Virtual Network Manager security admin rules
over its VNet (network_manager.tf: manager, network group with the VNet as static member,
security admin configuration, rule collection, AlwaysAllow/Deny/Allow rules and, in Terraform,
the deployment that commits them). These additions draw from random streams of their own, so
the files and resources every module and template had before are unchanged.

Module and template i depend only on (seed, i), not on N, so the corpus of 250 modules is the
first quarter of the corpus of 1,000: the scale runs of item 6 time growing prefixes of one
corpus. The same arguments always give byte-identical files.
"""
import argparse
import json
import random
import shutil
from pathlib import Path

APPS = ["web", "api", "billing", "search", "crm", "erp", "portal", "batch", "etl", "auth",
        "media", "ledger", "catalog", "orders", "report"]
REGIONS = ["westeurope", "northeurope", "eastus2", "westus2", "uksouth", "francecentral",
           "germanywestcentral", "swedencentral"]
ENVS = ["dev", "test", "staging", "prod"]
PORTS = [22, 80, 443, 1433, 3306, 3389, 5432, 5985, 5986, 6379, 8080, 8443, 9000, 9200, 27017]
TAGS = ["VirtualNetwork", "AzureLoadBalancer", "Internet", "*", "AzureCloud", "Storage",
        "Sql.WestEurope", "AzureMonitor"]
SIZES = ["Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_E2s_v5"]
# Every LB_EVERY-th module and template (index 0, 4, 8, ...) has a public load balancer, every
# ADMIN_EVERY-th (0, 10, 20, ...) Virtual Network Manager admin rules; every 20th has both.
LB_EVERY = 4
ADMIN_EVERY = 10
# Where administrators come from, for the admin rules' AlwaysAllow: a hub's management subnet,
# or the administrators' public range (the first of the modules' allowed_admin_cidrs).
MANAGEMENT_PREFIXES = ["10.0.0.0/24", "10.0.10.0/24", "198.51.100.0/24"]


def module_rng(seed, index, kind):
    # A separate stream per item, so that item i is the same whatever the corpus size.
    return random.Random(f"{seed}:{kind}:{index}")


def hcl_list(items):
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def rule_fields(rng, octet, allow_open):
    """(protocol, source, source list, destination port, port list, access) of one rule."""
    protocol = rng.choice(["Tcp", "Tcp", "Tcp", "Udp", "*", "Icmp"])
    access = "Allow" if rng.random() < 0.7 else "Deny"
    roll = rng.random()
    if allow_open:
        source, sources = "Internet", None
        access, protocol = "Allow", "Tcp"
    elif roll < 0.35:
        source, sources = rng.choice(TAGS), None
    elif roll < 0.6:
        source, sources = f"10.{octet}.{rng.randrange(1, 4)}.0/24", None
    elif roll < 0.8:
        source, sources = None, [f"203.0.113.{rng.randrange(0, 255)}/32" for _ in range(rng.randrange(2, 5))]
    else:
        source, sources = "var.allowed_admin_cidrs", None
    port_roll = rng.random()
    if allow_open:
        port, ports = str(rng.choice([22, 3389])), None
    elif protocol == "Icmp":
        port, ports = "*", None
    elif port_roll < 0.6:
        port, ports = str(rng.choice(PORTS)), None
    elif port_roll < 0.8:
        low = rng.choice(PORTS)
        port, ports = f"{low}-{low + rng.choice([9, 99, 999])}", None
    else:
        port, ports = None, [str(p) for p in rng.sample(PORTS, rng.randrange(2, 5))]
    return protocol, source, sources, port, ports, access


def source_attr(source, sources, indent):
    if sources is not None:
        return f"{indent}source_address_prefixes    = {hcl_list(sources)}\n"
    if source.startswith("var."):
        return f"{indent}source_address_prefixes    = {source}\n"
    return f'{indent}source_address_prefix      = "{source}"\n'


def port_attr(port, ports, indent):
    if ports is not None:
        return f"{indent}destination_port_ranges    = {hcl_list(ports)}\n"
    return f'{indent}destination_port_range     = "{port}"\n'


def terraform_module(seed, index):
    rng = module_rng(seed, index, "tf")
    app = rng.choice(APPS)
    env = rng.choice(ENVS)
    region = rng.choice(REGIONS)
    octet = index % 250 + 1
    vm_count = rng.randrange(1, 4)
    name = f"{app}-{index:04d}"
    files = {}

    files["variables.tf"] = f'''# Inputs of the {app} workload network ({name}); defaults are the {env} values.
variable "location" {{
  type        = string
  description = "Azure region of every resource of this module."
  default     = "{region}"
}}

variable "environment" {{
  type        = string
  description = "Deployment stage, part of every name and tag."
  default     = "{env}"
}}

variable "address_space" {{
  type        = list(string)
  description = "Address space of the workload VNet; subnets are carved from its first prefix."
  default     = ["10.{octet}.0.0/16"]
}}

variable "allowed_admin_cidrs" {{
  type        = list(string)
  description = "Networks from which administrators reach the jump hosts."
  default     = ["198.51.100.0/24", "192.0.2.{rng.randrange(0, 255)}/32"]
}}

variable "app_port" {{
  type        = number
  description = "Port on which the application tier listens behind the web tier."
  default     = {rng.choice([8080, 8443, 9000, 5000])}
}}

variable "vm_count" {{
  type        = number
  description = "Number of application VMs."
  default     = {vm_count}
}}

variable "vm_size" {{
  type        = string
  description = "Size of the application VMs."
  default     = "{rng.choice(SIZES)}"
}}

variable "admin_username" {{
  type        = string
  description = "Local administrator of the VMs (key-based login only)."
  default     = "azureops"
}}

variable "ssh_public_key" {{
  type        = string
  description = "Public key installed for the administrator."
  default     = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{index:08d}benchmarkkeymaterialonly ops@{name}"
}}

variable "tags" {{
  type        = map(string)
  description = "Tags applied to every resource, merged with the module's own."
  default = {{
    cost_center = "cc-{rng.randrange(1000, 9999)}"
    owner       = "team-{app}"
    data_class  = "{rng.choice(["public", "internal", "confidential"])}"
  }}
}}
'''

    subnets = [("web", 1), ("app", 2), ("data", 3)]
    use_for_each = rng.random() < 0.4
    if use_for_each:
        subnet_block = f'''resource "azurerm_subnet" "tier" {{
  for_each             = local.subnets
  name                 = "snet-${{each.key}}-${{local.prefix}}"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [each.value]
  service_endpoints    = each.key == "data" ? ["Microsoft.Storage", "Microsoft.Sql"] : []
}}
'''
        subnet_ref = {s: f'azurerm_subnet.tier["{s}"]' for s, _ in subnets}
    else:
        subnet_block = ""
        for tier, _ in subnets:
            endpoints = '["Microsoft.Storage", "Microsoft.Sql"]' if tier == "data" else "[]"
            subnet_block += f'''resource "azurerm_subnet" "{tier}" {{
  name                 = "snet-{tier}-${{local.prefix}}"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [local.subnets["{tier}"]]
  service_endpoints    = {endpoints}
}}

'''
        subnet_ref = {s: f"azurerm_subnet.{s}" for s, _ in subnets}

    # The web NSG: inline rules.
    inline = ""
    priority = 100
    for r in range(rng.randrange(3, 7)):
        open_rule = rng.random() < 0.04
        protocol, source, sources, port, ports, access = rule_fields(rng, octet, open_rule)
        inline += f'''
  security_rule {{
    name                       = "{access.lower()}-{protocol.lower().replace("*", "any")}-{r}"
    priority                   = {priority}
    direction                  = "Inbound"
    access                     = "{access}"
    protocol                   = "{protocol}"
    source_port_range          = "*"
{port_attr(port, ports, "    ")}{source_attr(source, sources, "    ")}    destination_address_prefix = "{rng.choice(["VirtualNetwork", f"10.{octet}.1.0/24", "*"])}"
    description                = "Rule {r} of the web tier, reviewed {2020 + rng.randrange(0, 6)}-0{rng.randrange(1, 10)}."
  }}
'''
        priority += rng.choice([10, 10, 20, 100])

    # The app NSG: standalone rules, one of them from a counted list of ports.
    standalone = ""
    priority = 200
    for r in range(rng.randrange(2, 5)):
        protocol, source, sources, port, ports, access = rule_fields(rng, octet, False)
        standalone += f'''resource "azurerm_network_security_rule" "app_{r}" {{
  name                        = "app-{access.lower()}-{r}"
  priority                    = {priority}
  direction                   = "{rng.choice(["Inbound", "Inbound", "Outbound"])}"
  access                      = "{access}"
  protocol                    = "{protocol}"
  source_port_range           = "*"
{port_attr(port, ports, "  ")}{source_attr(source, sources, "  ")}  destination_address_prefix  = local.subnets["app"]
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app.name
}}

'''
        priority += 10
    standalone += f'''resource "azurerm_network_security_rule" "app_port" {{
  count                       = 2
  name                        = "app-port-${{count.index}}"
  priority                    = {priority + 100} + count.index
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = tostring(var.app_port + count.index)
  source_address_prefix       = local.subnets["web"]
  destination_address_prefix  = local.subnets["app"]
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app.name
}}
'''

    files["main.tf"] = f'''# Root module {name}: the {app} workload of the {env} stage in {region}.
terraform {{
  required_version = ">= 1.5"
  required_providers {{
    azurerm = {{
      source  = "hashicorp/azurerm"
      version = "~> 3.110"
    }}
  }}
}}

provider "azurerm" {{
  features {{}}
}}

locals {{
  prefix = "${{var.environment}}-{app}-{index:04d}"
  subnets = {{
{chr(10).join(f'    {tier} = cidrsubnet(var.address_space[0], 8, {n})' for tier, n in subnets)}
  }}
  common_tags = merge(var.tags, {{
    module      = "{name}"
    environment = var.environment
    managed_by  = "terraform"
  }})
}}

resource "azurerm_resource_group" "main" {{
  name     = "rg-${{local.prefix}}"
  location = var.location
  tags     = local.common_tags
}}
'''

    files["network.tf"] = f'''# Network of {name}: the VNet, its subnets, the two NSGs and their associations.
resource "azurerm_virtual_network" "main" {{
  name                = "vnet-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = var.address_space
  dns_servers         = []
  tags                = local.common_tags
}}

{subnet_block}
resource "azurerm_network_security_group" "web" {{
  name                = "nsg-web-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.common_tags
{inline}}}

resource "azurerm_network_security_group" "app" {{
  name                = "nsg-app-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.common_tags
}}

{standalone}
resource "azurerm_subnet_network_security_group_association" "web" {{
  subnet_id                 = {subnet_ref["web"]}.id
  network_security_group_id = azurerm_network_security_group.web.id
}}

resource "azurerm_subnet_network_security_group_association" "app" {{
  subnet_id                 = {subnet_ref["app"]}.id
  network_security_group_id = azurerm_network_security_group.app.id
}}

resource "azurerm_route_table" "main" {{
  name                          = "rt-${{local.prefix}}"
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  disable_bgp_route_propagation = {rng.choice(["true", "false"])}
  tags                          = local.common_tags

  route {{
    name                   = "default-via-firewall"
    address_prefix         = "0.0.0.0/0"
    next_hop_type          = "VirtualAppliance"
    next_hop_in_ip_address = "10.{octet}.0.4"
  }}
}}

resource "azurerm_subnet_route_table_association" "app" {{
  subnet_id      = {subnet_ref["app"]}.id
  route_table_id = azurerm_route_table.main.id
}}

resource "azurerm_storage_account" "data" {{
  name                     = "st{app[:6]}{index:04d}{env[:3]}"
  resource_group_name      = azurerm_resource_group.main.name
  location                 = azurerm_resource_group.main.location
  account_tier             = "Standard"
  account_replication_type = "{rng.choice(["LRS", "ZRS", "GRS"])}"
  min_tls_version          = "TLS1_2"
  tags                     = local.common_tags

  network_rules {{
    default_action             = "{rng.choice(["Deny", "Deny", "Allow"])}"
    ip_rules                   = ["198.51.100.{rng.randrange(0, 255)}"]
    virtual_network_subnet_ids = [{subnet_ref["data"]}.id]
  }}
}}
'''

    files["compute.tf"] = f'''# Compute of {name}: a public IP for the web tier, and the application VMs with their NICs.
resource "azurerm_public_ip" "web" {{
  name                = "pip-web-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]
  tags                = local.common_tags
}}

resource "azurerm_network_interface" "web" {{
  name                = "nic-web-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.common_tags

  ip_configuration {{
    name                          = "primary"
    subnet_id                     = {subnet_ref["web"]}.id
    private_ip_address_allocation = "Static"
    private_ip_address            = "10.{octet}.1.10"
    public_ip_address_id          = azurerm_public_ip.web.id
  }}
}}

resource "azurerm_network_interface" "app" {{
  count               = var.vm_count
  name                = "nic-app-${{local.prefix}}-${{count.index}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.common_tags

  ip_configuration {{
    name                          = "primary"
    subnet_id                     = {subnet_ref["app"]}.id
    private_ip_address_allocation = "Dynamic"
  }}
}}

resource "azurerm_linux_virtual_machine" "app" {{
  count                 = var.vm_count
  name                  = "vm-app-${{local.prefix}}-${{count.index}}"
  location              = azurerm_resource_group.main.location
  resource_group_name   = azurerm_resource_group.main.name
  size                  = var.vm_size
  admin_username        = var.admin_username
  network_interface_ids = [azurerm_network_interface.app[count.index].id]
  tags                  = merge(local.common_tags, {{ role = "app", ordinal = tostring(count.index) }})

  admin_ssh_key {{
    username   = var.admin_username
    public_key = var.ssh_public_key
  }}

  os_disk {{
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
    disk_size_gb         = {rng.choice([30, 64, 128])}
  }}

  source_image_reference {{
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }}

  boot_diagnostics {{}}
}}
'''

    files["outputs.tf"] = f'''# Outputs of {name} for the platform team's inventory.
output "vnet_id" {{
  value = azurerm_virtual_network.main.id
}}

output "subnet_ids" {{
  value = {{ for tier in ["web", "app", "data"] : tier => "${{azurerm_virtual_network.main.id}}/subnets/snet-${{tier}}" }}
}}

output "web_public_ip" {{
  value = azurerm_public_ip.web.ip_address
}}
'''
    if index % LB_EVERY == 0:
        files["network_lb.tf"] = terraform_load_balancer(seed, index, name)
    if index % ADMIN_EVERY == 0:
        files["network_manager.tf"] = terraform_admin_rules(seed, index, name)
    return name, files


def terraform_load_balancer(seed, index, name):
    """A public Standard load balancer in front of the module's application VMs: HTTP and
    HTTPS to the pool of their NICs with a health probe, an inbound NAT rule from a high
    frontend port to SSH on the first VM, and the app NSG rules that admit them (the web ports
    from the Internet, SSH from the administrators' networks only) and deny the rest of the
    Internet. Its own random stream, so that the rest of the module is the same with or
    without it."""
    rng = module_rng(seed, index, "tf-lb")
    probe_protocol = rng.choice(["Http", "Http", "Tcp", "Https"])
    probe_port = 443 if probe_protocol == "Https" else rng.choice([80, 80, 443])
    probe_path = f'\n  request_path        = "{rng.choice(["/healthz", "/health", "/status"])}"' \
        if probe_protocol != "Tcp" else ""
    web_ports = rng.choice([{"http": 80, "https": 443}, {"http": 80, "https": 443}, {"https": 443}])
    nat_port = rng.choice([50022, 50022, 2222, 60022])
    rules_map = "\n".join(f"    {key} = {port}" for key, port in web_ports.items())
    return f'''# Public entry of {name}: a Standard load balancer in front of the application VMs (the web
# ports to every VM, SSH to the first one on a NAT port for the administrators).
resource "azurerm_public_ip" "lb" {{
  name                = "pip-lb-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]
  tags                = local.common_tags
}}

resource "azurerm_lb" "app" {{
  name                = "lb-app-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "Standard"
  tags                = local.common_tags

  frontend_ip_configuration {{
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.lb.id
  }}
}}

resource "azurerm_lb_backend_address_pool" "app" {{
  name            = "pool-app"
  loadbalancer_id = azurerm_lb.app.id
}}

resource "azurerm_lb_probe" "app" {{
  name                = "probe-{probe_protocol.lower()}-{probe_port}"
  loadbalancer_id     = azurerm_lb.app.id
  protocol            = "{probe_protocol}"
  port                = {probe_port}{probe_path}
  interval_in_seconds = {rng.choice([5, 15])}
  number_of_probes    = 2
}}

resource "azurerm_lb_rule" "app" {{
  for_each = {{
{rules_map}
  }}
  name                           = "tcp-${{each.key}}"
  loadbalancer_id                = azurerm_lb.app.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port                  = each.value
  backend_port                   = each.value
  backend_address_pool_ids       = [azurerm_lb_backend_address_pool.app.id]
  probe_id                       = azurerm_lb_probe.app.id
  disable_outbound_snat          = true
  idle_timeout_in_minutes        = {rng.choice([4, 4, 15])}
}}

resource "azurerm_lb_nat_rule" "ssh" {{
  name                           = "ssh-vm0"
  resource_group_name            = azurerm_resource_group.main.name
  loadbalancer_id                = azurerm_lb.app.id
  frontend_ip_configuration_name = "public"
  protocol                       = "Tcp"
  frontend_port                  = {nat_port}
  backend_port                   = 22
}}

resource "azurerm_network_interface_backend_address_pool_association" "app" {{
  count                   = var.vm_count
  network_interface_id    = azurerm_network_interface.app[count.index].id
  ip_configuration_name   = "primary"
  backend_address_pool_id = azurerm_lb_backend_address_pool.app.id
}}

resource "azurerm_network_interface_nat_rule_association" "ssh" {{
  network_interface_id  = azurerm_network_interface.app[0].id
  ip_configuration_name = "primary"
  nat_rule_id           = azurerm_lb_nat_rule.ssh.id
}}

resource "azurerm_network_security_rule" "app_lb_web" {{
  name                        = "allow-lb-web"
  priority                    = 400
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = {hcl_list(str(port) for port in web_ports.values())}
  source_address_prefix       = "Internet"
  destination_address_prefix  = local.subnets["app"]
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app.name
}}

resource "azurerm_network_security_rule" "app_ssh_admin" {{
  name                        = "allow-ssh-admin"
  priority                    = 410
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefixes     = var.allowed_admin_cidrs
  destination_address_prefix  = local.subnets["app"]
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app.name
}}

# The subnet's 0.0.0.0/0 route makes `VirtualNetwork` every address, so without this the default
# AllowVnetInBound would admit the Internet on every port the load balancer forwards.
resource "azurerm_network_security_rule" "app_deny_internet" {{
  name                        = "deny-internet-inbound"
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Deny"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_resource_group.main.name
  network_security_group_name = azurerm_network_security_group.app.name
}}

output "lb_public_ip" {{
  value = azurerm_public_ip.lb.ip_address
}}
'''


def terraform_admin_rules(seed, index, name):
    """Virtual Network Manager security admin rules over the module's VNet: a manager scoped to
    the subscription, a network group with the VNet as static member, a security admin
    configuration with one rule collection (AlwaysAllow of SSH and RDP from a management
    prefix, Deny of SSH and RDP from the Internet, Allow of HTTPS handed on to the NSGs), and
    the deployment that commits it. Its own random stream, as the load balancer's."""
    rng = module_rng(seed, index, "tf-vnm")
    management = rng.choice(MANAGEMENT_PREFIXES)
    denied = rng.choice([["22", "3389"], ["22", "3389", "5985-5986"]])
    return f'''# Security admin baseline of {name}: a Virtual Network Manager whose admin rules apply to the
# workload VNet before its NSGs (management from {management} always allowed, SSH and RDP from the
# Internet denied whatever the NSGs say).
data "azurerm_subscription" "current" {{}}

resource "azurerm_network_manager" "main" {{
  name                = "vnm-${{local.prefix}}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  scope_accesses      = ["SecurityAdmin"]
  description         = "Security admin rules of {name}."
  tags                = local.common_tags

  scope {{
    subscription_ids = [data.azurerm_subscription.current.id]
  }}
}}

resource "azurerm_network_manager_network_group" "workload" {{
  name               = "ng-${{local.prefix}}"
  network_manager_id = azurerm_network_manager.main.id
  description        = "The workload VNet of {name}."
}}

resource "azurerm_network_manager_static_member" "vnet" {{
  name                      = "member-vnet-main"
  network_group_id          = azurerm_network_manager_network_group.workload.id
  target_virtual_network_id = azurerm_virtual_network.main.id
}}

resource "azurerm_network_manager_security_admin_configuration" "baseline" {{
  name               = "sac-baseline"
  network_manager_id = azurerm_network_manager.main.id
  description        = "Baseline admin rules, evaluated before the NSGs."
}}

resource "azurerm_network_manager_admin_rule_collection" "baseline" {{
  name                            = "rc-baseline"
  security_admin_configuration_id = azurerm_network_manager_security_admin_configuration.baseline.id
  network_group_ids               = [azurerm_network_manager_network_group.workload.id]
}}

resource "azurerm_network_manager_admin_rule" "management" {{
  name                     = "always-allow-management"
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.baseline.id
  action                   = "AlwaysAllow"
  direction                = "Inbound"
  priority                 = 10
  protocol                 = "Tcp"
  destination_port_ranges  = ["22", "3389"]
  description              = "Management hosts reach every VM whatever the NSGs say."

  source {{
    address_prefix_type = "IPPrefix"
    address_prefix      = "{management}"
  }}

  destination {{
    address_prefix_type = "IPPrefix"
    address_prefix      = "*"
  }}
}}

resource "azurerm_network_manager_admin_rule" "deny_internet_management" {{
  name                     = "deny-internet-management"
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.baseline.id
  action                   = "Deny"
  direction                = "Inbound"
  priority                 = 100
  protocol                 = "Tcp"
  destination_port_ranges  = {hcl_list(denied)}
  description              = "No management port from the Internet, whatever the NSGs say."

  source {{
    address_prefix_type = "ServiceTag"
    address_prefix      = "Internet"
  }}

  destination {{
    address_prefix_type = "IPPrefix"
    address_prefix      = "*"
  }}
}}

resource "azurerm_network_manager_admin_rule" "https" {{
  name                     = "allow-https"
  admin_rule_collection_id = azurerm_network_manager_admin_rule_collection.baseline.id
  action                   = "Allow"
  direction                = "Inbound"
  priority                 = 200
  protocol                 = "Tcp"
  destination_port_ranges  = ["443"]
  description              = "HTTPS is handed on to the NSGs."

  source {{
    address_prefix_type = "ServiceTag"
    address_prefix      = "Internet"
  }}

  destination {{
    address_prefix_type = "IPPrefix"
    address_prefix      = "*"
  }}
}}

resource "azurerm_network_manager_deployment" "security_admin" {{
  network_manager_id = azurerm_network_manager.main.id
  location           = azurerm_resource_group.main.location
  scope_access       = "SecurityAdmin"
  configuration_ids  = [azurerm_network_manager_security_admin_configuration.baseline.id]
}}
'''


def arm_template(seed, index):
    rng = module_rng(seed, index, "arm")
    app = rng.choice(APPS)
    octet = index % 250 + 1
    rules = []
    priority = 100
    for r in range(rng.randrange(3, 7)):
        protocol, source, sources, port, ports, access = rule_fields(rng, octet, rng.random() < 0.04)
        props = {
            "priority": priority,
            "direction": "Inbound",
            "access": access,
            "protocol": protocol,
            "sourcePortRange": "*",
            "destinationAddressPrefix": "VirtualNetwork",
        }
        if sources is not None:
            props["sourceAddressPrefixes"] = sources
        elif source.startswith("var."):
            props["sourceAddressPrefixes"] = "[parameters('allowedAdminCidrs')]"
        else:
            props["sourceAddressPrefix"] = source
        if ports is not None:
            props["destinationPortRanges"] = ports
        else:
            props["destinationPortRange"] = port
        rules.append({"name": f"{access.lower()}-{r}", "properties": props})
        priority += 10
    vnet_name = "[concat('vnet-', parameters('environment'), '-', variables('app'))]"
    nsg_id = "[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]"
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "metadata": {"description": f"Network of the {app} workload, template {index:03d}."},
        "parameters": {
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
            "environment": {"type": "string", "defaultValue": rng.choice(ENVS),
                            "allowedValues": ENVS},
            "allowedAdminCidrs": {"type": "array", "defaultValue": ["198.51.100.0/24"]},
            "appPorts": {"type": "array", "defaultValue": [str(p) for p in rng.sample(PORTS, 3)]},
            "adminPassword": {"type": "securestring"},
        },
        "variables": {
            "app": app,
            "nsgName": f"[concat('nsg-', parameters('environment'), '-{app}-{index:03d}')]",
            "addressSpace": f"10.{octet}.0.0/16",
            "subnets": [
                {"name": "web", "prefix": f"10.{octet}.1.0/24"},
                {"name": "app", "prefix": f"10.{octet}.2.0/24"},
                {"name": "data", "prefix": f"10.{octet}.3.0/24"},
            ],
        },
        "resources": [
            {
                "type": "Microsoft.Network/networkSecurityGroups",
                "apiVersion": "2023-09-01",
                "name": "[variables('nsgName')]",
                "location": "[parameters('location')]",
                "properties": {
                    "securityRules": rules,
                },
            },
            {
                "type": "Microsoft.Network/networkSecurityGroups/securityRules",
                "apiVersion": "2023-09-01",
                "name": "[concat(variables('nsgName'), '/app-port-', copyIndex())]",
                "copy": {"name": "appPorts", "count": "[length(parameters('appPorts'))]"},
                "dependsOn": [nsg_id],
                "properties": {
                    "priority": "[add(1000, copyIndex())]",
                    "direction": "Inbound",
                    "access": "Allow",
                    "protocol": "Tcp",
                    "sourcePortRange": "*",
                    "destinationPortRange": "[parameters('appPorts')[copyIndex()]]",
                    "sourceAddressPrefix": "[variables('subnets')[0].prefix]",
                    "destinationAddressPrefix": "[variables('subnets')[1].prefix]",
                },
            },
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2023-09-01",
                "name": vnet_name,
                "location": "[parameters('location')]",
                "dependsOn": [nsg_id],
                "properties": {
                    "addressSpace": {"addressPrefixes": ["[variables('addressSpace')]"]},
                    "copy": [{
                        "name": "subnets",
                        "count": "[length(variables('subnets'))]",
                        "input": {
                            "name": "[variables('subnets')[copyIndex('subnets')].name]",
                            "properties": {
                                "addressPrefix": "[variables('subnets')[copyIndex('subnets')].prefix]",
                                "networkSecurityGroup": "[if(equals(copyIndex('subnets'), 2), json('null'), createObject('id', " + nsg_id[1:-1] + "))]",
                            },
                        },
                    }],
                },
            },
            {
                "type": "Microsoft.Network/publicIPAddresses",
                "apiVersion": "2023-09-01",
                "name": f"[concat('pip-', variables('app'), '-{index:03d}')]",
                "location": "[parameters('location')]",
                "sku": {"name": "Standard"},
                "properties": {"publicIPAllocationMethod": "Static"},
            },
            {
                "type": "Microsoft.Network/networkInterfaces",
                "apiVersion": "2023-09-01",
                "name": f"[concat('nic-', variables('app'), '-{index:03d}')]",
                "location": "[parameters('location')]",
                "dependsOn": [vnet_name.replace("[concat(", "[resourceId('Microsoft.Network/virtualNetworks', concat(", 1)[:-1] + ")]"],
                "properties": {
                    "ipConfigurations": [{
                        "name": "primary",
                        "properties": {
                            "privateIPAllocationMethod": "Dynamic",
                            "subnet": {"id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', concat('vnet-', parameters('environment'), '-', variables('app')), 'web')]"},
                            "publicIPAddress": {"id": f"[resourceId('Microsoft.Network/publicIPAddresses', concat('pip-', variables('app'), '-{index:03d}'))]"},
                        },
                    }],
                },
            },
        ],
        "outputs": {
            "nsgId": {"type": "string", "value": nsg_id},
        },
    }
    if index % LB_EVERY == 0:
        arm_load_balancer(seed, index, template)
    if index % ADMIN_EVERY == 0:
        arm_admin_rules(seed, index, template)
    return f"tpl-{index:03d}", json.dumps(template, indent=2) + "\n"


def arm_load_balancer(seed, index, template):
    """Adds to `template` a public Standard load balancer with inline frontend, backend pool,
    probe, HTTP/HTTPS rules and an SSH NAT rule, makes the NIC's ip configuration a member of
    the pool and the NAT rule, and adds the NSG rules that admit them (as the Terraform
    modules' `terraform_load_balancer`; its own random stream)."""
    rng = module_rng(seed, index, "arm-lb")
    template["variables"]["lbName"] = f"[concat('lb-', parameters('environment'), '-', variables('app'), '-{index:03d}')]"
    pip_name = f"[concat('pip-lb-', variables('app'), '-{index:03d}')]"
    pip_id = f"[resourceId('Microsoft.Network/publicIPAddresses', concat('pip-lb-', variables('app'), '-{index:03d}'))]"
    lb_id = "[resourceId('Microsoft.Network/loadBalancers', variables('lbName'))]"

    def child(kind, name):
        return {"id": f"[resourceId('Microsoft.Network/loadBalancers/{kind}', variables('lbName'), '{name}')]"}

    probe_protocol = rng.choice(["Http", "Http", "Tcp", "Https"])
    probe_port = 443 if probe_protocol == "Https" else rng.choice([80, 80, 443])
    probe = {"protocol": probe_protocol, "port": probe_port, "intervalInSeconds": rng.choice([5, 15]),
             "numberOfProbes": 2}
    if probe_protocol != "Tcp":
        probe["requestPath"] = rng.choice(["/healthz", "/health", "/status"])
    web_ports = rng.choice([{"http": 80, "https": 443}, {"http": 80, "https": 443}, {"https": 443}])
    nat_port = rng.choice([50022, 50022, 2222, 60022])
    frontend = child("frontendIPConfigurations", "public")
    template["resources"].append({
        "type": "Microsoft.Network/publicIPAddresses",
        "apiVersion": "2023-09-01",
        "name": pip_name,
        "location": "[parameters('location')]",
        "sku": {"name": "Standard", "tier": "Regional"},
        "zones": ["1", "2", "3"],
        "properties": {"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"},
    })
    template["resources"].append({
        "type": "Microsoft.Network/loadBalancers",
        "apiVersion": "2023-09-01",
        "name": "[variables('lbName')]",
        "location": "[parameters('location')]",
        "sku": {"name": "Standard", "tier": "Regional"},
        "dependsOn": [pip_id],
        "properties": {
            "frontendIPConfigurations": [{
                "name": "public",
                "properties": {"publicIPAddress": {"id": pip_id}},
            }],
            "backendAddressPools": [{"name": "pool-web"}],
            "probes": [{"name": f"probe-{probe_protocol.lower()}-{probe_port}", "properties": probe}],
            "loadBalancingRules": [{
                "name": f"tcp-{key}",
                "properties": {
                    "frontendIPConfiguration": frontend,
                    "backendAddressPool": child("backendAddressPools", "pool-web"),
                    "probe": child("probes", f"probe-{probe_protocol.lower()}-{probe_port}"),
                    "protocol": "Tcp",
                    "frontendPort": port,
                    "backendPort": port,
                    "enableFloatingIP": False,
                    "idleTimeoutInMinutes": rng.choice([4, 4, 15]),
                    "disableOutboundSnat": True,
                },
            } for key, port in web_ports.items()],
            "inboundNatRules": [{
                "name": "ssh-admin",
                "properties": {
                    "frontendIPConfiguration": frontend,
                    "protocol": "Tcp",
                    "frontendPort": nat_port,
                    "backendPort": 22,
                    "enableFloatingIP": False,
                },
            }],
        },
    })
    nic = next(r for r in template["resources"] if r["type"] == "Microsoft.Network/networkInterfaces")
    nic["dependsOn"].append(lb_id)
    configuration = nic["properties"]["ipConfigurations"][0]["properties"]
    configuration["loadBalancerBackendAddressPools"] = [child("backendAddressPools", "pool-web")]
    configuration["loadBalancerInboundNatRules"] = [child("inboundNatRules", "ssh-admin")]
    nsg = template["resources"][0]
    for name, priority, access, protocol, source, ports in [
        ("allow-lb-web", 400, "Allow", "Tcp", "Internet", [str(p) for p in web_ports.values()]),
        ("allow-ssh-admin", 410, "Allow", "Tcp", "[parameters('allowedAdminCidrs')]", ["22"]),
        ("deny-internet-inbound", 4000, "Deny", "*", "Internet", ["*"]),
    ]:
        props = {"priority": priority, "direction": "Inbound", "access": access,
                 "protocol": protocol, "sourcePortRange": "*",
                 "destinationAddressPrefix": "VirtualNetwork"}
        if source.startswith("["):
            props["sourceAddressPrefixes"] = source
        else:
            props["sourceAddressPrefix"] = source
        if len(ports) > 1:
            props["destinationPortRanges"] = ports
        else:
            props["destinationPortRange"] = ports[0]
        nsg["properties"]["securityRules"].append({"name": name, "properties": props})
    template["outputs"]["lbPublicIpId"] = {"type": "string", "value": pip_id}


def arm_admin_rules(seed, index, template):
    """Adds to `template` a network manager with a network group whose static member is the
    template's VNet, a security admin configuration, a rule collection applied to the group and
    its three custom rules (as the Terraform modules' `terraform_admin_rules`; ARM cannot
    commit a configuration, so vnetlint takes it as committed)."""
    rng = module_rng(seed, index, "arm-vnm")
    management = rng.choice(MANAGEMENT_PREFIXES)
    denied = rng.choice([["22", "3389"], ["22", "3389", "5985-5986"]])
    template["variables"]["vnmName"] = f"[concat('vnm-', parameters('environment'), '-', variables('app'), '-{index:03d}')]"
    manager_id = "[resourceId('Microsoft.Network/networkManagers', variables('vnmName'))]"
    group_id = "[resourceId('Microsoft.Network/networkManagers/networkGroups', variables('vnmName'), 'ng-workload')]"
    config_id = "[resourceId('Microsoft.Network/networkManagers/securityAdminConfigurations', variables('vnmName'), 'sac-baseline')]"
    collection_id = "[resourceId('Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections', variables('vnmName'), 'sac-baseline', 'rc-baseline')]"
    vnet_id = "[resourceId('Microsoft.Network/virtualNetworks', concat('vnet-', parameters('environment'), '-', variables('app')))]"
    resources = template["resources"]
    resources.append({
        "type": "Microsoft.Network/networkManagers",
        "apiVersion": "2023-09-01",
        "name": "[variables('vnmName')]",
        "location": "[parameters('location')]",
        "properties": {
            "description": f"Security admin rules of template {index:03d}.",
            "networkManagerScopes": {"subscriptions": ["[subscription().id]"], "managementGroups": []},
            "networkManagerScopeAccesses": ["SecurityAdmin"],
        },
    })
    resources.append({
        "type": "Microsoft.Network/networkManagers/networkGroups",
        "apiVersion": "2023-09-01",
        "name": "[concat(variables('vnmName'), '/ng-workload')]",
        "dependsOn": [manager_id],
        "properties": {"description": "The workload VNet."},
    })
    resources.append({
        "type": "Microsoft.Network/networkManagers/networkGroups/staticMembers",
        "apiVersion": "2023-09-01",
        "name": "[concat(variables('vnmName'), '/ng-workload/member-vnet')]",
        "dependsOn": [group_id, vnet_id],
        "properties": {"resourceId": vnet_id},
    })
    resources.append({
        "type": "Microsoft.Network/networkManagers/securityAdminConfigurations",
        "apiVersion": "2023-09-01",
        "name": "[concat(variables('vnmName'), '/sac-baseline')]",
        "dependsOn": [manager_id],
        "properties": {"description": "Baseline admin rules, evaluated before the NSGs.",
                       "applyOnNetworkIntentPolicyBasedServices": ["None"]},
    })
    resources.append({
        "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
        "apiVersion": "2023-09-01",
        "name": "[concat(variables('vnmName'), '/sac-baseline/rc-baseline')]",
        "dependsOn": [config_id, group_id],
        "properties": {"appliesToGroups": [{"networkGroupId": group_id}]},
    })
    everywhere = [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}]
    internet = [{"addressPrefix": "Internet", "addressPrefixType": "ServiceTag"}]
    for name, access, priority, sources, ports in [
        ("always-allow-management", "AlwaysAllow", 10,
         [{"addressPrefix": management, "addressPrefixType": "IPPrefix"}], ["22", "3389"]),
        ("deny-internet-management", "Deny", 100, internet, denied),
        ("allow-https", "Allow", 200, internet, ["443"]),
    ]:
        resources.append({
            "type": "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
            "apiVersion": "2023-09-01",
            "name": f"[concat(variables('vnmName'), '/sac-baseline/rc-baseline/{name}')]",
            "kind": "Custom",
            "dependsOn": [collection_id],
            "properties": {
                "access": access,
                "direction": "Inbound",
                "priority": priority,
                "protocol": "Tcp",
                "sources": sources,
                "destinations": everywhere,
                "sourcePortRanges": ["0-65535"],
                "destinationPortRanges": ports,
            },
        })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--arm", type=int, default=200)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    if args.out.exists():
        shutil.rmtree(args.out)
    resources = size = 0
    for index in range(args.modules):
        name, files = terraform_module(args.seed, index)
        directory = args.out / "terraform" / name
        directory.mkdir(parents=True)
        for file_name, text in files.items():
            (directory / file_name).write_text(text)
            size += len(text.encode())
            resources += text.count('\nresource "') + text.startswith('resource "')
    for index in range(args.arm):
        name, text = arm_template(args.seed, index)
        directory = args.out / "arm" / name
        directory.mkdir(parents=True)
        (directory / "azuredeploy.json").write_text(text)
    print(f"{args.modules} Terraform modules ({size / 1e6:.1f} MB, {resources} resource blocks), "
          f"{args.arm} ARM templates under {args.out}")


if __name__ == "__main__":
    main()
