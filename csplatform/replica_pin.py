"""Read-your-writes with a replica: a client that wrote in the last REPLICA_PIN_SECONDS reads from the primary.

Any request with an unsafe method (POST, PUT, PATCH, DELETE) counts as a write: the request itself reads
from the primary, and its response sets a short-lived cookie that pins the same browser's next requests
until the replica has caught up. A forged cookie only sends its own client to the primary.
"""

from __future__ import annotations

import math
import time

from django.conf import settings

from accounts.replica import primary_pin, primary_unpin

COOKIE = "csp_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _pinned_by_cookie(request) -> bool:
    try:
        until = float(request.COOKIES.get(COOKIE, "0"))
    except ValueError:
        return False
    return time.time() < until


class ReplicaPinMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.REPLICA_DATABASE:
            return self.get_response(request)
        wrote = request.method not in SAFE_METHODS
        token = primary_pin(wrote or _pinned_by_cookie(request))
        try:
            response = self.get_response(request)
        finally:
            primary_unpin(token)
        if wrote:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=math.ceil(seconds),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
