"""Renewals, their reasons and the ARR ledger in the console; the rules stay in outcomes/services."""

from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from accounts.admin.base import TenantScopedAdmin
from accounts.roles import Role
from indicators.admin.base import ReadOnlyAdminMixin
from outcomes.models import ArrMovement, ExchangeRate, Renewal, RenewalReason
from outcomes.services.forecast import disagrees
from outcomes.services.renewals import renewal_save, renewal_validate


class RenewalForm(forms.ModelForm):
    class Meta:
        model = Renewal
        fields = ("account", "external_id", "term_start", "term_end", "arr_due", "outcome", "closed_arr",
                  "closed_on", "reason", "csm_call", "csm_call_on", "notes")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:  # a new renewal: a one-year term from today, as most are
            today = date.today()
            self.initial.setdefault("term_start", today)
            self.initial.setdefault("term_end", today.replace(year=today.year + 1, day=min(today.day, 28)))

    def _post_clean(self):
        super()._post_clean()
        if self.instance.account_id is None or self.errors:
            return
        try:  # the service's own checks, shown next to their fields instead of failing the save
            renewal_validate(tenant=self.instance.account.tenant, renewal=self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class MineFilter(admin.SimpleListFilter):
    title = "account owner"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("yes", "My accounts"),) if getattr(request, "membership", None) else ()

    def queryset(self, request, queryset):
        if self.value() == "yes" and getattr(request, "membership", None) is not None:
            return queryset.filter(account__csm_owner_id=request.membership.pk)
        return queryset


@admin.register(Renewal)
class RenewalAdmin(TenantScopedAdmin):
    """Admins change any renewal; a CSM those of the accounts they own (``Renewal.csm_may_change``, through
    the base's permissions), and only towards those accounts; viewers read."""

    form = RenewalForm
    list_display = ("account", "term_end", "arr_due", "outcome", "closed_arr", "csm_call", "chance_to_renew", "source")
    list_filter = ("outcome", "csm_call", MineFilter, "source")
    search_fields = ("account__name", "external_id")
    date_hierarchy = "term_end"
    autocomplete_fields = ()
    readonly_fields = ("source", "forecast_shown", "created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "forecast")

    @admin.display(description="chance to renew", ordering="forecast__probability")
    def chance_to_renew(self, renewal) -> str:
        forecast = getattr(renewal, "forecast", None)
        if forecast is None or forecast.probability is None:
            return "–"
        flag = " ⚠" if disagrees(forecast.probability, renewal.csm_call) else ""
        return f"{forecast.probability:.0%}{flag}"

    @admin.display(description="forecast")
    def forecast_shown(self, renewal):
        forecast = getattr(renewal, "forecast", None)
        if forecast is None:
            if renewal.is_closed:
                return "None: it closed before any forecast was made."
            return "No forecast yet: forecasts are made daily."
        if forecast.probability is None:
            return f"No forecast possible yet ({forecast.model_version}): too few closed renewals to learn from."
        interval = f" (95% interval {forecast.low:.0%} to {forecast.high:.0%})" if forecast.low is not None else ""
        lines = [f"{forecast.probability:.0%} chance to renew{interval}, expected ARR {forecast.expected_arr:,}, "
                 f"by {forecast.model_version} on {forecast.made_on:%Y-%m-%d}."]  # fmt: skip
        if disagrees(forecast.probability, renewal.csm_call):
            lines.append(f"The CSM's call ({renewal.get_csm_call_display()}) disagrees with the forecast.")
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines + forecast.drivers))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "account" and self.role(request) == Role.CSM:
            # A CSM may not move a renewal onto an account someone else owns.
            membership = request.membership
            field.queryset = field.queryset.filter(csm_owner_id=membership.pk if membership else None)
        return field

    def save_model(self, request, obj, form, change):
        renewal_save(tenant=obj.account.tenant, renewal=obj)


@admin.register(RenewalReason)
class RenewalReasonAdmin(TenantScopedAdmin):
    list_display = ("name", "kind", "active")
    list_filter = ("kind", "active")


@admin.register(ArrMovement)
class ArrMovementAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """Read only: the ledger is appended by renewals and commercial events, never edited."""

    list_display = ("account", "on", "kind", "amount", "arr_after", "renewal", "note")
    list_filter = ("kind",)
    search_fields = ("account__name",)
    date_hierarchy = "on"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(TenantScopedAdmin):
    """Rates to the tenant's currency by day; viewers read, admins change (the outcome figures list the ones
    they used)."""

    list_display = ("currency", "rate", "valid_from", "updated_at")
    list_filter = ("currency",)
    search_fields = ("currency",)
    date_hierarchy = "valid_from"
    fields = ("currency", "rate", "valid_from")
