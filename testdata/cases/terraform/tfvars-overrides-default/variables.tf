# The default is harmless; terraform.tfvars sets the real port.
variable "admin_port" {
  type    = string
  default = "8443"
}
