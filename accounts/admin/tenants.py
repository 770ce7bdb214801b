from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Tenant, User
from accounts.roles import Role


@admin.register(Tenant)
class TenantAdmin(SimpleHistoryAdmin):
    """A tenant admin edits their own tenant's settings; operators see every tenant."""

    list_display = ("name", "slug", "time_zone", "currency", "created_at")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "time_zone", "currency", "settings")

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
