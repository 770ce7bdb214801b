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

    An amended response is stored as a further event with the same ``response_id`` and its ``amended_at``;
    every version travels, and the engine counts the latest one given by its ``as_of``, so an amendment
    replaces the answer from its moment on instead of adding one (or rewriting the past).
    """
    rows = (
        Event.objects.for_tenant(tenant)
        .filter(account_id__one_of=account_ids, type=EventType.SURVEY)
        .filter(Q(occurred_at__gte=since) | Q(properties__kind=engine.SurveyKind.ONBOARDING))
        .order_by("pk")
        .values_list("account_id", "contact_id", "occurred_at", "properties")
    )
    answers: dict[int, list[engine.SurveyAnswer]] = defaultdict(list)
    for account_id, contact_id, at, properties in rows:
        properties = properties if isinstance(properties, dict) else {}
        score, kind = properties.get("score"), properties.get("kind", engine.SurveyKind.NPS)
        if not is_score(score) or kind not in KINDS:
            continue
        answers[account_id].append(
            engine.SurveyAnswer(
                contact_id=contact_id, score=score, kind=kind, answered_at=at,
                response_id=properties.get("response_id"), known_at=_moment(properties.get("amended_at")),
            )
        )  # fmt: skip
    return {account_id: engine.SurveyAnswers(tuple(answers[account_id])) for account_id in account_ids}


def _moment(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
