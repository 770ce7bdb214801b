"""The page the digest's unsubscribe link opens, without logging in.

Opening it (GET from the email, or the one-click POST mail clients send for List-Unsubscribe-Post) turns the
member's daily digest off. A link whose signature does not verify changes nothing and answers 400.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from workspace.services.notifications import preference_for
from workspace.services.unsubscribe_links import membership_from_token


@csrf_exempt  # the one-click POST comes from the mail client, which holds no session or token
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, token: str):
    membership = membership_from_token(token)
    if membership is None:
        return render(request, "workspace/unsubscribe.html", {"done": False}, status=400)
    preference = preference_for(membership)
    if preference.daily_digest or preference.unsubscribed_at is None:
        preference.daily_digest = False
        preference.unsubscribed_at = timezone.now()
        preference.save(update_fields=["daily_digest", "unsubscribed_at"])
    return render(request, "workspace/unsubscribe.html", {"done": True, "tenant": membership.tenant})
