"""The product catalogue: products, and the features usage events name."""

from django.contrib import admin, messages

from accounts.admin.base import TenantScopedAdmin
from indicators.models import Feature, Product
from indicators.services.catalogue import MergeRefused, feature_merge, feature_merge_target


@admin.register(Product)
class ProductAdmin(TenantScopedAdmin):
    list_display = ("name", "key", "created_at")
    search_fields = ("name", "key")
    prepopulated_fields = {"key": ("name",)}
    fields = ("name", "key")


class MergedFilter(admin.SimpleListFilter):
    title = "merged"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return (("yes", "Merged into another"), ("no", "Not merged"))

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(merged_into__isnull=self.value() == "no")
        return queryset


@admin.register(Feature)
class FeatureAdmin(TenantScopedAdmin):
    list_display = ("name", "key", "product", "is_core_value", "merged_into", "first_seen_at")
    list_editable = ("is_core_value",)  # admins only: the base gives others no change permission
    list_filter = ("is_core_value", "product", MergedFilter)
    list_select_related = ("product", "merged_into")
    search_fields = ("name", "key")
    fields = ("key", "name", "product", "is_core_value", "merged_into", "first_seen_at")
    actions = ["merge_selected"]

    def get_readonly_fields(self, request, obj=None):
        # The key is the event name integrations send; merging (not renaming) is how keys move.
        return ("key", "merged_into", "first_seen_at") if obj is not None else ("merged_into", "first_seen_at")

    @admin.action(
        description="Merge selected into one of them (a core-value feature, else the first seen)",
        permissions=["change"],
    )
    def merge_selected(self, request, queryset):
        """From now on, usage of the others counts as the chosen one's; history is not rewritten."""
        features = sorted(
            queryset.select_related("merged_into"),
            key=lambda f: (f.merged_into_id is not None, not f.is_core_value, f.first_seen_at, f.pk),
        )
        if request.tenant is None:
            self.message_user(request, "Switch to a tenant to merge its features.", messages.ERROR)
            return
        if len(features) < 2:
            self.message_user(request, "Select at least two features to merge.", messages.WARNING)
            return
        target = feature_merge_target(into=features[0])
        merged = 0
        for feature in features:
            try:
                feature_merge(tenant=request.tenant, feature=feature, into=target)
                merged += 1
            except MergeRefused:
                continue  # the target itself
        self.message_user(request, f"Merged {merged} feature(s) into “{target}”.", messages.SUCCESS)
