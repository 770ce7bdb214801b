"""Importing renewals from a CSV file: a dry run (saved, then rolled back) with errors by line, then the
import, offered only when the dry run found none. Admins only."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from accounts.admin.csv_upload import CsvUploadForm
from outcomes.admin.pages import is_admin
from outcomes.api.renewal_csv import COLUMNS, renewals_import


def renewal_import(request):
    if request.tenant is None or not is_admin(request):
        raise PermissionDenied("Only a tenant's admins import renewals.")
    result, form, committed = None, CsvUploadForm(), False
    if request.method == "POST":
        form = CsvUploadForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["csv_text"]
            committed = request.POST.get("action") == "import"
            context = {"tenant": request.tenant, "source": "import", "request": request}
            result = renewals_import(tenant=request.tenant, text=text, context=context, dry_run=not committed)
            form = CsvUploadForm(initial={"csv_text": text})
    context = {
        **admin.site.each_context(request),
        "title": "Import renewals",
        "form": form,
        "result": result,
        "committed": committed,
        "columns": COLUMNS,
    }
    return TemplateResponse(request, "admin/outcomes/renewal_import.html", context)
