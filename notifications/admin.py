"""Webhook endpoints and their delivery log, scoped to the tenant; only admins change them."""

from django import forms
from django.contrib import admin, messages

from accounts.admin.base import TenantScopedAdmin, TenantScopedInline, scoped_queryset
from accounts.admin.people import AdminOnlyMixin
from notifications.event_types import EVENT_TYPES
from notifications.models import Delivery, DeliveryAttempt, EndpointKind, WebhookEndpoint
from notifications.services.endpoints import endpoint_save
from notifications.services.publish import replay, send_test_event
from notifications.services.secrets import rotate_secret


class WebhookEndpointForm(forms.ModelForm):
    kind = forms.TypedChoiceField(
        choices=EndpointKind.choices, initial=EndpointKind.STANDARD, required=False, empty_value=EndpointKind.STANDARD,
        help_text="Slack: a Slack incoming-webhook URL, sent a readable message, unsigned (keep the URL secret).",
    )  # fmt: skip
    url = forms.URLField(max_length=500, assume_scheme="https", help_text="https, to a public address.")
    event_types = forms.MultipleChoiceField(
        choices=sorted(EVENT_TYPES.items()), widget=forms.CheckboxSelectMultiple, help_text="The events sent here."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("kind", "url", "description", "event_types", "enabled")


def show_secret_once(request, endpoint, secret) -> None:
    messages.warning(request, f"Signing secret of {endpoint}: {secret.secret} — copy it now, it is not shown again.")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdminOnlyMixin, TenantScopedAdmin):
    # Admins only: a URL may carry a credential (a Slack incoming webhook's URL is its own secret).
    form = WebhookEndpointForm
    list_display = ("url", "kind", "description", "enabled", "disabled_reason", "created_at")
    list_filter = ("enabled", "kind")
    search_fields = ("url", "description")
    readonly_fields = ("disabled_reason", "disabled_at", "failing_since", "created_at", "updated_at")
    actions = ("rotate_secrets", "send_test_events", "replay_failed_deliveries")

    def save_model(self, request, obj, form, change):
        # A change keeps the row's tenant (the queryset is the tenant's already); a new row gets the request's.
        secret = endpoint_save(tenant=obj.tenant if change else request.tenant, endpoint=obj)
        if secret is not None:
            show_secret_once(request, obj, secret)

    @admin.action(description="Rotate the signing secret (the old one signs on during the overlap)")
    def rotate_secrets(self, request, queryset):
        if not self.has_change_permission(request):
            return
        for endpoint in queryset:
            if endpoint.is_signed:
                show_secret_once(request, endpoint, rotate_secret(endpoint))
            else:
                messages.info(request, f"{endpoint} is a Slack endpoint: it has no signing secret (its URL is secret).")

    @admin.action(description="Send a test event")
    def send_test_events(self, request, queryset):
        if not self.has_change_permission(request):
            return
        for endpoint in queryset:
            send_test_event(endpoint)
        self.message_user(request, f"Test event queued for {queryset.count()} endpoint(s).")

    @admin.action(description="Replay every failed or dead delivery of the selected endpoints")
    def replay_failed_deliveries(self, request, queryset):
        if not self.has_change_permission(request):
            return
        deliveries = scoped_queryset(request, Delivery).filter(endpoint__in=queryset)
        self.message_user(request, f"{replay(deliveries)} delivery(ies) queued again.")


class DeliveryAttemptInline(TenantScopedInline):
    model = DeliveryAttempt
    fields = ("attempted_at", "status_code", "duration_ms", "error", "response_body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(AdminOnlyMixin, TenantScopedAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "created_at")
    list_filter = ("status", "endpoint")
    fields = ("event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "created_at")
    readonly_fields = fields
    inlines = (DeliveryAttemptInline,)
    actions = ("replay_deliveries",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # actions only; rows are a log

    @admin.action(description="Replay failed or dead deliveries")
    def replay_deliveries(self, request, queryset):
        if not super().has_change_permission(request):
            return
        self.message_user(request, f"{replay(queryset)} delivery(ies) queued again.")
