variable "admin_port" {
  type    = string
  default = "8443"
}
