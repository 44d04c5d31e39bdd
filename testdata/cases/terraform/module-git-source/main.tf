module "nsg" {
  source = "git::https://example.com/modules.git//nsg?ref=v1" # expect: VNL002
  count  = 2
}
