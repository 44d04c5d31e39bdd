module "a" { # expect: VNL002
  source = "../a"
}
