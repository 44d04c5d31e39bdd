module "me" { source = "./" }
module "me2" { source = "../bad" }
