# Loaded after terraform.tfvars, so this value wins.
admin_port = "3389"
