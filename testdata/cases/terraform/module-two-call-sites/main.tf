# One module, called from two places: its exposure is reported once per call site, with
# distinct addresses and fingerprints (SARIF alerts stay separate in code scanning).
module "jump_weu" {
  source = "./modules/jump"
  name   = "nsg-jump-weu"
}

module "jump_neu" {
  source = "./modules/jump"
  name   = "nsg-jump-neu"
}
