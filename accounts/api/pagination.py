"""Cursor pages whose query parameters are read strictly.

A cursor is opaque: the client sends back the ``next``/``previous`` link as it got it. One that was
edited (bad base64, unknown keys, an offset out of range, a position that is no value of the ordering
field, a NUL byte) is a 400 with the code ``invalid_cursor`` naming ``cursor``, never a 404 or a 500.
``limit`` is a whole number from 1 to ``max_page_size``; anything else is a 400 naming ``limit``.
An empty ``cursor`` or ``limit`` is as if it were not sent.
"""

import binascii
from base64 import b64decode
from datetime import UTC, date, datetime
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.pagination import Cursor, CursorPagination

from accounts.whole_numbers import whole_number

MAX_PAGE_SIZE = 500
CURSOR_KEYS = {"o", "r", "p"}  # offset, reverse, position: what DRF's encode_cursor writes
MAX_CURSOR_LENGTH = 2048


# DRF's cursor writes a row's position as str(value): "None" for a row without a value, which no date
# compares with, so paging past such a row failed. A nullable date or time ordering pages over its value
# with the missing ones read as the latest possible (last ascending, first descending, on every database).
NULL_LAST_KEY = "cursor_"
LATEST = {models.DateTimeField: datetime.max.replace(tzinfo=UTC), models.DateField: date.max}


def _nullable_date_field(model, term: str):
    try:
        field = model._meta.get_field(term.lstrip("-")) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if field is not None and field.null and isinstance(field, models.DateField) else None


def _nulls_last(field):
    kind = models.DateTimeField if isinstance(field, models.DateTimeField) else models.DateField
    return Coalesce(field.name, Value(LATEST[kind], output_field=kind()), output_field=kind())


class InvalidCursor(ValidationError):
    def __init__(self):
        super().__init__({"cursor": [ErrorDetail("Invalid cursor", code="invalid_cursor")]})


def _limit_error(detail: str, code: str) -> ValidationError:
    return ValidationError({"limit": [ErrorDetail(detail, code=code)]})


class StrictCursorPagination(CursorPagination):
    """Cursor pages (no counts, no offsets in URLs) with ``?limit=`` and strictly checked parameters."""

    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page: a whole number from 1 to {MAX_PAGE_SIZE}; anything else is a 400."
    cursor_query_description = (
        "The `next` or `previous` link's cursor, as given; an edited one is a 400 (invalid_cursor)."
    )
    # Equal positions are skipped by an offset; the cap keeps an edited offset from scanning a table.
    offset_cutoff = 1000

    def query_parameters(self) -> set[str]:
        return {self.cursor_query_param, self.page_size_query_param}

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        field = _nullable_date_field(getattr(queryset, "model", None), ordering[0])
        if field is None:
            return ordering
        sign = "-" if ordering[0].startswith("-") else ""
        return (f"{sign}{NULL_LAST_KEY}{field.name}", *ordering[1:])

    def paginate_queryset(self, queryset, request, view=None):
        self._model = getattr(queryset, "model", None)
        name = self.get_ordering(request, queryset, view)[0].lstrip("-")
        if name.startswith(NULL_LAST_KEY):
            field = self._model._meta.get_field(name.removeprefix(NULL_LAST_KEY))
            queryset = queryset.annotate(**{name: _nulls_last(field)})
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        size = whole_number(raw)
        if size is None:
            raise _limit_error(f"A whole number from 1 to {self.max_page_size}.", "invalid")
        if size < 1:
            raise _limit_error(f"A whole number from 1 to {self.max_page_size}.", "min_value")
        if size > self.max_page_size:
            raise _limit_error(f"At most {self.max_page_size} rows per page.", "max_value")
        return size

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param, "")
        if encoded == "":
            return None
        try:
            if len(encoded) > MAX_CURSOR_LENGTH or not encoded.isascii():
                raise ValueError
            querystring = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(querystring, keep_blank_values=True, strict_parsing=True)
        except (ValueError, binascii.Error):  # UnicodeError is a ValueError
            raise InvalidCursor() from None
        if not tokens or set(tokens) - CURSOR_KEYS or any(len(values) != 1 for values in tokens.values()):
            raise InvalidCursor()
        offset = whole_number(tokens.get("o", ["0"])[0])
        reverse = tokens.get("r", ["0"])[0]
        position = tokens.get("p", [None])[0]
        if offset is None or offset > self.offset_cutoff or reverse not in ("0", "1"):
            raise InvalidCursor()
        if position is not None:
            self._check_position(position)
        return Cursor(offset=offset, reverse=reverse == "1", position=position)

    def _check_position(self, position: str) -> None:
        """The position must be a value of the first ordering field, as the database will compare it."""
        if "\x00" in position:
            raise InvalidCursor()
        field = self._ordering_field()
        if field is None:
            return
        try:
            value = field.to_python(position)
            field.run_validators(value)
            field.get_prep_value(value)
        except (DjangoValidationError, TypeError, ValueError, ArithmeticError):
            raise InvalidCursor() from None

    def _ordering_field(self):
        model = getattr(self, "_model", None)
        if model is None or not self.ordering:
            return None
        name = self.ordering[0].lstrip("-").removeprefix(NULL_LAST_KEY)
        try:
            return model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return None


class CreatedCursorPagination(StrictCursorPagination):
    """Stable pages over tables of any size: no counts, no offsets."""

    ordering = ("-created_at", "-id")
