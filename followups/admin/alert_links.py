"""Links from an alert's page to the follow-up and survey answer it concerns (``alerts.admin_detail``).

A detractor answer's alert names the answer (``response_id``); an overdue follow-up's alert, or one
escalated because the follow-up went overdue, names the follow-up (``followup_id``). Either way the
alert page links both, so the CSM goes from the alert to the work in one click.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alerts.admin_detail import AlertLink, alert_links_add
from alerts.models import Alert
from alerts.services.alerts import ESCALATION
from followups.models import FollowUp


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def followup_links(alert: Alert) -> list[AlertLink]:
    detail = alert.detail if isinstance(alert.detail, dict) else {}
    escalation = detail.get(ESCALATION) if isinstance(detail.get(ESCALATION), dict) else {}
    followup_id = _int(detail.get("followup_id")) or _int(escalation.get("followup_id"))
    response_id = _int(detail.get("response_id"))
    if followup_id is None and response_id is None:
        return []
    match = Q(pk=followup_id) if followup_id is not None else Q()
    if response_id is not None:
        match = match | Q(response_id=response_id) if followup_id is not None else Q(response_id=response_id)
    followups = (
        FollowUp.objects.for_tenant(alert.tenant_id)
        .filter(match, account_id=alert.account_id)
        .select_related("contact", "response")
        .order_by("pk")
    )
    links = []
    for followup in followups:
        response = followup.response
        answered = f"{timezone.localtime(response.responded_at):%Y-%m-%d}"
        said = f": “{response.comment}”" if response.comment else ""
        links.append(
            ("Answer", reverse("admin:surveys_surveyresponse_change", args=[response.pk]),
             f"{followup.contact}: {response.score}/10 on {answered}{said}")
        )  # fmt: skip
        due = f"{timezone.localtime(followup.due_at):%Y-%m-%d %H:%M}{' (overdue)' if followup.is_overdue else ''}"
        links.append(
            ("Follow-up", reverse("admin:followups_followup_change", args=[followup.pk]),
             f"{followup.get_category_display()} follow-up, {followup.get_status_display().lower()}, due {due}")
        )  # fmt: skip
    return links


alert_links_add(followup_links)
