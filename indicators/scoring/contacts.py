"""The User 360 read side: each contact's indicators, adoption stage, latest survey score and risk flags.

For a set of accounts at once, in a fixed number of queries (the engine's inputs, plus one for survey
answers and departures, and one for last-seen times the rollups do not back), with the tenant's adoption
rules. Champions, executives and the executive sponsor who go dormant or leave are flagged as a risk to the
account. A contact who left stops counting from the moment they left: no stage, no usage figures, and
"last seen" no later than the departure.

"Last seen" is the contact's own use of the product: the usage events that carry them (Segment ``track``,
``page`` and ``screen`` calls; the API's usage events), the activity the adoption stage is computed from,
so the two cannot disagree. Events about a contact that someone else records do not make them seen: a
CSM's call, email or meeting logged against them, relationship events (added, left, sponsor engaged),
renewals and other commercial moves, lifecycle milestones, tickets, content and survey events.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Account, Contact, Tenant
from accounts.whole_numbers import whole_number
from indicators import engine
from indicators.engine.calendar import local_day
from indicators.engine.nps import is_score
from indicators.models import Event, EventType
from indicators.scoring.load import inputs_load

logger = logging.getLogger(__name__)

LEFT = "left"  # shown in place of an adoption stage: the person is no longer at the customer
NPS_RESPONSE = "nps_response"
DEPARTURES = ("contact_left", "champion_left")


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactRisk:
    kind: str  # "dormant" or "left"
    role: str  # "executive sponsor", "champion" or "executive"
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactHealth:
    contact: Contact
    adoption_stage: str  # an engine.AdoptionStage value, or LEFT
    left_at: datetime | None
    last_seen_at: datetime | None  # their own last use of the product, at as_of and before leaving
    values: dict[str, float | None]  # contact-level indicator key -> value (None: no data)
    survey_score: int | None  # latest NPS answer, 0-10
    survey_at: datetime | None
    is_executive_sponsor: bool
    risks: tuple[ContactRisk, ...]

    @property
    def key_person(self) -> str | None:
        return _role(self.contact, self.is_executive_sponsor)


def adoption_thresholds(tenant: Tenant) -> engine.AdoptionThresholds:
    """The tenant's adoption-stage rules; inconsistent settings fall back to the defaults (and are logged)."""
    try:
        return engine.AdoptionThresholds(
            adopting_min_active_days=tenant.setting("adoption_adopting_min_active_days"),
            habitual_min_active_days=tenant.setting("adoption_habitual_min_active_days"),
            habitual_min_active_weeks=tenant.setting("adoption_habitual_min_active_weeks"),
            dormant_after_days=tenant.setting("dormant_after_days"),
        )
    except ValueError as error:
        logger.warning("Tenant %s has inconsistent adoption settings (%s); using the defaults.", tenant.pk, error)
        return engine.AdoptionThresholds()


