"""Importing responses from a CSV file: a dry-run preview with per-row errors, then the import."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.roles import Role, role_at_least
from surveys.models import Survey
from surveys.services.imports import COLUMNS, responses_import

MAX_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="UTF-8 CSV with a header row.")
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)
    survey = forms.ModelChoiceField(queryset=Survey.unscoped.none(), required=False)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.for_tenant(tenant)

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
