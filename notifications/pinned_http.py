"""HTTP to an address checked beforehand: the connection goes there, whatever the name resolves to by then.

Checking a URL's host and then letting the HTTP client resolve it again leaves a gap (DNS rebinding):
a name with a short TTL can answer a public address to the check and a private one to the connect.
The adapter here takes the approved address and connects to it, while everything that identifies the
server stays on the URL's host name: the Host header, TLS SNI and the certificate's host name check.

It uses the hooks requests documents for subclassing (``build_connection_pool_key_attributes`` and
``add_headers``) and urllib3's ``server_hostname``/``assert_hostname`` pool arguments, rather than
overriding urllib3's private socket code as some SSRF filters do (advocate, Sentry's SafeSession).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError


class PinnedAdapter(HTTPAdapter):
    """Sends every request to ``address``; the URL's host names the server (Host, SNI, certificate)."""

    def __init__(self, address: IPv4Address | IPv6Address, **kwargs):
        self.address = str(address)
        super().__init__(**kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        hostname = host_params["host"]
        host_params["host"] = self.address  # the pool, and so the socket, is the address's
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = hostname  # SNI
            pool_kwargs["assert_hostname"] = hostname  # the certificate must name the host, not the address
        return host_params, pool_kwargs

    def add_headers(self, request, **kwargs):
        # http.client would name the address it connects to; the server expects the URL's host (and port).
        request.headers["Host"] = urlsplit(request.url).netloc.rpartition("@")[2]


def pinned_session(address: IPv4Address | IPv6Address) -> requests.Session:
    """A session whose requests all connect to ``address``.

    It reads nothing from the environment: a proxy from there would make the connection elsewhere, and
    .netrc credentials must never go to a tenant's URL.
    """
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _not_connected(error: requests.ConnectionError) -> bool:
    """True when no connection was made (refused, unreachable, connect timeout): nothing was sent."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, ConnectTimeoutError)  # urllib3's NewConnectionError is one too


class SessionCache(threading.local):
    """Each thread's pinned sessions by address, the most recent last, so connections are kept alive between
    deliveries to the same receiver. Per thread: a requests session is not meant to be shared by threads."""

    def __init__(self, size: int = 32):
        self.size = size
        self.sessions: OrderedDict[str, requests.Session] = OrderedDict()

    def get(self, address: IPv4Address | IPv6Address) -> requests.Session:
        key = str(address)
        session = self.sessions.pop(key, None) or pinned_session(address)
        self.sessions[key] = session
        while len(self.sessions) > self.size:
            self.sessions.popitem(last=False)[1].close()
        return session

    def drop(self, address: IPv4Address | IPv6Address) -> None:
        session = self.sessions.pop(str(address), None)
        if session is not None:
            session.close()


def pinned_post(
    addresses: Sequence[IPv4Address | IPv6Address], url: str, *, sessions: SessionCache | None = None, **kwargs
) -> requests.Response:
    """POST ``url`` at the first of ``addresses`` that takes the connection, as a client tries each address a
    name resolves to; an error after connecting (the request may have arrived) is not tried elsewhere.

    With ``sessions``, the connection may be one kept alive from an earlier request to the same address.
    """
    for n, address in enumerate(addresses):
        session = sessions.get(address) if sessions is not None else pinned_session(address)
        try:
            return session.post(url, **kwargs)
        except requests.ConnectionError as error:
            if sessions is not None:
                sessions.drop(address)  # a broken kept-alive connection is not offered again
            if n == len(addresses) - 1 or not _not_connected(error):
                raise
        finally:
            if sessions is None:
                session.close()
    raise ValueError("No address to connect to.")
