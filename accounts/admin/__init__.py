from accounts.admin import customers, people, tenants  # noqa: F401  (registers the model admins)
