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
    return name, files


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
    return f"tpl-{index:03d}", json.dumps(template, indent=2) + "\n"


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
