"""Gut reads in the admin: admins set any account's, CSMs those of the accounts they own.

A read is never edited: a new one replaces it. Who set it and when are stamped from the request.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.admin.base import TenantScopedAdmin
from accounts.models import Account
from accounts.roles import Role, role_at_least
from indicators.models import GutRead
from indicators.services.gut import gut_read_rescore, gut_read_validate


class GutReadForm(forms.ModelForm):
    class Meta:
        model = GutRead
        fields = ("account", "level", "note", "expires_at")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("level") and cleaned.get("expires_at"):
            try:
                gut_read_validate(level=cleaned["level"], expires_at=cleaned["expires_at"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return cleaned


class LiveFilter(admin.SimpleListFilter):
    title = "live"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return (("yes", "Not expired"), ("no", "Expired"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(expires_at__gt=now)
        if self.value() == "no":
            return queryset.filter(expires_at__lte=now)
        return queryset


@admin.register(GutRead)
class GutReadAdmin(TenantScopedAdmin):
    form = GutReadForm
    list_display = ("account", "level", "set_by", "set_at", "expires_at", "live")
    list_filter = ("level", LiveFilter)
    list_select_related = ("account", "set_by")
    search_fields = ("account__name", "note")
    readonly_fields = ("set_by", "set_at")

    def get_fields(self, request, obj=None):
        return ("account", "level", "note", "expires_at") + (("set_by", "set_at") if obj is not None else ())

    @admin.display(boolean=True, description="Live")
    def live(self, obj):
        return obj.is_live()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "account" and self.role(request) == Role.CSM:
            membership = request.membership
            field.queryset = field.queryset.filter(csm_owner_id=membership.pk if membership else None)
        return field

    def has_add_permission(self, request):
        return request.tenant is not None and role_at_least(self.role(request), Role.CSM)

    def has_change_permission(self, request, obj=None):
        return False  # a read is replaced by a new one, never edited

    def save_model(self, request, obj, form, change):
        obj.tenant = request.tenant
        obj.set_by = request.user
        obj.set_at = timezone.now()
        super().save_model(request, obj, form, change)
        gut_read_rescore(tenant=obj.tenant, account=Account.objects.for_tenant(obj.tenant).get(pk=obj.account_id))
