"""CSV export of a console change list: exactly the rows it shows, across all its pages.

Every tenant-scoped admin serves ``<changelist>/export/`` and links to it from its change list with
the list's own query string. The rows come from the admin's own ``ChangeList`` built for that query
string, so the filters, the search, the ordering and the tenant scope are the list's, never
re-implemented; they are streamed from the database in chunks, so a long list is never loaded whole.

Who may export: anyone who may view the list, viewers included (an export holds nothing they could not
read page by page), acting in a tenant: every export is recorded in that tenant's audit
(``accounts.ExportRecord``), so an operator viewing all tenants is asked to choose one first.
Each cell is protected against formula injection (``accounts.csv_cells``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import tzinfo

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, IS_FACETS_VAR, IS_POPUP_VAR, PAGE_VAR, TO_FIELD_VAR
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.admin.columns import Column, columns_for, row_texts
from accounts.csv_cells import formula_safe
from accounts.models import ExportRecord
from accounts.replica import reading_from_replica, replica_alias, replica_streamed
from accounts.services.exports import export_finished, export_started
from accounts.zones import tenant_zone

CHUNK_SIZE = 500  # rows fetched per database round trip, and written per piece of the response
# Parameters of the change list's page that do not choose its rows: left out of the export's URL.
NOT_ROWS = (PAGE_VAR, ERROR_FLAG, IS_POPUP_VAR, TO_FIELD_VAR, IS_FACETS_VAR)


class _Echo:
    """A file for ``csv.writer`` that hands each formatted line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def rows_query(query: QueryDict) -> QueryDict:
    """The part of a change list's query string that chooses its rows."""
    rows = query.copy()
    for name in NOT_ROWS:
        rows.pop(name, None)
    return rows


def csv_lines(rows, columns: list[Column], zone: tzinfo, record: ExportRecord) -> Iterator[str]:
    """The header and each row of ``rows`` as CSV, in pieces; ``record`` is completed after the last row."""
    if rows.model is type(record):  # the export of the exports' audit leaves out its own, unfinished record
        rows = rows.exclude(pk=record.pk)
    writer = csv.writer(_Echo())
    yield writer.writerow([formula_safe(column.header) for column in columns])
    count, piece = 0, []
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        # Computed columns format times in the active zone: the tenant's, set around each row only,
        # since the server writes a streamed response after the view has returned.
        with timezone.override(zone):
            piece.append(writer.writerow([formula_safe(text) for text in row_texts(columns, row, zone)]))
        count += 1
        if len(piece) == CHUNK_SIZE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)
    export_finished(record, row_count=count)


class ExportMixin:
    """Adds the CSV export to a model admin (used by ``TenantScopedAdmin``)."""

    # The columns of the export when they should be more than the list's (a list kept narrow to fit the
    # screen); None: the list's own columns.
    export_display: tuple[str, ...] | None = None

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [path("export/", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def export_url(self, request) -> str | None:
        """The export of the change list ``request`` shows, for those who may export it (None otherwise)."""
        if IS_POPUP_VAR in request.GET or request.tenant is None or not self.has_view_permission(request):
            return None
        url = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_export")
        query = rows_query(request.GET).urlencode()
        return f"{url}?{query}" if query else url

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "export_url": self.export_url(request)}
        return super().changelist_view(request, extra_context)

    @staticmethod
    def export_filename(model, tenant) -> str:
        today = timezone.localdate(timezone=tenant_zone(tenant))
        return f"{slugify(model._meta.verbose_name_plural)}-{today.isoformat()}.csv"

    def export_view(self, request):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist_url = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if request.tenant is None:
            messages.info(request, "Choose a tenant to export its rows: every export is recorded in its audit.")
            return HttpResponseRedirect(changelist_url)
        request.GET = rows_query(request.GET)
        # The rows are read from the replica, when there is one (decided now: they stream after the view returns).
        alias = replica_alias()
        try:
            with reading_from_replica(alias):
                changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters as exc:
            names = ", ".join(sorted(request.GET)) or "none"
            return HttpResponseBadRequest(
                f"This list cannot be exported with these parameters ({names}): {exc}", content_type="text/plain"
            )
        columns = columns_for(self, self.export_display or changelist.list_display, with_ids=True)
        record = export_started(
            tenant=request.tenant, user=request.user, model=self.model, query_string=request.GET.urlencode()
        )
        response = StreamingHttpResponse(
            replica_streamed(csv_lines(changelist.queryset, columns, tenant_zone(request.tenant), record), alias=alias),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename(self.model, request.tenant)}"'
        return response
