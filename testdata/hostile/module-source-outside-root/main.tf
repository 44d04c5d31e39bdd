module "up" { source = "../../.." }
