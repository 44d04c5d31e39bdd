module "env" {
  source   = "./modules/nsg"
  for_each = { dev = "22", prod = "443" }
  name     = each.key
  ssh_port = each.value
}
