module "app" {
  source = "./modules/nsg"
}
