module "gone" {
  source = "./modules/gone" # expect: VNL002
}
