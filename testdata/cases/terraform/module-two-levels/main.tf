module "platform" {
  source     = "./modules/platform"
  admin_port = "3389"
}
