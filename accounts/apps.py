from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tenant and customers"

    def ready(self):
        from accounts import lookups, signals  # noqa: F401
