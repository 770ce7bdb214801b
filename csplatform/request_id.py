"""X-Request-ID: one id per request, in its response header and on every log line written while serving it.

A well-formed id sent by the client or the load balancer is kept, so a request can be followed from the
edge through the application to the tasks it queued; anything else (too long, characters a log viewer
or a header could misread) is replaced by a fresh id rather than echoed back.
"""

from __future__ import annotations

import re
import uuid

from accounts.log_context import log_context_close, log_context_open

HEADER = "X-Request-ID"
# Letters, digits and ``-_.:`` (UUIDs, ULIDs, AWS and Heroku ids), 1 to 128 of them.
VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_for(incoming: str | None) -> str:
    return incoming if incoming and VALID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Early in the stack: every later middleware's and the view's log lines carry the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request.headers.get(HEADER))
        token = log_context_open(request_id=request.request_id)
        try:
            response = self.get_response(request)
        finally:
            log_context_close(token)  # the thread's next request starts with nothing of this one
        response[HEADER] = request.request_id
        return response
