from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin.base import TenantScopedAdmin, TenantScopedInline
from accounts.models import Account, Contact
from indicators.models import Event

RECENT_EVENTS = 20


class ContactInline(TenantScopedInline):
    model = Contact
    fields = ("name", "email", "title", "is_executive", "is_champion", "adoption_stage", "last_seen_at")
    readonly_fields = fields
    can_delete = False
    max_num = 0  # contacts are edited on their own page; this lists them
    ordering = ("-is_executive", "name")


@admin.register(Account)
class AccountAdmin(TenantScopedAdmin):
    list_display = ("name", "external_id", "segment", "lifecycle_stage", "arr", "licenses", "renewal_on", "csm_owner")
    list_filter = ("lifecycle_stage", "segment", "csm_owner", "objectives_documented", "renewal_on")
    search_fields = ("name", "external_id")
    list_select_related = ("csm_owner__user",)
    autocomplete_fields = ("csm_owner", "executive_sponsor")
    date_hierarchy = None
    inlines = [ContactInline]
    fieldsets = (
        (None, {"fields": ("name", "external_id", "segment", "lifecycle_stage", "csm_owner", "executive_sponsor")}),
        ("Commercial", {"fields": ("arr", "licenses", "contract_start_on", "renewal_on")}),
        (
            "Onboarding and objectives",
            {"fields": ("onboarding_started_on", "onboarding_completed_on", "objectives_documented", "objectives")},
        ),
    )

    readonly_fields = ("recent_activity",)

    def csm_owns(self, membership, obj):
        return membership is not None and obj.csm_owner_id == membership.pk

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else (*fieldsets, ("Recent activity", {"fields": ("recent_activity",)}))

    @admin.display(description=f"Last {RECENT_EVENTS} events")
    def recent_activity(self, obj):
        if obj.pk is None:
            return "-"
        # Newest first along the (tenant, account, occurred_at) index.
        events = (
            Event.objects.for_tenant(obj.tenant_id)
            .filter(account=obj)
            .select_related("contact")
            .order_by("-occurred_at", "-id")[:RECENT_EVENTS]
        )
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
            (
                (
                    timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M"),
                    e.get_type_display(),
                    reverse("admin:indicators_event_change", args=[e.pk]),
                    e.name,
                    e.contact or "",
                    e.source,
                )
                for e in events
            ),
        )
        if not rows:
            return "No events yet."
        return format_html(
            "<table><thead><tr><th>When</th><th>Type</th><th>Name</th><th>Contact</th><th>Source</th></tr></thead>"
            '<tbody>{}</tbody></table><p><a href="{}?account__id__exact={}">All events of this account</a></p>',
            rows,
            reverse("admin:indicators_event_changelist"),
            obj.pk,
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
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    raw_id_fields = ("reports_to",)
    fieldsets = (
        (None, {"fields": ("account", "external_id", "name", "email", "title", "reports_to")}),
        ("Role at the customer", {"fields": ("is_executive", "is_decision_maker", "is_champion", "is_advocate")}),
        ("Adoption", {"fields": ("adoption_stage", "first_seen_at", "last_seen_at")}),
    )

    def csm_owns(self, membership, obj):
        return membership is not None and obj.account.csm_owner_id == membership.pk
