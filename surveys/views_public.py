"""The public response pages, reached from an invitation's link without signing in.

Every page starts by opening the link (tokens.link_open): the tenant and invitation come from the
signed token only, never from anything else in the request.
"""

from __future__ import annotations

from contextlib import suppress

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.rls import finds_its_tenant
from accounts.whole_numbers import whole_number
from indicators.engine import nps
from surveys.models import SurveyResponse
from surveys.services.responses import can_amend, link_response_record
from surveys.services.unsubscribe import contact_unsubscribe, is_unsubscribed
from surveys.tokens import LinkError, link_open

ERROR_STATUS = {"invalid": 404, "expired": 410}


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(choices=[(n, str(n)) for n in nps.SCALE], coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


def _link_error(request, error: LinkError):
    return render(
        request, "surveys/public/link_error.html", {"reason": error.reason}, status=ERROR_STATUS[error.reason]
    )


def _answer_of(link) -> SurveyResponse | None:
    return SurveyResponse.objects.for_tenant(link.tenant).filter(send=link.send).first()


@never_cache
@require_http_methods(["GET", "POST"])
@finds_its_tenant
def respond(request, token: str):
    try:
        link = link_open(token)
    except LinkError as error:
        return _link_error(request, error)
    send, tenant = link.send, link.tenant
    answer = _answer_of(link)
    amendable = answer is not None and can_amend(tenant=tenant, response=answer)
    if request.method == "POST" and (answer is None or amendable):
        form = AnswerForm(request.POST)
        if form.is_valid():
            # The first answer or an amendment: the service decides, as for answers from the API or an import.
            # If the window closed while the page was open, the thank-you page shows the answer as it stands.
            with suppress(ValidationError):
                link_response_record(
                    tenant=tenant, send=send, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
                )
            return HttpResponseRedirect(reverse("surveys-public:thanks", args=[token]))
    else:
        if send.opened_at is None:
            type(send).objects.for_tenant(tenant).filter(pk=send.pk, opened_at=None).update(opened_at=timezone.now())
        initial = {"score": answer.score, "comment": answer.comment} if answer else {}
        preset = whole_number(request.GET.get("score", ""))
        if answer is None and preset is not None and nps.is_score(preset):
            initial["score"] = preset
        form = AnswerForm(initial=initial)
    context = {
        "tenant": tenant,
        "survey": send.survey,
        "form": form,
        "answer": answer,
        "amendable": amendable,
        "token": token,
        "scores": nps.SCALE,
        "selected": form["score"].value(),
    }
    return render(request, "surveys/public/respond.html", context, status=400 if form.errors else 200)


@never_cache
@finds_its_tenant
def thanks(request, token: str):
    try:
        link = link_open(token)
    except LinkError as error:
        return _link_error(request, error)
    answer = _answer_of(link)
    if answer is None:
        return HttpResponseRedirect(reverse("surveys-public:respond", args=[token]))
    context = {
        "tenant": link.tenant,
        "survey": link.send.survey,
        "answer": answer,
        "amendable": can_amend(tenant=link.tenant, response=answer),
        "token": token,
    }
    return render(request, "surveys/public/thanks.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@finds_its_tenant
def unsubscribe(request, token: str):
    """GET asks to confirm (mail scanners follow links); POST unsubscribes, for good."""
    try:
        link = link_open(token)
    except LinkError as error:
        return _link_error(request, error)
    done = is_unsubscribed(tenant=link.tenant, contact=link.send.contact)
    if request.method == "POST" and not done:
        contact_unsubscribe(tenant=link.tenant, contact=link.send.contact, send=link.send)
        done = True
    return render(request, "surveys/public/unsubscribe.html", {"tenant": link.tenant, "done": done, "token": token})
