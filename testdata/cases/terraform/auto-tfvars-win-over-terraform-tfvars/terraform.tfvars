admin_port = "8443"
