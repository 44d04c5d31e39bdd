variable "open_ports" {
  type    = list(string)
  default = [
    "443",
    "3389", # expect: VNL101
  ]
}
