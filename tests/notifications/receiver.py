"""A real HTTP receiver on 127.0.0.1 for webhook tests: answers as told and records what it got."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    answers: list[tuple[int, dict[str, str], float]] = field(default_factory=list)  # status, headers, delay
    otherwise: int = 200  # the status answered once ``answers`` is used up
    received: list[Received] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)  # TLS SNI of each handshake
    in_flight: int = 0  # requests being answered right now
    most_in_flight: int = 0  # the most answered at once so far
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/hook"

    def answer(self, status: int, *, headers: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.answers.append((status, headers or {}, delay))


class IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def start_receiver(host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> Receiver:
    """A receiver on ``host``:``port`` (a free port by default), speaking https when given a server context."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            with receiver.lock:
                status, headers, delay = receiver.answers.pop(0) if receiver.answers else (receiver.otherwise, {}, 0.0)
                receiver.in_flight += 1
                receiver.most_in_flight = max(receiver.most_in_flight, receiver.in_flight)
            time.sleep(delay)
            with receiver.lock:
                receiver.in_flight -= 1
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender gave up (a timeout test)

        def log_message(self, *args):
            pass

    server = (IPv6Server if ":" in host else ThreadingHTTPServer)((host, port), Handler)
    server.daemon_threads = True
    receiver = Receiver(server)
    if tls is not None:
        tls.sni_callback = lambda _socket, name, _context: receiver.server_names.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver
