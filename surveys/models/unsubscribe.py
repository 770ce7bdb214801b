"""A contact who asked never to be surveyed again. Permanent: there is no way back through the product."""

from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned


class SurveyUnsubscribe(TenantOwned):
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="+")
    unsubscribed_at = models.DateTimeField()
    send = models.ForeignKey(
        "surveys.SurveySend",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The invitation whose link was used, if any.",
    )

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "contact"], name="surveyunsubscribe_unique_contact")]

    def __str__(self) -> str:
        return f"{self.contact} unsubscribed"
