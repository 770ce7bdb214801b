"""A delivery connects to the address the SSRF check approved; the host name still names the server (Host, TLS)."""

import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
from ipaddress import ip_address

import pytest
import requests

from notifications.models import Delivery, DeliveryStatus, WebhookEndpoint
from notifications.pinned_http import pinned_post, pinned_session
from notifications.services.publish import event_publish
from notifications.services.secrets import rotate_secret
from tests.conftest import require_service
from tests.notifications.receiver import start_receiver


@pytest.fixture
def receivers():
    started = []

    def start(**kwargs):
        started.append(start_receiver(**kwargs))
        return started[-1]

    yield start
    for running in started:
        running.server.shutdown()
        running.server.server_close()


def resolving(monkeypatch, name: str, *addresses: str) -> list[str]:
    """``name`` resolves to ``addresses`` (IPv4), in that order; returns the log of names asked for."""
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def rebinding(monkeypatch, name: str, first: str, then: str) -> list[str]:
    """``name`` resolves to ``first`` once, then to ``then`` (a rebinding DNS server with a zero TTL).

    Returns the log of answers given. Every other name resolves as usual.
    """
    real, answers = socket.getaddrinfo, []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        answers.append(first if not answers else then)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[-1], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_name_rebound_after_the_check_cannot_redirect_the_delivery(
    world_a, settings, receivers, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    approved = receivers(host="127.0.0.1")
    elsewhere = receivers(host="127.0.0.2", port=approved.port)  # the same port on another address
    answers = rebinding(monkeypatch, "hooks.rebind.test", first="127.0.0.1", then="127.0.0.2")
    endpoint = WebhookEndpoint.objects.create(
        tenant=world_a.tenant, url=f"http://hooks.rebind.test:{approved.port}/hook", event_types=["alert.opened"]
    )
    rotate_secret(endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        event = event_publish(tenant=world_a.tenant, type="alert.opened", payload={"alert_id": 1})

    assert elsewhere.received == []
    [got] = approved.received
    assert got.headers["host"] == f"hooks.rebind.test:{approved.port}" and got.headers["webhook-id"] == event.id
    assert answers == ["127.0.0.1"]  # resolved once, by the check
    assert Delivery.objects.for_tenant(world_a.tenant).get(event=event).status == DeliveryStatus.SUCCEEDED


def test_an_approved_address_that_refuses_the_connection_gives_way_to_the_next(
    world_a, settings, receivers, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    running = receivers(host="127.0.0.1")  # nothing listens on 127.0.0.3 at that port: refused
    asked = resolving(monkeypatch, "hooks.two.test", "127.0.0.3", "127.0.0.1")
    endpoint = WebhookEndpoint.objects.create(
        tenant=world_a.tenant, url=f"http://hooks.two.test:{running.port}/hook", event_types=["alert.opened"]
    )
    rotate_secret(endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        event = event_publish(tenant=world_a.tenant, type="alert.opened", payload={})
    assert [got.headers["webhook-id"] for got in running.received] == [event.id]
    assert asked == ["hooks.two.test"]
    assert Delivery.objects.for_tenant(world_a.tenant).get(event=event).status == DeliveryStatus.SUCCEEDED


def test_a_connection_dropped_after_sending_is_not_tried_at_the_next_address():
    hits = []

    class Drop(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)  # the request arrived; the server closes without an answer
            hits.append(self.server.server_address[0])

    first = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Drop)
    second = socketserver.ThreadingTCPServer(("127.0.0.2", first.server_address[1]), Drop)
    for server in (first, second):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(requests.exceptions.ConnectionError):
            pinned_post(
                [ip_address("127.0.0.1"), ip_address("127.0.0.2")],
                f"http://hooks.test:{first.server_address[1]}/hook", data=b"{}", timeout=5,
            )  # fmt: skip
    finally:
        for server in (first, second):
            server.shutdown()
            server.server_close()
    assert hits == ["127.0.0.1"]


def test_a_pinned_session_connects_to_its_address_whatever_the_url_host(receivers):
    running = receivers(host="127.0.0.1")
    url = f"http://name.that.does.not.resolve.invalid:{running.port}/hook?x=1"
    response = pinned_session(ip_address("127.0.0.1")).post(url, data=b"{}", timeout=5)
    assert response.status_code == 200
    [got] = running.received
    assert (got.path, got.headers["host"]) == ("/hook?x=1", f"name.that.does.not.resolve.invalid:{running.port}")


def test_a_pinned_session_connects_to_an_ipv6_address(receivers):
    try:
        running = receivers(host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    response = pinned_session(ip_address("::1")).post(f"http://hooks.v6.test:{running.port}/hook", timeout=5)
    assert response.status_code == 200
    assert running.received[0].headers["host"] == f"hooks.v6.test:{running.port}"


OPENSSL_EXTENSIONS = """basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
subjectAltName=DNS:hooks.tls.test
"""


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a server certificate it signed for hooks.tls.test (only), made with the openssl tool."""
    require_service(shutil.which("openssl") is not None, "the openssl command (to make test certificates)")
    d = tmp_path_factory.mktemp("tls")
    (d / "leaf.ext").write_text(OPENSSL_EXTENSIONS)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=hooks.tls.test"],
        ["openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext"],
    ]  # fmt: skip
    for command in commands:
        subprocess.run(command, cwd=d, check=True, capture_output=True)
    return d


@pytest.fixture
def tls_receiver(receivers, certificates):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    return receivers(host="127.0.0.1", tls=context)


def test_https_to_the_pinned_address_checks_the_certificate_against_the_host_name(tls_receiver, certificates):
    url = f"https://hooks.tls.test:{tls_receiver.port}/hook"
    session = pinned_session(ip_address("127.0.0.1"))
    response = session.post(url, data=b"{}", timeout=5, verify=str(certificates / "ca.pem"))
    assert response.status_code == 200
    assert tls_receiver.server_names == ["hooks.tls.test"]  # SNI names the host, not the address
    assert tls_receiver.received[0].headers["host"] == f"hooks.tls.test:{tls_receiver.port}"


def test_https_refuses_a_certificate_for_another_name_at_the_pinned_address(tls_receiver, certificates):
    url = f"https://other.tls.test:{tls_receiver.port}/hook"
    session = pinned_session(ip_address("127.0.0.1"))
    with pytest.raises(requests.exceptions.SSLError, match=r"other\.tls\.test"):
        session.post(url, data=b"{}", timeout=5, verify=str(certificates / "ca.pem"))
    assert tls_receiver.received == []


def test_https_refuses_a_certificate_from_an_unknown_authority(tls_receiver):
    session = pinned_session(ip_address("127.0.0.1"))
    with pytest.raises(requests.exceptions.SSLError):
        session.post(f"https://hooks.tls.test:{tls_receiver.port}/hook", data=b"{}", timeout=5)
    assert tls_receiver.received == []
