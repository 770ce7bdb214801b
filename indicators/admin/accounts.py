"""The account admin as the console shows it: the account's fields with its health, User 360 and activity."""

from django.contrib import admin, messages
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin.customers import AccountAdmin
from accounts.background import enqueue_on_commit
from accounts.models import Account, Tenant
from indicators.admin.account_health import (
    BandListFilter,
    ScoreRangeListFilter,
    TrendListFilter,
    band_severity,
    contacts_panel,
    health_panel,
    money_text,
    signed,
)
from indicators.admin.account_sections import account_sections
from indicators.engine.formatting import fixed
from indicators.models import Event
from indicators.scoring.recompute import TASK_ACCOUNTS, accounts_recompute
from indicators.stale.sweep import chunks_by_tenant
from indicators.tasks import recompute_accounts

RECENT_EVENTS = 20
RECOMPUTE_INLINE_MAX = 50  # more selected accounts than this are queued for the workers instead


@admin.register(Account)
class AccountHealthAdmin(AccountAdmin):
    # What a CSM scans for first, left to right, in short forms, so the list fits 1440 px beside the menu
    # and the filters; the external id, segment and licenses are on the account's page (and segment a filter).
    list_display = (
        "name", "health_band", "health_score", "health_change_7d", "arr_shown", "renewal", "csm", "stage",
    )  # fmt: skip
    # The export carries what the list leaves to the account's page.
    export_display = (
        "name", "external_id", "segment", "lifecycle_stage", "health_score", "health_band", "health_change_7d",
        "arr", "licenses", "renewal_on", "csm_owner",
    )  # fmt: skip
    list_filter = (BandListFilter, ScoreRangeListFilter, TrendListFilter, *AccountAdmin.list_filter)
    list_select_related = (*AccountAdmin.list_select_related, "health", "tenant")
    search_result_columns = (*AccountAdmin.search_result_columns, "health_band")
    actions = ["recompute_health"]
    readonly_fields = (*AccountAdmin.readonly_fields, "health_summary", "contacts_360", "recent_activity")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (
            ("Health", {"fields": ("health_summary",)}),
            *fieldsets,
            *((section.title, {"fields": (section.field,)}) for section in account_sections()),
            ("Contacts (User 360)", {"fields": ("contacts_360",)}),
            ("Recent activity", {"fields": ("recent_activity",)}),
        )

    def get_readonly_fields(self, request, obj=None):
        sections = tuple(section.field for section in account_sections()) if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *sections)

    def get_queryset(self, request):
        # Bands sort by severity (red, yellow, green, then not scored), not by their names.
        return super().get_queryset(request).annotate(band_severity=band_severity("health__band"))

    # --- health in the change list ---------------------------------------------------
    @staticmethod
    def _health(obj):
        return getattr(obj, "health", None)  # the reverse one-to-one raises when the account has no score

    @admin.display(description="Score", ordering="health__score")
    def health_score(self, obj):
        health = self._health(obj)
        return "-" if health is None or health.score is None else fixed(health.score)

    @admin.display(description="Band", ordering="band_severity")
    def health_band(self, obj):
        health = self._health(obj)
        return health.get_band_display() if health is not None and health.band else "-"

    @admin.display(description="ARR", ordering="arr")
    def arr_shown(self, obj):
        return money_text(obj.arr, obj.currency_in(obj.tenant.currency))

    @admin.display(description="Renewal", ordering="renewal_on")
    def renewal(self, obj):
        return obj.renewal_on.isoformat() if obj.renewal_on else "-"

    @admin.display(description="CSM", ordering="csm_owner__user__first_name")
    def csm(self, obj):
        if obj.csm_owner is None:
            return "-"
        user = obj.csm_owner.user
        return user.get_full_name() or user.email

    @admin.display(description="Stage", ordering="lifecycle_stage")
    def stage(self, obj):
        return obj.get_lifecycle_stage_display()

    @admin.display(description="Change 7d", ordering="health__change_7d")
    def health_change_7d(self, obj):
        health = self._health(obj)
        return signed(health.change_7d if health is not None else None)

    @admin.action(description="Recompute health scores", permissions=["change"])
    def recompute_health(self, request, queryset):
        work = chunks_by_tenant(
            queryset.values_list("tenant_id", "pk"), size=TASK_ACCOUNTS
        )  # one tenant's, or several for an operator
        selected = sum(len(ids) for _, ids in work)
        if selected > RECOMPUTE_INLINE_MAX:
            for tenant_id, ids in work:
                enqueue_on_commit(recompute_accounts, tenant_id=tenant_id, account_ids=ids)
            self.message_user(
                request, f"Recompute queued for {selected} account{pluralize(selected)}.", messages.SUCCESS
            )
            return
        tenants = Tenant.objects.in_bulk([tenant_id for tenant_id, _ in work])
        done = sum(accounts_recompute(tenant=tenants[tenant_id], account_ids=ids) for tenant_id, ids in work)
        self.message_user(request, f"Recomputed the health score of {done} account{pluralize(done)}.", messages.SUCCESS)

    # --- health and contacts on the change page ----------------------------------------
    @admin.display(description="Health score")
    def health_summary(self, obj):
        return "-" if obj.pk is None else health_panel(obj)

    @admin.display(description="Contacts")
    def contacts_360(self, obj):
        return "-" if obj.pk is None else contacts_panel(obj)

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
