admin_port = "22"
