"""Erasing a contact: their personal data goes, the figures built on their rows stay.

Rows that aggregates read are anonymised, not deleted: survey answers keep their scores (NPS does not
move), events keep their type, moment, account and the property keys the figures read (indicators do not
move), usage rollups stay. What identifies or describes the person goes: the contact's name, email, title
and external id; the ids their events were sent with and every other event property; their survey
comments; the notes and closing notes of their follow-ups; the send errors of their invitations; and, in
every other free-text column of the tenant (alerts, tasks, webhook payloads, ingestion errors, export
filters, audit trails), each known value of theirs replaced by "[erased]" (privacy/free_text.py).

Everything runs in one transaction with plain ORM updates filtered by tenant and contact (they work the
same on a range-partitioned events table). Events are rewritten in batches of PRIVACY_CHUNK_ROWS ids
inside that transaction, so a contact with many events costs several statements, never one huge one.
Running it again finds nothing left to change and touches no row.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from accounts.models import Contact, Tenant
from accounts.tenancy import same_tenant
from followups.models import Activity, FollowUp, FollowUpAsk
from indicators.models import Event
from privacy.audit import privacy_record
from privacy.free_text import free_text_columns, mentions
from privacy.models import PrivacyAction
from privacy.redaction import ERASED, MIN_NEEDLE, kept_properties, needles_of, redact_json, redact_text
from surveys.models import SurveyResponse, SurveySend

ERASED_PREFIX = "erased-"
IDENTIFIER_MIN = 6  # ids shorter than this are not searched for in free text: "1234" is in too many numbers
COMMENT_MIN = 12  # a comment quoted elsewhere (an alert's sentence) is searched for from this length


def is_erased(contact: Contact) -> bool:
    return contact.external_id == f"{ERASED_PREFIX}{contact.pk}"


@transaction.atomic
def contact_erase(*, tenant: Tenant, contact: Contact, actor: str) -> dict[str, int]:
    """Erase ``contact`` (of ``tenant``); return rows changed by model label. Audited; idempotent."""
    same_tenant(tenant, contact=contact)
    contact = Contact.objects.for_tenant(tenant).select_for_update().get(pk=contact.pk)
    counts: Counter[str] = Counter()
    needles = _needles(tenant, contact)

    counts.update(_erase_events(tenant, contact))
    counts.update(_erase_surveys(tenant, contact))
    counts.update(_erase_followups(tenant, contact))
    counts.update(_erase_contact_row(tenant, contact))
    counts.update(_redact_free_text(tenant, needles))
    counts.update(_erase_admin_log(contact, needles))

    changed = {label: n for label, n in sorted(counts.items()) if n}
    privacy_record(
        tenant_id=tenant.pk, action=PrivacyAction.CONTACT_ERASED, actor=actor, subject_id=contact.pk, counts=changed
    )
    return changed


def _needles(tenant: Tenant, contact: Contact) -> tuple[str, ...]:
    """The person's known values to search for in free text (none once erased: nothing left to find)."""
    if is_erased(contact):
        return ()
    people = [contact.email, contact.name]
    ids = [contact.external_id]
    events = Event.objects.for_tenant(tenant).filter(_events_of(contact))
    for user_id, anonymous_id in (
        events.exclude(user_id="", anonymous_id="").values_list("user_id", "anonymous_id").distinct()
    ):
        ids += [user_id, anonymous_id]
    comments = SurveyResponse.objects.for_tenant(tenant).filter(contact=contact).values_list("comment", flat=True)
    return needles_of(
        [*people, *(i for i in ids if len(i or "") >= IDENTIFIER_MIN), *(c for c in comments if len(c) >= COMMENT_MIN)]
    )


def _events_of(contact: Contact) -> Q:
    # Events sent with the contact's own id before it was linked to them count as theirs too.
    query = Q(contact=contact)
    if contact.external_id and not is_erased(contact):
        query |= Q(user_id=contact.external_id)
    return query


def _erase_events(tenant: Tenant, contact: Contact) -> Counter:
    events = Event.objects.for_tenant(tenant).filter(_events_of(contact))
    counts = Counter()
    chunk = settings.PRIVACY_CHUNK_ROWS
    pending = events.order_by("pk").values_list("pk", "user_id", "anonymous_id", "properties")
    last = 0
    while True:
        rows = list(pending.filter(pk__gt=last)[:chunk])
        if not rows:
            break
        last = rows[-1][0]
        by_properties = defaultdict(list)  # one UPDATE per distinct kept properties, not one per row
        for pk, user_id, anonymous_id, properties in rows:
            kept = kept_properties(properties)
            if user_id or anonymous_id or kept != properties:
                by_properties[repr(sorted(kept.items()))].append((pk, kept))
        for group in by_properties.values():
            ids = [pk for pk, _ in group]
            counts["indicators.Event"] += (
                Event.objects.for_tenant(tenant)
                .filter(pk__in=ids)
                .update(user_id="", anonymous_id="", properties=group[0][1])
            )
    return counts


