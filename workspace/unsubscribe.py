"""The page an email's unsubscribe link opens, without logging in.

Opening it (GET from the email, or the one-click POST mail clients send for List-Unsubscribe-Post) turns off
what the link names: the member's daily digest, or their urgent emails. A link whose signature does not verify
changes nothing and answers 400. The page links to the member's notification settings in the console.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.rls import finds_its_tenant
from workspace.services.notifications import unsubscribe
from workspace.services.unsubscribe_links import DIGEST, URGENT, unsubscribe_from_token

WHAT = {DIGEST: "the daily digest", URGENT: "urgent emails"}


@csrf_exempt  # the one-click POST comes from the mail client, which holds no session or token
@require_http_methods(["GET", "POST"])
@finds_its_tenant
def unsubscribe_page(request, token: str):
    found = unsubscribe_from_token(token)
    if found is None:
        return render(request, "workspace/unsubscribe.html", {"done": False}, status=400)
    unsubscribe(membership=found.membership, digest=found.stops == DIGEST, urgent=found.stops == URGENT)
    context = {
        "done": True,
        "tenant": found.membership.tenant,
        "what": WHAT[found.stops],
        "settings_url": reverse("workspace-admin:notifications"),
    }
    return render(request, "workspace/unsubscribe.html", context)
