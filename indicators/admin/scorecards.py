"""Scorecards in the admin: the scorecard with its measures inline, and its versions (read-only).

Saving records a new version when the definition changed and rescores the scorecard's accounts
after commit; the message says how many.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from accounts.admin.base import TenantScopedAdmin, TenantScopedInline
from accounts.models.customers import LifecycleStage
from indicators.models import Scorecard, ScorecardMeasure, ScorecardVersion
from indicators.services.scorecards import (
    default_take,
    scorecard_changed,
    scorecard_definition,
    scorecard_delete,
    scorecard_validate,
)

MEASURE_FIELDS = (
    "indicator",
    "weight",
    "rule",
    "lower",
    "upper",
    "bands",
    "outside_points",
    "no_data_points",
    "position",
)


class SegmentsField(forms.CharField):
    """Segments typed as a comma-separated list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [s.strip() for s in (value or "").split(",") if s.strip()]


class ScorecardForm(forms.ModelForm):
    segments = SegmentsField(required=False, help_text="Comma-separated account segments; empty for any segment.")
    lifecycle_stages = forms.MultipleChoiceField(
        choices=LifecycleStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Empty for any lifecycle stage.",
    )

    class Meta:
        model = Scorecard
        fields = ("name", "key", "is_default", "segments", "lifecycle_stages", "green_min", "yellow_min", "gut_weight")


class MeasureFormSet(forms.BaseInlineFormSet):
    """Every measure is checked on its own (model ``clean``); here, the scorecard as a whole."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.tenant_id is None:
            form.instance.tenant_id = self.instance.tenant_id  # so the measure's own checks see its tenant
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            ScorecardMeasure(**{f: form.cleaned_data.get(f) for f in MEASURE_FIELDS})
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("indicator")
        ]
        for n, measure in enumerate(kept):
            measure.position = measure.position or n
        try:
            scorecard_validate(scorecard_definition(self.instance, kept), key=self.instance.key or "new")
        except ValidationError as exc:
            raise ValidationError([f"{field}: {'; '.join(msgs)}" for field, msgs in exc.message_dict.items()]) from None


class MeasureInline(TenantScopedInline):
    model = ScorecardMeasure
    formset = MeasureFormSet
    fields = MEASURE_FIELDS
    show_change_link = False
    extra = 1


@admin.register(Scorecard)
class ScorecardAdmin(TenantScopedAdmin):
    form = ScorecardForm
    inlines = [MeasureInline]
    list_display = ("name", "key", "is_default", "applies_to", "version", "updated_at")
    list_filter = ("is_default",)
    search_fields = ("name", "key")
    fieldsets = (
        (None, {"fields": ("name", "key", "is_default")}),
        ("Applies to", {"fields": ("segments", "lifecycle_stages")}),
        ("Bands and gut read", {"fields": ("green_min", "yellow_min", "gut_weight")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("key", "versions") if obj is not None else ()  # the key names past scores

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else (*fieldsets, ("Versions", {"fields": ("versions",)}))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the service: never the default
        return actions

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_default)

    @admin.display(description="Applies to")
    def applies_to(self, obj):
        if obj.is_default:
            return "Every account no other scorecard matches"
        parts = [", ".join(obj.segments)] if obj.segments else []
        parts += [", ".join(LifecycleStage(s).label for s in obj.lifecycle_stages)] if obj.lifecycle_stages else []
        return " · ".join(parts) or "No account yet: name a segment or stage, or make it the default"

    @admin.display(description="Versions")
    def versions(self, obj):
        rows = ScorecardVersion.objects.for_tenant(obj.tenant_id).filter(scorecard=obj).select_related("changed_by")
        body = format_html_join(
            "",
            "<tr><td>v{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    v.number,
                    v.changed_at.strftime("%Y-%m-%d %H:%M"),
                    v.changed_by or "-",
                    ", ".join(f"{m['indicator']} × {m['weight']:g}" for m in v.definition.get("measures", [])),
                )
                for v in rows
            ),
        )
        if not body:
            return "No version yet."
        return format_html(
            "<table><thead><tr><th>Version</th><th>When</th><th>By</th><th>Measures</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.tenant = request.tenant
        default_take(tenant=obj.tenant, scorecard=obj, changed_by=request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        scorecard = form.instance
        saved = scorecard_changed(tenant=scorecard.tenant, scorecard=scorecard, changed_by=request.user)
        if saved.version is None:
            self.message_user(request, "Nothing changed in the definition: no new version.", messages.INFO)
        else:
            self.message_user(
                request,
                f"Saved as version {saved.version.number}; {saved.rescoring} account(s) will be rescored.",
                messages.SUCCESS,
            )

    def delete_model(self, request, obj):
        rescoring = scorecard_delete(tenant=obj.tenant, scorecard=obj)
        self.message_user(request, f"{rescoring} account(s) will be rescored with what applies now.", messages.INFO)
