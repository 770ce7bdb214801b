"""The client's address: what every per-address limit keys on (sign-in lockouts, password resets, API throttles).

X-Forwarded-For is written by whoever sends the request, so only its last entries can be believed: each
trusted proxy appends the address it received the request from. With ``TRUSTED_PROXY_COUNT`` = N the
entry the outermost of our N proxies wrote is the N-th from the right; anything left of it came from the
client and is ignored. With N = 0 (the default) the header is ignored and the socket's address is used.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address of the party that reached the outermost trusted proxy (or this server, without one)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote  # reached us without passing a proxy (a health check, an internal call)
    # Fewer hops than proxies: the request skipped one of them; the furthest address known is the best guess.
    candidate = hops[-min(trusted, len(hops))]
    return candidate if _is_address(candidate) else remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
