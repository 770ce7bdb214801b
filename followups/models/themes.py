"""The outer loop: departments, themes that route to them, keyword rules, and the themes of each response."""

from django.core.exceptions import ValidationError
from django.db import models

from accounts.audit import audit_trail
from accounts.tenancy import TenantOwned
from followups.models.choices import DepartmentKind, TaggedBy


class Department(TenantOwned):
    """A team feedback is routed to. Every tenant starts with product, support, sales, success and billing."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=DepartmentKind.choices, default=DepartmentKind.CUSTOM)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Theme(TenantOwned):
    """What a response talks about ("onboarding", "pricing"); routes the response to a department."""

    name = models.CharField(max_length=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="themes")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive themes keep their tags but match no rule.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="theme_unique_name")]
        indexes = [models.Index(fields=["tenant", "department"], name="theme_tenant_department")]

    def __str__(self) -> str:
        return self.name


class ThemeKeywordRule(TenantOwned):
    """Tags a response with ``theme`` when its comment contains ``phrase`` (whole words, any case)."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="rules")
    phrase = models.CharField(max_length=200, help_text="A word or phrase, matched as whole words in any case.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["theme__name", "phrase"]
        indexes = [models.Index(fields=["tenant", "theme"], name="themerule_tenant_theme")]

    def __str__(self) -> str:
        return f"“{self.phrase}” → {self.theme}"

    def clean(self):
        super().clean()
        if not (self.phrase or "").strip():
            raise ValidationError({"phrase": "Enter a word or phrase."})


class ResponseTheme(TenantOwned):
    """A response tagged with a theme, by a keyword rule or by a person."""

    response = models.ForeignKey("surveys.SurveyResponse", on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    tagged_by = models.CharField(max_length=10, choices=TaggedBy.choices)
    rule = models.ForeignKey(ThemeKeywordRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tagged_by_member = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_trail()

    class Meta(TenantOwned.Meta):
        ordering = ["theme__name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "response", "theme"], name="responsetheme_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "theme", "-created_at"], name="responsetheme_tenant_theme")]

    def __str__(self) -> str:
        return f"{self.theme} ({self.get_tagged_by_display()})"
