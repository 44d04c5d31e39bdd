module "app" {
  source   = "./modules/nsg"
  ssh_port = "22"
}
