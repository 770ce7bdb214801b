"""Which webhook destinations may be called: the rule that keeps a tenant's URL off our own network.

A URL is refused unless its scheme is https (http only when loopback is allowed, for tests and local
development) and EVERY address its host resolves to is a public one. Checking all of them matters: a
name may resolve to one public and one private address, and the connection may pick either.
"""

# pure: no Django import (tests/test_pure_modules.py)

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list]


class DestinationRefused(ValueError):
    """The URL may not be called; the message says why, for the person who entered it."""


def _is_loopback(address: Address) -> bool:
    return address.is_loopback or (isinstance(address, ipaddress.IPv6Address) and _mapped_loopback(address))


def _mapped_loopback(address: ipaddress.IPv6Address) -> bool:
    return address.ipv4_mapped is not None and address.ipv4_mapped.is_loopback


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address; an IPv4-mapped IPv6 address is judged as its IPv4 one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    if isinstance(address, ipaddress.IPv6Address) and address.sixtofour is not None:
        return is_public(address.sixtofour)
    # is_global alone lets a few through (e.g. multicast ranges are "global" in some Python versions).
    special = (
        address.is_loopback,
        address.is_private,
        address.is_link_local,
        address.is_multicast,
        address.is_reserved,
        address.is_unspecified,
    )
    return address.is_global and not any(special)


def allowed_address(address: Address, *, allow_loopback: bool) -> bool:
    return is_public(address) or (allow_loopback and _is_loopback(address))


def resolve(host: str, port: int, resolver: Resolver | None = None) -> list[Address]:
    """Every IPv4 and IPv6 address the host resolves to (a literal address resolves to itself)."""
    try:
        # socket.getaddrinfo looked up at call time, as the HTTP client's own resolution is.
        infos = (resolver or socket.getaddrinfo)(host, port, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DestinationRefused(f"The host {host!r} does not resolve.") from error
    addresses = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise DestinationRefused(f"The host {host!r} does not resolve.")
    return addresses


def check_destination(url: str, *, allow_loopback: bool, resolver: Resolver | None = None) -> list[Address]:
    """The addresses the URL may be called at, or DestinationRefused saying why not.

    Connect to one of these (notifications.pinned_http), not to the name: it may resolve elsewhere by then.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DestinationRefused("The URL is not valid.") from error
    allowed_schemes = {"https", "http"} if allow_loopback else {"https"}
    if parts.scheme not in allowed_schemes:
        raise DestinationRefused("The URL must use https.")
    if not parts.hostname:
        raise DestinationRefused("The URL has no host.")
    if port == 0:
        raise DestinationRefused("The URL's port must be from 1 to 65535.")
    if parts.username or parts.password:
        raise DestinationRefused("The URL may not carry credentials.")
    addresses = resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80), resolver)
    refused = [address for address in addresses if not allowed_address(address, allow_loopback=allow_loopback)]
    if refused:
        raise DestinationRefused(f"The host resolves to a non-public address ({refused[0]}).")
    if parts.scheme == "http" and not all(_is_loopback(address) for address in addresses):
        raise DestinationRefused("The URL must use https.")
    return addresses
