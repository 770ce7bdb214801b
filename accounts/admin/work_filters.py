"""List filters for working lists: open work and live accounts by default, one click from the rest.

A working list (accounts, alerts, follow-ups) opens on what needs doing: a closed alert or a churned
account is history, not work. These filters apply a default when the query string says nothing, and
offer the other views as choices, so "all" is always one click away and shows in the URL.
"""

from __future__ import annotations

from django.contrib import admin

from accounts.models.customers import LifecycleStage


class DefaultChoiceFilter(admin.SimpleListFilter):
    """A filter with no "All" entry of Django's: ``default`` applies when the parameter is absent.

    ``overridden_by``: parameters of other filters that, when present, switch the default off (a
    person who picks "Closed" in the status filter wants closed rows, whatever this filter's default).
    """

    default: str
    overridden_by: tuple[str, ...] = ()

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.overridden = any(name in request.GET for name in self.overridden_by)

    def value(self):
        chosen = super().value()
        if chosen is None and not self.overridden:
            return self.default
        return chosen

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            if lookup == self.default:
                query_string = changelist.get_query_string(remove=[self.parameter_name])
            else:
                query_string = changelist.get_query_string({self.parameter_name: lookup})
            yield {"selected": self.value() == lookup, "query_string": query_string, "display": title}


class OpenWorkFilter(DefaultChoiceFilter):
    """Open work by default (any status but closed); "closed" or "all" on request."""

    title = "work"
    parameter_name = "work"
    default = "open"
    status_field = "status"
    closed_status = "closed"
    overridden_by = ("status__exact",)

    def lookups(self, request, model_admin):
        return (("open", "Open"), ("closed", "Closed"), ("all", "All"))

    def queryset(self, request, queryset):
        closed = {self.status_field: self.closed_status}
        if self.value() == "open":
            return queryset.exclude(**closed)
        if self.value() == "closed":
            return queryset.filter(**closed)
        return queryset


class ChurnedFilter(DefaultChoiceFilter):
    """Churned accounts (and their alerts and follow-ups) are out of working lists unless asked for.

    ``account_path``: the lookup from the listed model to its account ("" for accounts themselves).
    """

    title = "churned accounts"
    parameter_name = "churned"
    default = "hide"
    account_path = "account__"
    overridden_by = ("lifecycle_stage__exact",)

    def lookups(self, request, model_admin):
        return (("hide", "Hidden"), ("show", "Shown"), ("only", "Only churned"))

    def queryset(self, request, queryset):
        churned = {f"{self.account_path}lifecycle_stage": LifecycleStage.CHURNED}
        if self.value() == "hide":
            return queryset.exclude(**churned)
        if self.value() == "only":
            return queryset.filter(**churned)
        return queryset


class AccountChurnedFilter(ChurnedFilter):
    account_path = ""
