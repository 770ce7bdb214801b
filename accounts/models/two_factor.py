"""A person's two-factor sign-in, as the audit trail tells it.

The secrets live in django-otp's devices (a TOTP device, a static device holding the recovery codes); this
row is the person's audited record of them: each enrolment, disabling, new set of recovery codes and use of a
recovery code is a saved change with its reason and who made it (django-simple-history).
It belongs to the person, not to a tenant: one second factor signs them in to every tenant they belong to.
"""

from django.conf import settings
from django.db import models

from accounts.audit import audit_trail


class TwoFactorStatus(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    enabled_at = models.DateTimeField(null=True, blank=True, help_text="When the authenticator was confirmed; "
                                      "empty while two-factor sign-in is off.")  # fmt: skip
    recovery_codes_issued_at = models.DateTimeField(null=True, blank=True)
    recovery_code_used_at = models.DateTimeField(null=True, blank=True)

    history = audit_trail()

    class Meta:
        verbose_name = "two-factor status"
        verbose_name_plural = "two-factor statuses"

    def __str__(self) -> str:
        return f"Two-factor sign-in of {self.user}"
