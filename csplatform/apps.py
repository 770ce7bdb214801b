from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django admin, served by the tenant-scoped admin site.

    The site class lives outside the ``accounts.admin`` package on purpose: importing it must not
    import the model admins, which register themselves on this very site while it is being built.
    """

    default_site = "csplatform.admin_site.TenantAdminSite"


class CsplatformConfig(AppConfig):
    """The composition root as an app: no models, only its management commands (``runserver``)."""

    name = "csplatform"
