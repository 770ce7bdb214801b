"""Survey answers: each response at the moment it was given, with its score, category and comment."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Account, Tenant
from surveys.models import SurveyResponse
from workspace.timeline.entries import Entry, Window
from workspace.timeline.sources import in_window, shorten


def survey_answers(*, tenant: Tenant, account: Account, window: Window) -> list[Entry]:
    responses = (
        SurveyResponse.objects.for_tenant(tenant)
        .filter(account=account, **in_window("responded_at", window))
        .select_related("contact")
        .order_by("-responded_at", "-id")[: window.limit]
    )
    return [
        Entry(
            at=r.responded_at,
            kind="survey",
            title=f"NPS answer {r.score} ({r.get_category_display().lower()}) from {r.contact}",
            detail=shorten(r.comment) + (" (amended)" if r.amended_at else ""),
            link=reverse("admin:surveys_surveyresponse_change", args=[r.pk]),
        )
        for r in responses
    ]
