from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail
from accounts.limits import API_RATE_CEILING, validate_per_minute
from accounts.tenancy import TenantOwned


def default_scopes() -> list[str]:
    return ["read"]


class ApiKey(TenantOwned):
    """A tenant's credential for integrations: ``csp_<key_id>_<secret>``, only a hash stored."""

    name = models.CharField(max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=default_scopes)
    rate_limit_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Requests per minute; empty uses the platform default."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    # last_used_at is written with queryset.update(), so it never floods the audit trail. (No
    # excluded_fields: simple-history would re-read them through the guarded manager.)
    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="apikey_tenant_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def prefix(self) -> str:
        """The visible, non-secret part of the key."""
        return f"csp_{self.key_id}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def clean(self):
        super().clean()
        if self.rate_limit_per_minute is not None:
            validate_per_minute(
                self.rate_limit_per_minute, field="rate_limit_per_minute", setting=API_RATE_CEILING, unit="requests"
            )

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
