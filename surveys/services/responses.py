"""Recording and amending responses: one place, one transaction, the event and the signal with them.

One person, one answer: an answer from a contact to a survey given within the tenant's amend window
after that contact's answer to it amends that answer; later, it is a new answer. The page, the API and
the CSV import all record through ``response_record``, so the rule is this module's alone.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact, Tenant
from accounts.tenancy import same_tenant
from indicators.engine.nps import category_for
from surveys.models import Channel, Survey, SurveyResponse, SurveySend
from surveys.services.events import response_event_record
from surveys.signals import response_recorded

MAX_COMMENT = 5000
MAX_KEY = 191
# PostgreSQL advisory locks of this namespace serialize the answers of one contact (see _lock_answers_of).
ANSWER_LOCK_SPACE = 0x5375_7276


class Outcome(StrEnum):
    CREATED = "created"  # a new answer
    AMENDED = "amended"  # changed the contact's answer given within the window
    UNCHANGED = "unchanged"  # within the window, but the stored answer already says it (or is newer)
    DUPLICATE = "duplicate"  # the key was already sent with this same answer: a replay


@dataclass(frozen=True)
class Recorded:
    response: SurveyResponse  # the contact's answer as it now stands
    outcome: Outcome

    @property
    def created(self) -> bool:
        return self.outcome is Outcome.CREATED


class KeyReused(ValidationError):
    """The key was already sent with a different answer (another contact, survey, score or comment)."""

    MESSAGE = "This key was already sent with a different answer; use a new key for a new answer."

    def __init__(self) -> None:
        super().__init__({"dedup_key": ValidationError(self.MESSAGE, code="key_reused")})


@dataclass(frozen=True)
class _Answer:
    contact: Contact
    survey: Survey | None
    send: SurveySend | None
    score: int
    comment: str
    at: datetime
    channel: str
    key: str

    @property
    def fingerprint(self) -> str:
        """What makes two answers the same answer; when it was given and the channel do not."""
        facts = [self.contact.pk, self.survey.pk if self.survey else None, self.score, self.comment]
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:32]


def response_record(
    *,
    tenant: Tenant,
    contact: Contact,
    score: int,
    channel: str,
    dedup_key: str = "",
    comment: str = "",
    responded_at: datetime | None = None,
    survey: Survey | None = None,
    send: SurveySend | None = None,
) -> Recorded:
    """Record an answer: new, or amending the contact's answer to ``survey`` given within the amend window.

    ``dedup_key`` (optional; one is generated without it) makes a retry safe: the same key with the same
    answer returns the answer as it stands (``DUPLICATE``); with a different answer it raises ``KeyReused``.
    An invitation's answer (``send``) is keyed by the invitation: answering through it again amends it.
    """
    category_for(score)  # raises ValueError for anything but 0..10
    same_tenant(tenant, contact=contact, survey=survey, send=send)
    if contact.account_id is None:
        raise ValidationError({"contact": "The contact is not linked to an account."})
    answer = _Answer(
        contact=contact, survey=survey, send=send, score=score, comment=comment[:MAX_COMMENT],
        at=responded_at or timezone.now(), channel=channel, key=dedup_key[:MAX_KEY],
    )  # fmt: skip
    try:
        with transaction.atomic():
            return _record(tenant, answer)
    except IntegrityError:
        # Requests for one contact wait on its lock, so only another contact's answer stored concurrently
        # under the same key gets here. Once more: the key is found now, and answered as a replay or a reuse.
        with transaction.atomic():
            return _record(tenant, answer)


def _record(tenant: Tenant, answer: _Answer) -> Recorded:
    _lock_answers_of(answer.contact)
    if answer.key and answer.send is None:
        replayed = _replay(tenant, answer)
        if replayed is not None:
            return replayed
    earlier = _answer_to_amend(tenant, answer)
    if earlier is None:
        return Recorded(_create(tenant, answer), Outcome.CREATED)
    return _fold_into(tenant, earlier, answer)


def _lock_answers_of(contact: Contact) -> None:
    """Serialize the answers of one contact until the transaction ends.

    PostgreSQL: an advisory lock, not the contact's row: ingestion locks contact rows after the rollups
    this transaction updates, so locking the row first could deadlock with it; this namespace is only
    ever taken first. SQLite: transactions begin IMMEDIATE (settings), so writers are serialized already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ANSWER_LOCK_SPACE, contact.pk % 2**31])


def _replay(tenant: Tenant, answer: _Answer) -> Recorded | None:
    """The answer this key was already sent with, when it is this one; ``KeyReused`` when it is another."""
    responses = SurveyResponse.objects.for_tenant(tenant)
    holder = responses.filter(dedup_key=answer.key).first()
    if holder is None:
        # A key that amended an answer is remembered on that answer (of this contact, or it is not found).
        holder = responses.filter(contact=answer.contact, answer_keys__has_key=answer.key).first()
    if holder is None:
        return None
    sent_with = holder.answer_keys.get(answer.key) or _fingerprint_of(holder)  # answers stored before keys were
    if sent_with != answer.fingerprint:
        raise KeyReused()
    return Recorded(holder, Outcome.DUPLICATE)


def _fingerprint_of(response: SurveyResponse) -> str:
    return _Answer(
        contact=response.contact, survey=response.survey, send=None, score=response.score,
        comment=response.comment, at=response.responded_at, channel=response.channel, key="",
    ).fingerprint  # fmt: skip


