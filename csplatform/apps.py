from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django admin, served by the tenant-scoped admin site."""

    default_site = "accounts.admin.site.TenantAdminSite"
