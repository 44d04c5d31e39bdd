# Only loaded with --var-file: the default applies.
admin_port = "22"