def _answer_to_amend(tenant: Tenant, answer: _Answer) -> SurveyResponse | None:
    """The contact's answer to the survey that ``answer`` belongs to, if any.

    Two answers are one when they were given less than the window apart. Answers may arrive out of order
    (a sync, an import): an answer given before the stored one but within the window belongs to it too.
    With stored answers on both sides, the one it follows is taken (its window contains the moment).
    """
    responses = SurveyResponse.objects.for_tenant(tenant)
    if answer.send is not None:
        own = responses.filter(send=answer.send).first()
        if own is not None:
            return own
    window = amend_window(tenant)
    near = list(
        responses.filter(contact=answer.contact, survey=answer.survey)
        .filter(responded_at__gt=answer.at - window, responded_at__lt=answer.at + window)
        .order_by("responded_at", "pk")
    )
    before = [r for r in near if r.responded_at <= answer.at]
    if before:
        return before[-1]
    return near[0] if near else None


def _create(tenant: Tenant, answer: _Answer) -> SurveyResponse:
    key = answer.key or f"generated-{uuid.uuid4().hex}"
    account = Account.objects.for_tenant(tenant).only("segment", "csm_owner").get(pk=answer.contact.account_id)
    response = SurveyResponse(
        tenant=tenant,
        survey=answer.survey,
        send=answer.send,
        contact=answer.contact,
        account_id=account.pk,
        # Reports by segment and CSM read the account as it was when it answered (see the model).
        account_segment=account.segment,
        account_csm_id=account.csm_owner_id,
        score=answer.score,
        comment=answer.comment,
        responded_at=answer.at,
        channel=answer.channel,
        dedup_key=key,
        answer_keys={key: answer.fingerprint},
    )
    response.save()
    if answer.send is not None:
        SurveySend.objects.for_tenant(tenant).filter(pk=answer.send.pk).update(answered_at=response.responded_at)
    response_event_record(tenant=tenant, response=response)
    response_recorded.send(sender=SurveyResponse, response=response, created=True, before_category=None)
    return response


def _fold_into(tenant: Tenant, earlier: SurveyResponse, answer: _Answer) -> Recorded:
    """Amend ``earlier`` with ``answer`` when it is the contact's latest word; either way remember its key.

    Out of order: the values stored were given at ``amended_at`` (or ``responded_at``); an answer given
    before that is an older version arriving late and changes nothing, so the latest word wins whatever
    the order of arrival. The window stays anchored at the first answer (amending does not extend it).
    """
    if answer.send is not None and not can_amend(tenant=tenant, response=earlier, now=answer.at):
        raise ValidationError("This answer can no longer be changed.")
    if answer.key:
        earlier.answer_keys = {**earlier.answer_keys, answer.key: answer.fingerprint}
    if answer.send is not None and earlier.send_id is None:
        # Answered first elsewhere: the invitation's page now shows (and amends) this answer.
        earlier.send = answer.send
        SurveySend.objects.for_tenant(tenant).filter(pk=answer.send.pk).update(answered_at=earlier.responded_at)
    # Given at the same moment as the stored version: the later arrival wins, unless that version is
    # itself an amendment of that moment (its event would carry the same id, and be taken for a replay).
    said_at = earlier.amended_at or earlier.responded_at
    latest = answer.at > said_at or (answer.at == said_at and earlier.amended_at is None)
    if latest and (earlier.score, earlier.comment) != (answer.score, answer.comment):
        response_amend(tenant=tenant, response=earlier, score=answer.score, comment=answer.comment, now=answer.at)
        return Recorded(earlier, Outcome.AMENDED)
    SurveyResponse.objects.for_tenant(tenant).filter(pk=earlier.pk).update(
        answer_keys=earlier.answer_keys, send=earlier.send, updated_at=timezone.now()
    )
    return Recorded(earlier, Outcome.UNCHANGED)


def amend_window(tenant: Tenant) -> timedelta:
    return timedelta(hours=int(tenant.setting("survey_amend_hours")))


def can_amend(*, tenant: Tenant, response: SurveyResponse, now: datetime | None = None) -> bool:
    return (now or timezone.now()) < response.responded_at + amend_window(tenant)


def response_amend(
    *, tenant: Tenant, response: SurveyResponse, score: int, comment: str, now: datetime | None = None
) -> SurveyResponse:
    """Change an answer within the amend window: a new event, and the signal with created=False.

    ``now`` is when the new values were given (an integration's ``responded_at``); it becomes ``amended_at``.
    """
    now = now or timezone.now()
    category_for(score)
    same_tenant(tenant, response=response)
    if not can_amend(tenant=tenant, response=response, now=now):
        raise ValidationError("This answer can no longer be changed.")
    before_category = response.category
    with transaction.atomic():
        response.score, response.comment, response.amended_at = score, comment[:MAX_COMMENT], now
        response.save()
        response_event_record(tenant=tenant, response=response)
        response_recorded.send(sender=SurveyResponse, response=response, created=False, before_category=before_category)
    return response


def link_response_record(*, tenant: Tenant, send: SurveySend, score: int, comment: str) -> Recorded:
    """An answer given through an invitation's link: the first one, or an amendment within the window."""
    return response_record(
        tenant=tenant,
        contact=send.contact,
        score=score,
        comment=comment,
        dedup_key=f"link-{send.pk}",
        channel=Channel.EMAIL,
        survey=send.survey,
        send=send,
    )
