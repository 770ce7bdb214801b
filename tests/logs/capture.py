"""The configured console handler's lines, as a log store would receive them."""

import io
import json
import logging
from contextlib import contextmanager

from accounts.log_context import LogContextFilter


def console_handler() -> logging.Handler:
    """The root handler LOGGING configures (the one carrying the log-context filter)."""
    return next(h for h in logging.getLogger().handlers if any(isinstance(f, LogContextFilter) for f in h.filters))


@contextmanager
def console_lines():
    """Yield a list that fills, on exit, with the JSON objects the console handler wrote meanwhile."""
    handler, buffer, lines = console_handler(), io.StringIO(), []
    previous = handler.setStream(buffer)
    try:
        yield lines
    finally:
        handler.setStream(previous)
        lines.extend(json.loads(line) for line in buffer.getvalue().splitlines() if line.strip())


def with_message(lines: list[dict], text: str) -> list[dict]:
    return [line for line in lines if text in line["message"]]
