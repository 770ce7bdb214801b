"""python manage.py event_partitions [--maintain] [--drop YYYY-MM]

Shows the events table's monthly partitions and their sizes; ``--maintain`` runs the daily upkeep
now (months ahead, back-dated months, retention), ``--drop`` drops one month's events at once.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from indicators.partitions.maintenance import events_partitions_maintain, is_partitioned, partition_drop, partitions
from indicators.partitions.months import DEFAULT, Month


class Command(BaseCommand):
    help = "Show, keep up or drop the monthly partitions of the events table (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--maintain", action="store_true", help="Create months ahead, apply every retention.")
        parser.add_argument("--drop", metavar="YYYY-MM", help="Drop this month's partition and all its events.")

    def handle(self, *args, maintain=False, drop=None, **options):
        if not is_partitioned():
            if drop:
                raise CommandError("The events table is not partitioned here (SQLite, or before migration 0019).")
            if maintain:
                done = events_partitions_maintain()
                self.stdout.write(f"{done.deleted} events past retention deleted.")
            return
        if drop:
            self._drop(drop)
        if maintain:
            done = events_partitions_maintain()
            self.stdout.write(
                f"Created {', '.join(map(str, done.created)) or 'none'}; dropped "
                f"{', '.join(map(str, done.dropped)) or 'none'}; {done.deleted} events past retention deleted."
            )
        self._show()

    def _drop(self, value: str) -> None:
        match = re.fullmatch(r"(\d{4})-(\d{2})", value)
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError("--drop takes a month as YYYY-MM, e.g. 2024-03.")
        month = Month(int(match[1]), int(match[2]))
        if month not in partitions():
            raise CommandError(f"There is no partition for {month}.")
        took = partition_drop(month)
        if took is None:
            raise CommandError(f"{month} not dropped: a long read held the table. Try again.")
        self.stdout.write(f"Dropped {month} in {took * 1000:.0f} ms.")

    def _show(self) -> None:
        with connection.cursor() as cursor:
            for table in [m.table for m in partitions()] + [DEFAULT]:
                cursor.execute(
                    "SELECT reltuples::bigint, pg_total_relation_size(oid) FROM pg_class WHERE relname = %s", [table]
                )
                rows, size = cursor.fetchone()
                self.stdout.write(f"{table:32} ~{max(rows, 0):>12,} rows {size / 2**20:>10.1f} MiB")
