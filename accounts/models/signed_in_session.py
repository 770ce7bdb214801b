"""A signed-in console session, so its owner can see where they are signed in and sign any of them out.

Keyed by the session store's key (never shown: it is the cookie's secret); the row is written at sign-in and
its ``last_seen_at`` at most once a minute. It belongs to the person, not to a tenant: one session may act in
each of the person's tenants in turn. The audit trail records each sign-in and each session ended, without
the key or the minute-by-minute "last seen".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.audit import audit_trail


class SignedInSession(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    history = audit_trail(excluded_fields=["session_key", "last_seen_at"])

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="signedin_user_seen")]

    def __str__(self) -> str:
        return f"Session of {self.user} since {self.created_at:%Y-%m-%d %H:%M}"
