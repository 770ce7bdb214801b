"""Log a touch from the account page (admin/work/accounts/<id>/touch/): one form, then back to the account.

Admins, and CSMs on the accounts they may change (the account page's own rule); anyone else gets a 403 and
the account page shows them no button. The moment is read and shown in the tenant's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from accounts.tenancy import get_for_tenant_or_404
from accounts.zones import tenant_zone
from indicators.models import GutLevelChoice
from outcomes.admin.pages import console_page
from workspace.admin.account_timeline import may_log_touch
from workspace.services.touch import NOTE_MAX, TOUCH_KINDS, GutInput, touch_log
from workspace.timeline.entries import day_start

GUT_DAYS = 90  # a gut read given with a touch counts this long unless the form says otherwise


class LocalDateTimeField(forms.DateTimeField):
    """A date and time read and shown in ``zone`` (the tenant's), whatever the server's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, zone, **kwargs):
        super().__init__(**kwargs)
        self.zone = zone

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def to_python(self, value):
        with timezone.override(self.zone):  # a time that does not exist there (a DST gap) is an error here
            return super().to_python(value)


class TouchForm(forms.Form):
    kind = forms.ChoiceField(choices=TOUCH_KINDS, widget=forms.RadioSelect, initial="call")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 5, "cols": 80}), max_length=NOTE_MAX)
    gut_level = forms.ChoiceField(
        label="Gut read", required=False, choices=[("", "No gut read"), *GutLevelChoice.choices],
        help_text="Your own read of the account, set with this touch (its note is the touch's note).",
    )  # fmt: skip
    gut_until = forms.DateField(
        label="Gut read counts until", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="To the end of that day, in the tenant's time zone.",
    )  # fmt: skip

    def __init__(self, *args, zone, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone, self.today = zone, today
        self.fields["occurred_at"] = LocalDateTimeField(
            zone=zone, label="When", initial=timezone.now().replace(second=0, microsecond=0),
            help_text=f"In the tenant's time zone ({zone.key}); not in the future.",
        )  # fmt: skip
        self.order_fields(["kind", "occurred_at", "note", "gut_level", "gut_until"])
        self.fields["gut_until"].initial = today + timedelta(days=GUT_DAYS)

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now():
            raise ValidationError("A touch cannot be in the future.", code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("gut_level"):
            until = cleaned.get("gut_until")
            if until is None and "gut_until" not in self.errors:
                self.add_error("gut_until", "Say until when the gut read counts.")
            elif until is not None and until < self.today:
                self.add_error("gut_until", "The gut read must count until today or later.")
        return cleaned

    def gut(self) -> GutInput | None:
        level = self.cleaned_data.get("gut_level")
        if not level:
            return None
        until = self.cleaned_data["gut_until"]
        return GutInput(level=level, expires_at=day_start(until + timedelta(days=1), self.zone))


@console_page
def touch_page(request, account_id: int):
    tenant = request.tenant
    account = get_for_tenant_or_404(tenant, Account, pk=account_id)
    if not may_log_touch(request, account):
        raise PermissionDenied("Only an admin or the account's CSM may log a touch on it.")
    zone = tenant_zone(tenant)
    today = timezone.now().astimezone(zone).date()
    account_url = reverse("admin:accounts_account_change", args=[account.pk])
    form = TouchForm(request.POST or None, zone=zone, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            touch = touch_log(
                tenant=tenant, account=account, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"],
                occurred_at=form.cleaned_data["occurred_at"], by=request.membership, set_by=request.user,
                gut=form.gut(),
            )  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            said = dict(TOUCH_KINDS)[touch.event.name].lower()
            gut = f" and a {touch.gut_read.get_level_display().lower()} gut read" if touch.gut_read else ""
            messages.success(request, f"Logged a {said}{gut} on {account.name}.")
            return redirect(account_url)
    context = {
        **admin.site.each_context(request),
        "title": f"Log a touch on {account.name}",
        "account": account,
        "account_url": account_url,
        "timeline_url": reverse("workspace-admin:account-timeline", args=[account.pk]),
        "form": form,
    }
    return TemplateResponse(request, "workspace/touch.html", context, status=400 if form.errors else 200)
