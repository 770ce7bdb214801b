"""Events waiting for an account are found by anonymousId as well as by userId (an alias call).

The partial index (only unattributed rows) gains ``anonymous_id``: an alias from an anonymousId
finds that visitor's events without reading every pending anonymous event of the tenant.
"""

from django.db import migrations, models

from indicators.migrations._index_swap import index_swap

PENDING = models.Q(account=None)
OLD = models.Index(fields=["tenant", "user_id"], name="event_tenant_unattributed", condition=PENDING)
NEW = models.Index(fields=["tenant", "user_id", "anonymous_id"], name="event_tenant_pending", condition=PENDING)


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY can't run in a transaction

    dependencies = [("indicators", "0011_contactday_index_not_covering")]

    operations = [index_swap("Event", OLD, NEW)]
