"""Filters of the accounts list: my book, and renewals ahead (or past, labelled as such)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from accounts.zones import tenant_zone

AHEAD_DAYS = (30, 60, 90, 180)
PAST_DAYS = (30, 90)


class AccountMineFilter(admin.SimpleListFilter):
    title = "account owner"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("yes", "My accounts"),) if getattr(request, "membership", None) else ()

    def queryset(self, request, queryset):
        membership = getattr(request, "membership", None)
        if self.value() == "yes" and membership is not None:
            return queryset.filter(csm_owner_id=membership.pk)
        return queryset


class RenewalWindowFilter(admin.SimpleListFilter):
    """Renewals in the next N days (today included), or whose date passed in the last N days; days are the
    tenant's, so "the next 30 days" starts on the tenant's today, not the server's."""

    title = "renewal"
    parameter_name = "renewal"

    def lookups(self, request, model_admin):
        return (
            *((f"next{days}", f"Renews in the next {days} days") for days in AHEAD_DAYS),
            *((f"past{days}", f"Renewal date passed, last {days} days") for days in PAST_DAYS),
            ("none", "No renewal date"),
        )

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value == "none":
            return queryset.filter(renewal_on__isnull=True)
        tenant = getattr(request, "tenant", None)
        today = timezone.now().astimezone(tenant_zone(tenant)).date() if tenant else timezone.localdate()
        for days in AHEAD_DAYS:
            if value == f"next{days}":
                return queryset.filter(renewal_on__gte=today, renewal_on__lt=today + timedelta(days=days))
        for days in PAST_DAYS:
            if value == f"past{days}":
                return queryset.filter(renewal_on__gte=today - timedelta(days=days), renewal_on__lt=today)
        return queryset
