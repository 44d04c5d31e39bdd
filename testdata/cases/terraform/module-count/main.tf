locals {
  ports = ["443", "3389"]
}

module "tier" {
  source   = "./modules/nsg"
  count    = 2
  name     = "tier-${count.index}"
  ssh_port = local.ports[count.index]
}
