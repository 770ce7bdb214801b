"""Importing renewals from a CSV file: a dry run (saved, then rolled back) with errors by line, then the
import, offered only when the dry run found none. Admins only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from outcomes.admin.pages import is_admin
from outcomes.api.renewal_csv import COLUMNS, renewals_import

MAX_BYTES = 2 * 1024 * 1024


class RenewalImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="UTF-8 CSV with a header row, up to 2 MB.")
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError("The file is larger than 2 MB: split it.")
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not data.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file.")
        return data


def renewal_import(request):
    if request.tenant is None or not is_admin(request):
        raise PermissionDenied("Only a tenant's admins import renewals.")
    result, form, committed = None, RenewalImportForm(), False
    if request.method == "POST":
        form = RenewalImportForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["csv_text"]
            committed = request.POST.get("action") == "import"
            context = {"tenant": request.tenant, "source": "import", "request": request}
            result = renewals_import(tenant=request.tenant, text=text, context=context, dry_run=not committed)
            form = RenewalImportForm(initial={"csv_text": text})
    context = {
        **admin.site.each_context(request),
        "title": "Import renewals",
        "form": form,
        "result": result,
        "committed": committed,
        "columns": COLUMNS,
    }
    return TemplateResponse(request, "admin/outcomes/renewal_import.html", context)
