"""``runserver``, plus the beat schedule in-process when there is no broker (see ``csplatform.embedded_beat``).

Extends the static-files ``runserver`` (which it shadows, ``csplatform`` being listed before
``django.contrib.staticfiles``). The schedule starts once the server is bound, in the process that
serves (with the autoreloader, the child, not the watcher).

Database connections close at the end of each request here, whatever ``CONN_MAX_AGE`` says: the
development server answers every request in a new thread, and a persistent connection belongs to
its thread, so each request would leave one open until the database refused more. Production's
servers (gunicorn's workers) reuse their threads and keep their persistent connections.
"""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.db import connections

from csplatform.embedded_beat import embedded_beat_start


def close_connections_after_each_request() -> None:
    for alias in connections:
        # The dict every connection of the alias is built from (and keeps), in any thread.
        connections.settings[alias]["CONN_MAX_AGE"] = 0


class Command(StaticRunserver):
    def handle(self, *args, **options):
        close_connections_after_each_request()
        super().handle(*args, **options)

    def on_bind(self, server_port):
        super().on_bind(server_port)
        embedded_beat_start()
