"""My notifications (admin/work/notifications/): any signed-in member sees and changes their own email choices.

The page takes no id: it reads and writes only the requesting member's preferences, so no parameter can reach
another member's (a field naming one is ignored). Viewers use it too: it changes nothing but their own emails.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect

from outcomes.admin.pages import ConsoleFilters, console_page, filters_from
from workspace.admin.console import render_page
from workspace.models import NotificationPreference
from workspace.services.notifications import preference_shown, preference_update

TITLE = "My notifications"


class PreferenceForm(forms.Form):
    daily_digest = forms.BooleanField(
        required=False, label="Daily digest",
        help_text=NotificationPreference._meta.get_field("daily_digest").help_text + " Sent after 08:00, tenant time.",
    )  # fmt: skip
    urgent_email = forms.BooleanField(
        required=False, label="Urgent emails",
        help_text="At once, for the accounts I own: an executive or champion answers as a detractor, or a red "
        "account renews within 30 days.",
    )  # fmt: skip


class NoFilters(ConsoleFilters):
    """The page takes no parameters: any is a 400 naming it."""


def refuse_unknown_fields(form: PreferenceForm, posted) -> None:
    """A posted field the form does not have (a member's id, say) is an error naming it, and nothing is saved."""
    for name in sorted(set(posted) - set(form.fields) - {"csrfmiddlewaretoken"}):
        form.add_error(None, forms.ValidationError("Unknown field: %(name)s.", code="unknown", params={"name": name}))


@console_page
def my_notifications_page(request):
    member = request.membership
    if member is None:  # an operator acting in a tenant they are not a member of has no preferences there
        messages.info(request, "Operators who are not members of this tenant get none of its emails.")
        return redirect("admin:index")
    preference = preference_shown(member)  # a GET writes nothing
    initial = {"daily_digest": preference.daily_digest, "urgent_email": preference.urgent_email}
    filters = filters_from(request, NoFilters)
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        refuse_unknown_fields(form, request.POST)
    if request.method == "POST" and form.is_valid():
        preference_update(membership=member, **form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("workspace-admin:notifications")
    context = {
        "form": None,
        "errors": [error for errors in filters.form.errors.values() for error in errors],
        "preference_form": form,
        "preference": preference,
        "zone": request.tenant.time_zone,
    }
    status = 400 if form.errors or filters.status == 400 else 200
    return render_page(request, "workspace/my_notifications.html", TITLE, context, status=status)