def _blank(queryset, label: str, **values) -> Counter:
    """Set ``values`` on the rows that do not hold them all yet (so a second run changes nothing)."""
    return Counter({label: queryset.exclude(Q(**values)).update(**values)})


def _history_blank(model, ids: list[int], label: str, **values) -> Counter:
    history = model.history.model._base_manager.filter(id__in=ids)
    return Counter({label: history.exclude(Q(**values)).update(**values)})


def _erase_surveys(tenant: Tenant, contact: Contact) -> Counter:
    counts = Counter()
    responses = SurveyResponse.objects.for_tenant(tenant).filter(contact=contact)
    counts += _blank(responses, "surveys.SurveyResponse", comment="")
    ids = list(responses.values_list("pk", flat=True))
    counts += _history_blank(SurveyResponse, ids, "surveys.HistoricalSurveyResponse", comment="")
    sends = SurveySend.objects.for_tenant(tenant).filter(contact=contact)
    counts += _blank(sends, "surveys.SurveySend", error="")
    counts += _history_blank(
        SurveySend, list(sends.values_list("pk", flat=True)), "surveys.HistoricalSurveySend", error=""
    )
    return counts


FOLLOWUP_TEXT = {"closing_note": "", "reason_promoter": "", "what_would_make_promoter": ""}


def _erase_followups(tenant: Tenant, contact: Contact) -> Counter:
    counts = Counter()
    followups = FollowUp.objects.for_tenant(tenant).filter(contact=contact)
    ids = list(followups.values_list("pk", flat=True))
    counts += _blank(followups, "followups.FollowUp", **FOLLOWUP_TEXT)
    counts += _history_blank(FollowUp, ids, "followups.HistoricalFollowUp", **FOLLOWUP_TEXT)
    for model in (FollowUpAsk, Activity):
        rows = model.objects.for_tenant(tenant).filter(followup_id__in=ids)
        counts += _blank(rows, model._meta.label, note="")
        label = f"{model._meta.app_label}.{model.history.model.__name__}"
        counts += _history_blank(model, list(rows.values_list("pk", flat=True)), label, note="")
    return counts


def _erase_contact_row(tenant: Tenant, contact: Contact) -> Counter:
    erased = {"email": "", "name": "", "title": "", "external_id": f"{ERASED_PREFIX}{contact.pk}"}
    counts = _blank(Contact.objects.for_tenant(tenant).filter(pk=contact.pk), "accounts.Contact", **erased)
    counts += _history_blank(Contact, [contact.pk], "accounts.HistoricalContact", **erased)
    return counts


def _erase_admin_log(contact: Contact, needles: tuple[str, ...]) -> Counter:
    """The console's own change log names the contact in its entries about them (``object_repr``)."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)
    )
    changed = 0
    for entry in entries.exclude(object_repr=ERASED).only("pk", "change_message"):
        message = redact_text(entry.change_message, needles)
        changed += LogEntry.objects.filter(pk=entry.pk).update(object_repr=ERASED, change_message=message)
    return Counter({"admin.LogEntry": changed})


def _redact_free_text(tenant: Tenant, needles: tuple[str, ...]) -> Counter:
    counts = Counter()
    if not needles:
        return counts
    for model, fields in free_text_columns():
        manager = model._base_manager  # history models have no guarded manager: filtered by tenant_id here
        rows = manager.filter(tenant_id=tenant.pk).filter(mentions(fields, needles))
        pk_name = model._meta.pk.name
        for row in rows.values(pk_name, *fields).iterator(chunk_size=settings.PRIVACY_CHUNK_ROWS):
            changes = {f: redact_json(row[f], needles) for f in fields}
            changes = {f: v for f, v in changes.items() if v != row[f]}
            if changes:
                manager.filter(tenant_id=tenant.pk, **{pk_name: row[pk_name]}).update(**changes)
                counts[model._meta.label] += 1
    return counts


__all__ = ["ERASED", "MIN_NEEDLE", "contact_erase", "is_erased"]
