variable "input" {
  type = string
}

output "output" {
  value = var.input
}
