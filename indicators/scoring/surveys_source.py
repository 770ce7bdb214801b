"""Survey answers for the engine, read from the accounts' survey events (one query per chunk)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Q

from accounts.models import Tenant
from indicators import engine
from indicators.engine.nps import is_score
from indicators.models import Event, EventType

KINDS = {kind.value for kind in engine.SurveyKind}


def survey_answers_load(*, tenant: Tenant, account_ids: list[int], since: datetime) -> dict[int, engine.SurveyAnswers]:
    """Answers per account: NPS and post-sale ones since ``since``, onboarding ones of any age.

    An amended response is stored as a further event with the same ``response_id``; only its latest
    event counts, so an amendment replaces the answer instead of adding one.
    """
    rows = (
        Event.objects.for_tenant(tenant)
        .filter(account_id__one_of=account_ids, type=EventType.SURVEY)
        .filter(Q(occurred_at__gte=since) | Q(properties__kind=engine.SurveyKind.ONBOARDING))
        .order_by("pk")
        .values_list("account_id", "contact_id", "occurred_at", "properties")
    )
    answers: dict[int, dict[object, engine.SurveyAnswer]] = defaultdict(dict)
    for n, (account_id, contact_id, at, properties) in enumerate(rows):
        properties = properties if isinstance(properties, dict) else {}
        score, kind = properties.get("score"), properties.get("kind", engine.SurveyKind.NPS)
        if not is_score(score) or kind not in KINDS:
            continue
        key = ("response", properties["response_id"]) if properties.get("response_id") is not None else ("event", n)
        answers[account_id][key] = engine.SurveyAnswer(contact_id=contact_id, score=score, kind=kind, answered_at=at)
    return {account_id: engine.SurveyAnswers(tuple(answers[account_id].values())) for account_id in account_ids}
