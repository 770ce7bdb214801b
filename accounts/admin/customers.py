"""The tenant's customers in the console: accounts and their contacts."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

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
        ("Custom attributes", {"fields": ("custom_attributes_shown",)}),
    )
    readonly_fields = ("custom_attributes_shown",)

    @admin.display(description="Custom attributes")
    def custom_attributes_shown(self, obj):
        """Read-only: integrations set them (group traits); a table of name and value, by name."""
        attributes = obj.custom_attributes if obj is not None and obj.pk else {}
        if not attributes:
            return "None: group calls keep here the traits this account has no field for."
        rows = format_html_join(
            "", "<tr><th scope='row'>{}</th><td>{}</td></tr>", sorted((k, _shown(v)) for k, v in attributes.items())
        )
        return format_html("<table class='custom-attributes'><tbody>{}</tbody></table>", rows)


def _shown(value) -> str:
    return "true" if value is True else "false" if value is False else str(value)


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
