from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tenant and customers"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from accounts import lookups, session_tracking, signals  # noqa: F401
        from accounts.pg_timestamps import utc_timestamps_fast

        connection_created.connect(utc_timestamps_fast, dispatch_uid="csplatform.utc_timestamps_fast")
        post_save.connect(signals.on_contact_saved, sender="accounts.Contact", dispatch_uid="accounts.contact_advocate")
