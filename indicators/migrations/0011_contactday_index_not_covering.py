"""The contact-day index without its INCLUDE columns, so ingestion's updates of contact-day rows are HOT.

``usage_events`` in the index's INCLUDE list made every rollup increment a non-HOT update: a new row
version on another page and an entry in each of the table's five indexes (bench/ingest.py: 0 of
45,773 updates HOT, against all of them without it). The index was covering for the scores' contact
usage masks, which now come from ``Contact.usage_days``.

On PostgreSQL the new index is built CONCURRENTLY before the old one is dropped (``_index_swap``).
"""

from django.db import migrations, models

from indicators.migrations._index_swap import index_swap

NAME = "contactday_tenant_account_day"
COVERING = models.Index(fields=["tenant", "account", "day"], name=NAME, include=["contact", "usage_events"])
PLAIN = models.Index(fields=["tenant", "account", "day"], name=NAME)


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY can't run in a transaction

    dependencies = [("indicators", "0010_score_results_lz4")]

    operations = [index_swap("ContactDay", COVERING, PLAIN)]
