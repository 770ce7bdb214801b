"""``runserver``, plus the beat schedule in-process when there is no broker (see ``csplatform.embedded_beat``).

Extends the static-files ``runserver`` (which it shadows, ``csplatform`` being listed before
``django.contrib.staticfiles``). The schedule starts once the server is bound, in the process that
serves (with the autoreloader, the child, not the watcher).
"""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver

from csplatform.embedded_beat import embedded_beat_start


class Command(StaticRunserver):
    def on_bind(self, server_port):
        super().on_bind(server_port)
        embedded_beat_start()
