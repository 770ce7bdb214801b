"""Fill the answers' segment and CSM from their accounts as they are now (the best record of the past
there is), then count every tenant's answers per day with the same rebuild as ``nps_rollup_rebuild``."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 20_000


def fill(apps, schema_editor):
    from surveys.services.nps_rollup import nps_rollup_rebuild

    Tenant = apps.get_model("accounts", "Tenant")
    Account = apps.get_model("accounts", "Account")
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    NpsDailyCount = apps.get_model("surveys", "NpsDailyCount")
    NpsMonthlyCount = apps.get_model("surveys", "NpsMonthlyCount")
    account = Account._default_manager.filter(pk=OuterRef("account_id"))
    answers = SurveyResponse._default_manager.order_by("pk")
    last = 0
    while True:
        # A batch of ids at a time, so no single statement rewrites a whole large table.
        ids = list(answers.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        SurveyResponse._default_manager.filter(pk__in=ids).update(
            account_segment=Subquery(account.values("segment")[:1]),
            account_csm_id=Subquery(account.values("csm_owner_id")[:1]),
        )
        last = ids[-1]
    for tenant_id, time_zone in Tenant._default_manager.values_list("pk", "time_zone"):
        nps_rollup_rebuild(
            tenant_id=tenant_id, time_zone=time_zone, responses=SurveyResponse, counts=NpsDailyCount,
            monthly=NpsMonthlyCount,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_nps_daily_counts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