def survey_score(properties: object) -> int | None:
    """The 0-10 answer of an ``nps_response`` event, or None when the payload holds no usable score."""
    raw = properties.get("score") if isinstance(properties, dict) else None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        raw = whole_number(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return raw if is_score(raw) else None


def _role(contact: Contact, is_sponsor: bool) -> str | None:
    if is_sponsor:
        return "executive sponsor"
    if contact.is_champion:
        return "champion"
    if contact.is_executive:
        return "executive"
    return None


def _risks(contact: Contact, role: str | None, stage: str, left_at, idle: float | None) -> tuple[ContactRisk, ...]:
    if role is None:
        return ()
    who = f"{role.capitalize()} {contact}"
    if stage == LEFT:
        when = f" on {timezone.localtime(left_at):%Y-%m-%d}" if left_at else ""
        return (ContactRisk(kind="left", role=role, message=f"{who} left{when}."),)
    if stage == engine.AdoptionStage.DORMANT:
        since = f" for {idle:.0f} days" if idle is not None else " for a while"
        return (ContactRisk(kind="dormant", role=role, message=f"{who} has not used the product{since}."),)
    return ()


def _signals(tenant: Tenant, account_ids: list[int]):
    """Latest NPS answer per contact (all of them, for the engine) and each contact's latest departure."""
    answers: dict[int, list[engine.SurveyAnswer]] = defaultdict(list)
    departures: dict[int, datetime] = {}
    rows = (
        Event.objects.for_tenant(tenant)
        .filter(account_id__in=account_ids, contact__isnull=False)
        .filter(type__in=[EventType.SURVEY, EventType.RELATIONSHIP], name__in=[NPS_RESPONSE, *DEPARTURES])
        .values_list("account_id", "contact_id", "type", "name", "occurred_at", "properties")
    )
    for account_id, contact_id, kind, name, at, properties in rows:
        if kind == EventType.SURVEY and name == NPS_RESPONSE:
            score = survey_score(properties)
            if score is not None:
                answers[account_id].append(
                    engine.SurveyAnswer(contact_id=contact_id, score=score, kind=engine.SurveyKind.NPS, answered_at=at)
                )
        elif kind == EventType.RELATIONSHIP and name in DEPARTURES:
            departures[contact_id] = max(at, departures.get(contact_id, at))
    return answers, departures


def _last_seen(
    tenant: Tenant, inputs: dict[int, engine.AccountInputs], departures: dict[int, datetime], as_of: datetime
) -> dict[int, datetime]:
    """Each contact's last own use of the product at ``as_of``, and before they left if they did.

    ``Contact.last_seen_at`` is kept by ingestion from usage alone, but it is a plain field others write too
    (the contacts API, the demo's plan, an import), and a departed user's login may still send usage. So it
    is taken only where it falls on the last usage day the contact's rollups show (or before the rollups
    reach, as the engine reads it); any other contact's time is read from their usage events, in one query.
    """
    seen: dict[int, datetime] = {}
    unbacked: dict[datetime, list[int]] = defaultdict(list)  # the moment to look back from -> contacts
    for account_inputs in inputs.values():
        zone = account_inputs.tenant.zone  # rollup days are the tenant's calendar dates
        usage_days = defaultdict(list)
        for row in account_inputs.contact_days:
            if row.usage_events:
                usage_days[row.contact_id].append(row.day)
        for contact in account_inputs.contacts:
            left_at = departures.get(contact.id)
            until = left_at if left_at is not None and left_at <= as_of else as_of
            last_day = max((d for d in usage_days[contact.id] if d <= local_day(until, zone)), default=None)
            stored = contact.last_seen_at
            if stored is not None and stored <= until:
                day = local_day(stored, zone)
                if day == last_day or (last_day is None and day < account_inputs.rollups_since):
                    seen[contact.id] = stored
                    continue
            if stored is not None or last_day is not None:
                unbacked[until].append(contact.id)
    if unbacked:
        own_usage = Q()
        for until, contact_ids in unbacked.items():
            own_usage |= Q(contact_id__in=contact_ids, occurred_at__lte=until)
        rows = (
            Event.objects.for_tenant(tenant).filter(own_usage, type=EventType.USAGE)
            .values("contact_id").annotate(last=Max("occurred_at")).order_by().values_list("contact_id", "last")
        )  # fmt: skip
        seen.update(rows)
    return seen


def contacts_health(
    *, tenant: Tenant, account_ids: list[int], as_of: datetime | None = None
) -> dict[int, list[ContactHealth]]:
    """Every contact of each account (another tenant's account ids are simply absent), key people first."""
    as_of = as_of or timezone.now()
    thresholds = adoption_thresholds(tenant)
    inputs = inputs_load(tenant=tenant, account_ids=account_ids, as_of=as_of, contact_days=True)
    contacts = defaultdict(list)
    for contact in Contact.objects.for_tenant(tenant).filter(account_id__in=list(inputs)):
        contacts[contact.account_id].append(contact)
    answers, departures = _signals(tenant, list(inputs))
    seen = _last_seen(tenant, inputs, departures, as_of)
    result = {}
    for account_id, account_inputs in inputs.items():
        # The engine reads last seen where the rollups stop: it gets the checked time, not the stored one.
        facts = tuple(
            replace(f, left_at=departures.get(f.id), last_seen_at=seen.get(f.id)) for f in account_inputs.contacts
        )
        index = engine.build_index(
            replace(account_inputs, contacts=facts, surveys=engine.SurveyAnswers(tuple(answers[account_id])))
        )
        latest = {}
        for answer in sorted(answers[account_id], key=lambda a: a.answered_at):
            if answer.answered_at <= as_of:
                latest[answer.contact_id] = answer
        rows = []
        for contact in contacts[account_id]:
            is_sponsor = contact.pk == account_inputs.account.executive_sponsor_id
            left_at = None
            if contact.pk in index.contacts:
                view = index.contact_view(contact.pk)
                stage = engine.adoption_stage(view, thresholds).value
                values = engine.contact_values(view)
            else:  # departed, or first seen after as_of
                left_at = index.left.get(contact.pk) or departures.get(contact.pk)
                stage = LEFT if contact.pk in index.departed else engine.AdoptionStage.INVITED.value
                values = dict.fromkeys((i.key for i in engine.CONTACT_INDICATORS), None)
            answer = latest.get(contact.pk)
            rows.append(
                ContactHealth(
                    contact=contact,
                    adoption_stage=stage,
                    left_at=left_at,
                    last_seen_at=seen.get(contact.pk),
                    values=values,
                    survey_score=answer.score if answer else None,
                    survey_at=answer.answered_at if answer else None,
                    is_executive_sponsor=is_sponsor,
                    risks=_risks(contact, _role(contact, is_sponsor), stage, left_at,
                                 values.get("days_since_last_usage")),
                )
            )  # fmt: skip
        rows.sort(key=lambda r: (r.key_person is None, -len(r.risks), str(r.contact).lower()))
        result[account_id] = rows
    return result


def account_contacts_health(*, tenant: Tenant, account: Account, as_of: datetime | None = None) -> list[ContactHealth]:
    return contacts_health(tenant=tenant, account_ids=[account.pk], as_of=as_of).get(account.pk, [])
