# The call to ../jump is commented out: jump is called by nobody and is analyzed as a root.
/*
module "jump" {
  source = "../jump"
}
*/
# module "jump2" {
#   source = "../jump"
# }
