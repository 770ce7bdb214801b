"""The tenant's customers in the console: accounts and their contacts."""

from django.contrib import admin

from accounts.admin.account_filters import AccountMineFilter, RenewalWindowFilter
from accounts.admin.base import TenantScopedAdmin
from accounts.admin.work_filters import AccountChurnedFilter
from accounts.models import Contact


class AccountAdmin(TenantScopedAdmin):
    """The account's own fields. Registered by ``indicators`` with its health (``indicators/admin/accounts.py``)."""

    list_display = (
        "name", "external_id", "segment", "lifecycle_stage", "arr", "licenses", "renewal_on", "csm_owner",
    )  # fmt: skip
    list_filter = (
        AccountChurnedFilter, AccountMineFilter, RenewalWindowFilter, "lifecycle_stage", "segment", "csm_owner",
        "objectives_documented",
    )  # fmt: skip
    search_fields = ("name", "external_id")
    search_result_columns = ("name", "external_id", "csm_owner")  # the console search's columns
    list_select_related = ("csm_owner__user",)
    autocomplete_fields = ("csm_owner", "executive_sponsor")
    date_hierarchy = None
    fieldsets = (
        (None, {"fields": ("name", "external_id", "segment", "lifecycle_stage", "csm_owner", "executive_sponsor")}),
        ("Commercial", {"fields": ("arr", "currency", "licenses", "contract_start_on", "renewal_on")}),
        (
            "Onboarding and objectives",
            {"fields": ("onboarding_started_on", "onboarding_completed_on", "objectives_documented", "objectives")},
        ),
    )


@admin.register(Contact)
class ContactAdmin(TenantScopedAdmin):
    list_display = (
        "__str__",
        "email",
        "account",
        "title",
        "is_executive",
        "is_champion",
        "adoption_stage",
        "last_seen_at",
    )
    list_filter = ("adoption_stage", "is_executive", "is_decision_maker", "is_champion", "is_advocate", "account")
    search_fields = ("name", "email", "external_id")
    search_result_columns = ("__str__", "email", "external_id", "account")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    raw_id_fields = ("reports_to",)
    fieldsets = (
        (None, {"fields": ("account", "external_id", "name", "email", "title", "reports_to")}),
        ("Role at the customer", {"fields": ("is_executive", "is_decision_maker", "is_champion", "is_advocate")}),
        ("Adoption", {"fields": ("adoption_stage", "first_seen_at", "last_seen_at")}),
    )
