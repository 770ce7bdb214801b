from privacy.admin import contacts, records, tenant_deletion, tenant_exports  # noqa: F401  (registers them)
