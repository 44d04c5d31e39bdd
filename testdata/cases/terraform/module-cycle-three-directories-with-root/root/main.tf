# root calls a; a -> b -> c -> a is a cycle. root is the only root: a, b and c are analyzed
# as its modules (the cycle reported once, at the call that closes it), and the exposure in b
# is found through root.
module "a" {
  source = "../a"
}
