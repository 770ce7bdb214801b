"""JSON log lines (python-json-logger), one object a line, for a log store to index; selected by LOG_FORMAT=json.

Each line: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, the request and task context
(``request_id``, ``tenant_id``, ``task_id``, ``task_name``: see accounts.log_context), any ``extra``
fields, and ``exc_info`` with the traceback when there is one.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from accounts.log_context import LogContextFilter


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "{levelname}{name}{message}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def celery_handlers_configure(*, logger: logging.Logger, json: bool) -> None:
    """Give the handlers Celery's worker set up the request and task context, and JSON when asked.

    A worker replaces the root logger's handlers with its own; this puts back what LOGGING gives the web.
    """
    for handler in logger.handlers:
        if not any(isinstance(f, LogContextFilter) for f in handler.filters):
            handler.addFilter(LogContextFilter())
        if json:
            handler.setFormatter(json_formatter())
