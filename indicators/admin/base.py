"""Pieces the indicators admins share."""

from django.contrib import admin

from indicators.models import EventSource


class ReadOnlyAdminMixin:
    """Rows written by ingestion only: the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SourceFilter(admin.SimpleListFilter):
    """Where rows came from. The declared sources: listing the values in use would scan every event."""

    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return EventSource.choices

    def queryset(self, request, queryset):
        return queryset.filter(source=self.value()) if self.value() else queryset
