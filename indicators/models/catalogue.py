"""The tenant's product catalogue: products (modules) and the features usage events name."""

from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned


class Product(TenantOwned):
    key = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="product_unique_key")]

    def __str__(self) -> str:
        return self.name


class Feature(TenantOwned):
    """A feature; ``key`` is the tracked event name. Unknown names register here as non-core."""

    key = models.CharField(max_length=200, help_text="The event name integrations send (Segment `event`).")
    name = models.CharField(max_length=200)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="features")
    is_core_value = models.BooleanField("core value", default=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_features",
        help_text="Usage of this feature counts as usage of that one.",
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="feature_unique_key")]

    def __str__(self) -> str:
        return self.name
