from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tenant and customers"

    def ready(self):
        from celery.signals import task_postrun, task_prerun
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, post_save

        from accounts import lookups, session_tracking, signals  # noqa: F401
        from accounts.background import task_scope_enter, task_scope_leave
        from accounts.pg_timestamps import utc_timestamps_fast
        from accounts.rls import on_connection_created
        from accounts.rls_schema import on_post_migrate

        connection_created.connect(utc_timestamps_fast, dispatch_uid="csplatform.utc_timestamps_fast")
        connection_created.connect(on_connection_created, dispatch_uid="csplatform.rls_scope")
        post_migrate.connect(on_post_migrate, dispatch_uid="csplatform.rls_schema")
        task_prerun.connect(task_scope_enter, dispatch_uid="csplatform.rls_task_enter")
        task_postrun.connect(task_scope_leave, dispatch_uid="csplatform.rls_task_leave")
        post_save.connect(signals.on_contact_saved, sender="accounts.Contact", dispatch_uid="accounts.contact_advocate")
