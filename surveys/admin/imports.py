"""Importing responses from a CSV file: a dry-run preview with per-row errors, then the import."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.admin.csv_upload import CsvUploadForm
from accounts.roles import Role, role_at_least
from surveys.models import Survey
from surveys.services.imports import COLUMNS, responses_import


class ImportForm(CsvUploadForm):
    survey = forms.ModelChoiceField(queryset=Survey.unscoped.none(), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.for_tenant(tenant)


def response_import(request):
    tenant = request.tenant
    if tenant is None or not role_at_least(request.role, Role.ADMIN):
        raise PermissionDenied("Only a tenant's admins import responses.")
    result, form = None, ImportForm(tenant=tenant)
    committed = False
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, tenant=tenant)
        if form.is_valid():
            committed = request.POST.get("action") == "import"
            result = responses_import(
                tenant=tenant,
                text=form.cleaned_data["csv_text"],
                survey=form.cleaned_data["survey"],
                dry_run=not committed,
                now=timezone.now(),
            )
            form = ImportForm(
                initial={"csv_text": form.cleaned_data["csv_text"], "survey": form.cleaned_data["survey"]},
                tenant=tenant,
            )
    context = {
        **admin.site.each_context(request),
        "title": "Import survey responses",
        "form": form,
        "result": result,
        "committed": committed,
        "columns": COLUMNS,
    }
    return TemplateResponse(request, "admin/surveys/response_import.html", context)
