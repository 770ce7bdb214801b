from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tenant and customers"

    def ready(self):
        from accounts import signals  # noqa: F401
