"""An alert's figures as a person reads them, with links to the work it concerns.

``Alert.detail`` is the machine's record of why an alert fired (JSON, keyed by the rule kind's figures).
The alert page shows it as labelled rows: bands by name, dates on the tenant's clock, indicators by their
label. Links to what the alert is about (the survey answer, its follow-up) come from apps above
``alerts``, which the layers keep this app from importing: each calls ``alert_links_add`` from its own
admin module, and the alert page shows every link they return.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from alerts.models import Alert, Operator, RuleKind
from alerts.services.alerts import ESCALATION
from indicators import engine
from indicators.engine.formatting import number, value_text
from indicators.models import Band

# (label, url, text) rows; each linker reads only rows of the alert's tenant.
AlertLink = tuple[str, str, str]
ALERT_LINKERS: list[Callable[[Alert], list[AlertLink]]] = []

LABELS = {
    "kind": "Rule kind", "indicator": "Indicator", "value": "Value", "operator": "Condition",
    "threshold": "Threshold", "from_score": "Score before", "to_score": "Score now", "drop": "Points lost",
    "days": "Window (days)", "from_band": "From band", "to_band": "To band", "band": "Band", "score": "Score",
    "changed_at_score": "Score when the band changed", "renewal_on": "Renewal date", "days_ahead": "Days ahead",
    "answered_at": "Answered", "category": "Category", "due_at": "Follow-up due",
}  # fmt: skip
# Shown as links by the apps that own them (``alert_links_add``), not as bare ids.
LINKED = {"response_id", "followup_id"}


def alert_links_add(linker: Callable[[Alert], list[AlertLink]]) -> None:
    """Show ``linker(alert)``'s (label, url, text) rows on each alert's page."""
    if linker not in ALERT_LINKERS:
        ALERT_LINKERS.append(linker)


def alert_links(alert: Alert) -> list[AlertLink]:
    """The links every linker gives (the account is linked by the page's own Account field)."""
    return [link for linker in ALERT_LINKERS for link in linker(alert)]


def detail_rows(detail: dict) -> list[tuple[str, str]]:
    """(label, text) for each figure of ``detail``, in the order stored; ids shown as links are left out."""
    indicator = detail.get("indicator")
    unit = engine.CATALOGUE[indicator].unit if indicator in engine.CATALOGUE else ""
    rows = []
    for key, value in detail.items():
        if key in LINKED or key == ESCALATION or value in (None, ""):
            continue
        rows.append((LABELS.get(key, key.replace("_", " ").capitalize()), _text(key, value, detail, unit)))
    return rows


def _text(key: str, value, detail: dict, unit: str) -> str:
    if key == "kind":
        return RuleKind(value).label if value in RuleKind.values else str(value)
    if key == "indicator":
        return engine.CATALOGUE[value].label if value in engine.CATALOGUE else str(value)
    if key == "operator":
        return Operator(value).label if value in Operator.values else str(value)
    if key in ("value", "threshold") and isinstance(value, int | float):
        return value_text(value, unit, detail.get("indicator", ""))
    if key in ("from_band", "to_band", "band"):
        return Band(value).label if value in Band.values else str(value)
    if key == "score" and detail.get("kind") == RuleKind.DETRACTOR_ANSWER and isinstance(value, int | float):
        return f"{number(value)}/10"
    if key in ("answered_at", "due_at"):
        return _moment(value)
    if key == "category":
        return str(value).capitalize()
    if isinstance(value, float):
        return number(round(value, 1))
    return str(value)


def _moment(value) -> str:
    """An ISO moment on the clock of the page (the tenant's: the alert admin renders in its zone)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        return str(value)
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def detail_html(alert: Alert) -> str:
    """The alert's links and figures as a table, then its escalation, if any, in words."""
    links = format_html_join("", '<tr><th>{}</th><td><a href="{}">{}</a></td></tr>', alert_links(alert))
    figures = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", detail_rows(alert.detail or {}))
    escalation = (alert.detail or {}).get(ESCALATION)
    escalated = ""
    if isinstance(escalation, dict) and escalation.get("message"):
        escalated = format_html('<p class="escalation"><strong>Escalated:</strong> {}</p>', escalation["message"])
    return format_html('<table class="alert-detail"><tbody>{}{}</tbody></table>{}', links, figures, escalated)
