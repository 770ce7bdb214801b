from accounts.admin import customers, export_records, people, tenants  # noqa: F401  (registers the model admins)
