"""Tenant-scoped admin: the one base every tenant-owned model admin uses.

Django's admin reads the default manager (unscoped) everywhere; this base narrows each path to
the active tenant: change lists and object lookups, foreign-key and many-to-many choices,
related list filters, raw-id labels and autocomplete (answered by the target admin's
queryset). The tenant is stamped on new rows and is never a form field. Roles decide the rest:
admins edit, CSMs edit what they own, viewers read.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin.audit_display import ReadableHistoryHelper
from accounts.admin.export import ExportMixin
from accounts.admin.pagination import CappedCountPaginator
from accounts.models import Tenant
from accounts.roles import Role, role_at_least
from accounts.tenancy import is_tenant_owned


def restrict_to_request_tenant(request, qs):
    """The rows of ``qs`` the request may see: its tenant's, or all for an operator outside one."""
    if request.tenant is not None:
        return qs.filter(tenant_id=request.tenant.pk)
    return qs if request.user.is_superuser else qs.none()


def scoped_queryset(request, model):
    """Choices for a relation to ``model``."""
    qs = model._default_manager.all()
    return restrict_to_request_tenant(request, qs) if is_tenant_owned(model) else qs


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """Shows a label only for rows of the allowed queryset, so an id never reveals another tenant's row."""

    def __init__(self, rel, admin_site, *, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            if not self.queryset.filter(**{key: value}).exists():
                return "", ""
        except (ValueError, TypeError, models.ObjectDoesNotExist):
            return "", ""
        return super().label_and_url_for_value(value)


class TenantScopingMixin:
    """Choices for relations, shared by model admins and inlines."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_queryset(request, db_field.related_model)
        kwargs["queryset"] = queryset
        if db_field.name in self.raw_id_fields:
            kwargs["widget"] = ScopedRawIdWidget(db_field.remote_field, self.admin_site, queryset=queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_queryset(request, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def tenant_form(form_class, tenant):
    """A form that validates with the tenant set, so (tenant, ...) unique constraints are checked."""

    class TenantForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is None and tenant is not None:
                self.instance.tenant = tenant

        def _get_validation_exclusions(self):
            exclusions = super()._get_validation_exclusions()
            exclusions.discard("tenant")
            return exclusions

    TenantForm.__name__ = form_class.__name__
    return TenantForm


class TenantScopedAdmin(ExportMixin, TenantScopingMixin, SimpleHistoryAdmin):
    """Base of every tenant-owned model admin (see the module docstring); each change list exports as CSV."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    history_list_display = ["history_api_key"]  # integrations appear in the audit by key prefix

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if not hasattr(model, "history"):
            self.object_history_template = None  # Django's own history page (see history_view)

    def get_object_to_change(self, request, object_id):
        """The row behind a page that changes it: the request's tenant's (404 otherwise), if the member may
        change it (403 otherwise)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with this id.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    # --- rows --------------------------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        # PostgreSQL cannot hold a NUL in a text value: a filter or search holding one would fail in the
        # database (a 500). No filter value ever needs one, so the whole request is refused here, once.
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("A filter or search holds a NUL character.")
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return restrict_to_request_tenant(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # The change list's search and the relation widgets' autocomplete both search here.
        if "\x00" in search_term:
            raise BadRequest("The search holds a NUL character.")
        return super().get_search_results(request, queryset, search_term)

    def get_list_filter(self, request):
        # Related filters list only values used by this tenant's rows (never every tenant's).
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def get_form(self, request, obj=None, change=False, **kwargs):
        return tenant_form(super().get_form(request, obj, change=change, **kwargs), request.tenant)

    def get_list_display(self, request):
        display = list(super().get_list_display(request))
        if request.tenant is None and request.user.is_superuser and "tenant" not in display:
            display.append("tenant")
        return display

    def save_model(self, request, obj, form, change):
        if not change:
            obj.tenant = request.tenant
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance.tenant = form.instance.tenant
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()

    # Another tenant's id (or a missing one) is "not found", never a redirect or a 403.
    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(f"No {opts.verbose_name} with this id.")

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def scope_history(self, request, history):
        """History rows of the request's tenant (deleted rows' history included, and only theirs)."""
        return restrict_to_request_tenant(request, history)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return self.scope_history(request, super().get_history_queryset(request, history_manager, pk_name, object_id))

    def history_view(self, request, object_id, extra_context=None):
        if not hasattr(self.model, "history"):
            # Insert-only models keep no audit trail: Django's own page, its object found via get_object.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not hasattr(self.model, "history"):
            raise Http404
        versions = self.scope_history(request, self.model.history.all())
        if not versions.filter(**{self.model._meta.pk.attname: object_id, "history_id": version_id}).exists():
            raise Http404
        if request.method != "GET":
            raise PermissionDenied("The audit trail is read-only.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_changelist_formset(self, request, **kwargs):
        """``list_editable`` rows resolve only to the tenant's rows (Django checks ids against every tenant's)."""
        formset_class = super().get_changelist_formset(request, **kwargs)

        class TenantFormSet(formset_class):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                field = form.fields.get(self.model._meta.pk.name)
                if field is not None and getattr(field, "queryset", None) is not None:
                    field.queryset = restrict_to_request_tenant(request, field.queryset)

        TenantFormSet.__name__ = formset_class.__name__
        return TenantFormSet

    # --- roles -------------------------------------------------------------------------
    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def role(self, request) -> str | None:
        if request.user.is_superuser:
            return Role.ADMIN
        return request.role

    def has_view_permission(self, request, obj=None):
        return role_at_least(self.role(request), Role.VIEWER)

    def has_add_permission(self, request):
        return request.tenant is not None and role_at_least(self.role(request), Role.ADMIN)

    def has_change_permission(self, request, obj=None):
        role = self.role(request)
        if role_at_least(role, Role.ADMIN):
            return True
        return role == Role.CSM and obj is not None and obj.csm_may_change(request.membership)

    def has_delete_permission(self, request, obj=None):
        return role_at_least(self.role(request), Role.ADMIN)


def tenant_id_of(row) -> int | None:
    """The tenant a row belongs to: itself for a tenant, its ``tenant_id`` for a tenant-owned row."""
    return row.pk if isinstance(row, Tenant) else row.tenant_id


class TenantScopedInline(TenantScopingMixin, admin.TabularInline):
    """An inline whose rows stay inside the parent's tenant.

    New rows take the parent's tenant before validation, so model checks compare like with like; a
    posted row id resolves only to the parent's own rows (Django checks it against every tenant's).
    """

    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)

        class ParentTenantFormSet(formset_class):
            def _construct_form(self, i, **form_kwargs):
                form = super()._construct_form(i, **form_kwargs)
                if form.instance.pk is None and self.instance is not None:
                    form.instance.tenant_id = tenant_id_of(self.instance)
                return form

            def add_fields(self, form, index):
                super().add_fields(form, index)
                field = form.fields.get(self.model._meta.pk.name)
                if field is not None and getattr(field, "queryset", None) is not None:
                    field.queryset = field.queryset.filter(pk__in=self.get_queryset().values("pk"))

        ParentTenantFormSet.__name__ = formset_class.__name__
        return ParentTenantFormSet

    # Roles, not Django's model permissions, decide: a member who may read the parent reads its rows.
    # (Django's inline asks for the "view_<model>" permission, which members do not hold, and then
    # shows an empty list, even to the CSM who owns the parent.)
    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)

    def has_add_permission(self, request, obj):
        return self.admin_site._registry[self.parent_model].has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_delete_permission(request, obj)
