"""Every tenant that existed before scorecards were stored gets the default scorecard, as version 1."""

from django.db import migrations

from indicators import engine
from indicators.engine.definition import definition_from_engine

KEY = "default"
NAME = "Default scorecard"


def create_defaults(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    Scorecard = apps.get_model("indicators", "Scorecard")
    ScorecardMeasure = apps.get_model("indicators", "ScorecardMeasure")
    ScorecardVersion = apps.get_model("indicators", "ScorecardVersion")
    with_default = set(Scorecard._default_manager.filter(is_default=True).values_list("tenant_id", flat=True))
    for tenant in Tenant._default_manager.exclude(pk__in=with_default).order_by("pk"):
        taken = set(Scorecard._default_manager.filter(tenant=tenant).values_list("key", flat=True))
        key, n = KEY, 1
        while key in taken:
            n += 1
            key = f"{KEY}-{n}"
        definition = definition_from_engine(engine.DEFAULT_SCORECARD, name=NAME, key=key, is_default=True)
        scorecard = Scorecard._default_manager.create(
            tenant=tenant,
            key=key,
            name=NAME,
            is_default=True,
            green_min=definition["green_min"],
            yellow_min=definition["yellow_min"],
            gut_weight=definition["gut_weight"],
            version=1,
        )
        ScorecardMeasure._default_manager.bulk_create(
            ScorecardMeasure(tenant=tenant, scorecard=scorecard, position=n, **measure)
            for n, measure in enumerate(definition["measures"])
        )
        ScorecardVersion._default_manager.create(tenant=tenant, scorecard=scorecard, number=1, definition=definition)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_scorecards_and_gut_reads")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
