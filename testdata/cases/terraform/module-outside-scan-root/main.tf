module "shared" {
  source   = "../module-local-input/modules/nsg" # expect: VNL002
  ssh_port = "22"
}
