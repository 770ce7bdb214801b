"""Events and the ingestion-error log: read-only, and quick on tables with millions of rows.

Nothing here asks the database for a full scan: counts are capped by the base paginator, the
filters have fixed choices (no ``SELECT DISTINCT`` over events, no date hierarchy), the time
filter and the default order follow the (tenant, occurred_at) index, and a search matches exactly
what the term names: a message id (unique per tenant), a contact, a feature, a non-usage event.
"""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin.base import TenantScopedAdmin, restrict_to_request_tenant
from accounts.admin.people import AdminOnlyMixin
from accounts.models import Contact
from indicators.admin.base import ReadOnlyAdminMixin, SourceFilter
from indicators.models import Event, EventMessage, EventType, Feature, IngestionError


class OccurredWithinFilter(admin.SimpleListFilter):
    title = "occurred"
    parameter_name = "occurred_within"
    WINDOWS = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}

    def lookups(self, request, model_admin):
        return (("1d", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"))

    def queryset(self, request, queryset):
        window = self.WINDOWS.get(self.value())
        return queryset.filter(occurred_at__gte=timezone.now() - window) if window else queryset


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = ("occurred_at", "type", "name", "account", "contact", "source", "message_id")
    list_display_links = ("occurred_at", "name")
    list_select_related = ("account", "contact")
    list_filter = ("type", SourceFilter, OccurredWithinFilter)
    search_fields = ("message_id", "name", "user_id")
    search_help_text = "An exact message id, event name or user id (a contact's external id)."
    raw_id_fields = ("account", "contact")
    ordering = ("-occurred_at", "-id")
    fields = (
        ("type", "name"),
        ("account", "contact"),
        ("occurred_at", "received_at"),
        ("source", "message_id"),
        ("user_id", "anonymous_id"),
        "properties",
    )

    def get_search_results(self, request, queryset, search_term):
        # Exact matches only: a contains-search would read millions of rows. The message id is tried
        # alone first, through the de-duplication window's ids (older ones are not indexed); then what
        # the term names: a contact, a feature, or else a non-usage event (a partial index over that
        # small share of the table).
        term = search_term.strip()
        if not term:
            return queryset, False
        claims = restrict_to_request_tenant(request, EventMessage.unscoped.filter(message_id=term))
        by_message_id = queryset.filter(pk__in=list(claims.values_list("event_id", flat=True)[:100]))
        if by_message_id.exists():
            return by_message_id, False
        pending = Q(account=None, user_id=term)  # events still waiting for an account (partial index)
        contacts = restrict_to_request_tenant(request, Contact.unscoped.filter(external_id=term))
        contact_ids = list(contacts.values_list("pk", flat=True)[:100])  # one per tenant; a superuser sees all
        if contact_ids:
            return queryset.filter(Q(contact_id__in=contact_ids) | pending), False
        if restrict_to_request_tenant(request, Feature.unscoped.filter(key=term)).exists():
            # A feature's usage is found walking the time index newest first, which a page of a feature
            # in use fills quickly (a feature registered but unused reads the tenant's events: no index
            # by name, as one would be written on every event ingested).
            return queryset.filter(Q(name=term) | pending), False
        # Not a feature: only non-usage events can carry the name, a small part of the table (partial index).
        return queryset.filter(Q(name=term) & ~Q(type=EventType.USAGE) | pending), False


@admin.register(IngestionError)
class IngestionErrorAdmin(AdminOnlyMixin, ReadOnlyAdminMixin, TenantScopedAdmin):
    """What the tenant's integrations sent that could not be stored, newest first (admins only)."""

    list_display = ("received_at", "source", "index", "message_id", "reason")
    list_filter = (SourceFilter,)
    search_fields = ("=message_id",)
    search_help_text = "An exact message id."
    ordering = ("-received_at", "-id")
    fields = ("received_at", "source", ("message_id", "index"), "reason", "payload_as_sent")
    readonly_fields = ("payload_as_sent",)

    @admin.display(description="Payload")
    def payload_as_sent(self, obj):
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.payload)
