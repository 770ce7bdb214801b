"""Sending due email invitations in batches through Django's email backend."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Tenant
from indicators.engine import nps
from surveys.models import Channel, SendStatus, SurveySend, SurveyUnsubscribe
from surveys.tokens import token_for

BATCH_SIZE = 100


def survey_link(send: SurveySend) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys-public:respond", args=[token_for(send)])


def invitation_message(send: SurveySend) -> mail.EmailMultiAlternatives:
    link = survey_link(send)
    context = {
        "tenant": send.tenant,
        "survey": send.survey,
        "contact": send.contact,
        "link": link,
        "score_links": [(n, f"{link}?score={n}") for n in nps.SCALE],
        "unsubscribe_link": link + "unsubscribe/",
    }
    message = mail.EmailMultiAlternatives(
        subject=f"{send.tenant.name}: {send.survey.question}",
        body=render_to_string("surveys/email/invitation.txt", context),
        to=[send.contact.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_link']}>"},
    )
    message.attach_alternative(render_to_string("surveys/email/invitation.html", context), "text/html")
    return message


def due_sends_send(*, tenant: Tenant, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send up to ``batch_size`` due invitations of ``tenant``; returns how many went out.

    Rows are claimed with SKIP LOCKED, so two workers never send the same invitation; a contact who
    unsubscribed (or lost their email) since the round started is skipped, never emailed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            SurveySend.objects.for_tenant(tenant)
            .filter(status=SendStatus.SCHEDULED, channel=Channel.EMAIL, scheduled_for__lte=now)
            .select_related("survey", "contact", "tenant")
            .order_by("scheduled_for", "pk")
            .select_for_update(skip_locked=True, of=("self",))[:batch_size]
        )
        if not due:
            return 0
        unsubscribed = set(
            SurveyUnsubscribe.objects.for_tenant(tenant)
            .filter(contact_id__in=[s.contact_id for s in due])
            .values_list("contact_id", flat=True)
        )
        sendable = []
        for send in due:
            if send.contact_id in unsubscribed:
                send.status, send.error = SendStatus.SKIPPED, "unsubscribed before the send"
            elif not send.contact.email.strip():
                send.status, send.error = SendStatus.SKIPPED, "no email address"
            else:
                sendable.append(send)
        messages = [invitation_message(send) for send in sendable]
        sent_ok = set()
        if messages:
            connection = mail.get_connection(fail_silently=False)
            connection.open()
            try:
                for send, message in zip(sendable, messages, strict=True):
                    try:
                        if connection.send_messages([message]):
                            sent_ok.add(send.pk)
                        else:
                            send.status, send.error = SendStatus.FAILED, "the mail server accepted no recipient"
                    except Exception as exc:  # one bad address must not stop the batch
                        send.status, send.error = SendStatus.FAILED, str(exc)[:300]
            finally:
                connection.close()
        for send in sendable:
            if send.pk in sent_ok:
                send.status, send.sent_at = SendStatus.SENT, now
        SurveySend.objects.for_tenant(tenant).bulk_update(due, ["status", "sent_at", "error"])
    return len(sent_ok)
