variable "admin_port" {
  type = string
}
