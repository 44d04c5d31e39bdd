variable "admin_port" {
  type = string
}

module "nsg" {
  source   = "../nsg"
  name     = "platform"
  ssh_port = var.admin_port
}

output "nsg_id" {
  value = module.nsg.nsg_id
}
