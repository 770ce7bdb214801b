"""Webhook destinations: https to public addresses only, whatever the host resolves to."""

import socket

import pytest

from notifications.ssrf import DestinationRefused, check_destination


def resolving_to(*addresses):
    """A resolver answering the given addresses for any name, as getaddrinfo would."""

    def resolver(host, port, family=0, type=0):
        return [
            (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in addresses
        ]

    return resolver


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://192.168.1.5/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://[fe80::1]/hook",
        "https://224.0.0.1/hook",
        "https://0.0.0.0/hook",
        "https://240.0.0.1/hook",
        "https://localhost/hook",
    ],
)
def test_a_non_public_address_is_refused(url):
    with pytest.raises(DestinationRefused):
        check_destination(url, allow_loopback=False)


def test_a_name_resolving_to_a_private_address_is_refused():
    with pytest.raises(DestinationRefused, match=r"10\.1\.2\.3"):
        check_destination("https://hooks.example.com/x", allow_loopback=False, resolver=resolving_to("10.1.2.3"))


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    resolver = resolving_to("93.184.216.34", "fd00::1")
    with pytest.raises(DestinationRefused, match="fd00::1"):
        check_destination("https://hooks.example.com/x", allow_loopback=False, resolver=resolver)


def test_a_public_https_destination_is_allowed():
    resolver = resolving_to("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    addresses = check_destination("https://hooks.example.com/x", allow_loopback=False, resolver=resolver)
    assert [str(address) for address in addresses] == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]


@pytest.mark.parametrize("url", ["http://hooks.example.com/x", "ftp://hooks.example.com/x", "hooks.example.com"])
def test_anything_but_https_is_refused(url):
    with pytest.raises(DestinationRefused):
        check_destination(url, allow_loopback=False, resolver=resolving_to("93.184.216.34"))


def test_credentials_in_the_url_are_refused():
    with pytest.raises(DestinationRefused):
        check_destination(
            "https://u:p@hooks.example.com/x", allow_loopback=False, resolver=resolving_to("93.184.216.34")
        )


def test_an_unresolvable_host_is_refused():
    def failing(*args):
        raise socket.gaierror("no such name")

    with pytest.raises(DestinationRefused, match="does not resolve"):
        check_destination("https://nowhere.invalid/x", allow_loopback=False, resolver=failing)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "https://127.0.0.2/hook", "http://[::1]/hook"])
def test_loopback_is_allowed_only_when_the_setting_allows_it(url):
    assert check_destination(url, allow_loopback=True)
    with pytest.raises(DestinationRefused):
        check_destination(url, allow_loopback=False)


@pytest.mark.parametrize("url", ["https://10.0.0.1/hook", "https://169.254.169.254/", "https://[::ffff:10.0.0.1]/"])
def test_allowing_loopback_allows_nothing_else_private(url):
    with pytest.raises(DestinationRefused):
        check_destination(url, allow_loopback=True)


def test_http_to_a_public_host_is_refused_even_when_loopback_is_allowed():
    with pytest.raises(DestinationRefused, match="https"):
        check_destination("http://hooks.example.com/x", allow_loopback=True, resolver=resolving_to("93.184.216.34"))


def test_port_zero_is_refused():
    with pytest.raises(DestinationRefused, match="port must be from 1 to 65535"):
        check_destination("https://93.184.216.34:0/hooks", allow_loopback=False)
