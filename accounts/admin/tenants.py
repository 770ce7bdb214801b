from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin.base import TenantScopedInline
from accounts.models import Tenant, User
from accounts.models.tenant import ClosingDay
from accounts.roles import Role

BUSINESS_CALENDAR = (
    "Follow-up deadlines count business days: Monday to Friday in the tenant's time zone, except the "
    "public holidays of the country (and subdivision) below and the closing days listed further down. "
    "Department response times count business hours: 09:00 to 17:00 on those days."
)


class ClosingDayForm(forms.ModelForm):
    def validate_unique(self):
        super().validate_unique()
        # Django leaves the inline's foreign key (the tenant) out of constraint checks, so "one row per
        # (tenant, day)" would reach the database as an IntegrityError: check it here.
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(error)


class ClosingDayInline(TenantScopedInline):
    """The tenant's own closing days, edited on its settings page: the rows are the parent tenant's only."""

    model = ClosingDay
    form = ClosingDayForm
    fk_name = "tenant"
    fields = ("day", "name")
    show_change_link = False
    verbose_name_plural = "closing days (not business days, besides weekends and public holidays)"

    def get_formset(self, request, obj=None, **kwargs):
        class ClosingDaysFormSet(super().get_formset(request, obj, **kwargs)):
            @classmethod
            def get_default_prefix(cls):
                return "closing_days"  # tenant-owned rows hide their reverse name ("+")

        return ClosingDaysFormSet

    # Roles live on memberships: whoever may change the tenant may change its closing days.
    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Tenant].has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site._registry[Tenant].has_change_permission(request, obj)


@admin.register(Tenant)
class TenantAdmin(SimpleHistoryAdmin):
    """A tenant admin edits their own tenant's settings; operators see every tenant."""

    list_display = ("name", "slug", "time_zone", "country", "currency", "created_at")
    search_fields = ("name", "slug")
    fieldsets = (
        (None, {"fields": ("name", "slug", "time_zone", "currency", "gross_margin", "settings")}),
        ("Business calendar", {"fields": ("country", "subdivision"), "description": BUSINESS_CALENDAR}),
        ("Sign-in", {"fields": ("require_two_factor",)}),
    )
    inlines = [ClosingDayInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser and request.tenant is None:
            return qs
        return qs.filter(pk=request.tenant.pk) if request.tenant is not None else qs.none()

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("slug",)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.role is not None

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or request.role == Role.ADMIN

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        history = super().get_history_queryset(request, history_manager, pk_name, object_id)
        if request.user.is_superuser and request.tenant is None:
            return history
        return history.filter(id=request.tenant.pk) if request.tenant is not None else history.none()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404  # the audit list is the read-only view of a tenant's history


class OperatorOnlyMixin:
    """Global (not tenant-owned) models: platform operators only.

    Object views refuse before looking anything up, so a tenant member can't learn which ids exist.
    """

    def _operators_only(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._operators_only(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._operators_only(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._operators_only(request)
        return super().history_view(request, object_id, extra_context)

    def user_change_password(self, request, id, form_url=""):
        self._operators_only(request)
        return super().user_change_password(request, id, form_url)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


@admin.register(User)
class UserAdmin(OperatorOnlyMixin, DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("email", "full_name")
    filter_horizontal = ()
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Platform", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")


admin.site.unregister(Group)  # roles live on memberships; Django groups are unused

# django-otp's device admins would show secrets (and every person's devices) to operators: people manage
# their own second factor on their two-factor page.
for otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(otp_model):
        admin.site.unregister(otp_model)
