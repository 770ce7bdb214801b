"""Leaks the walks found that have since been fixed, kept as direct regression tests.

The walks would catch them again; these name them, so a regression reads as what it is.
"""

from __future__ import annotations

import pytest

from accounts.models import Account


@pytest.mark.django_db
def test_list_editable_does_not_reveal_which_ids_exist(iso):
    """Found by the admin walk on indicators' FeatureAdmin (list_editable = is_core_value).

    Django's BaseModelFormSet.add_fields builds the change-list formset's hidden primary-key field
    from model._default_manager, the unscoped manager: tenant B's id validated, then
    changelist_view raised BadRequest("list_editable does not allow adding."), a 400 for B's id and
    a 200 with a form error for an id that exists nowhere. TenantScopedAdmin.get_changelist_formset
    (accounts/admin/base.py) now scopes that field; this checks it on a throwaway admin.
    """
    from django.apps import apps
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.utils.module_loading import import_string

    from accounts.admin.base import TenantScopedAdmin
    from accounts.middleware import SESSION_KEY, resolve_active_tenant

    class EditableAccounts(TenantScopedAdmin):
        list_display = ("name", "segment")
        list_editable = ("segment",)

    site_class = import_string(apps.get_app_config("admin").default_site)  # the project's admin site
    site = site_class(name="isolation_probe")
    model_admin = EditableAccounts(Account, site)
    statuses = []
    for pk in (iso.b.row(Account).pk, 999999999):
        data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(pk)}
        request = RequestFactory().post("/admin/accounts/account/", {**data, "form-0-segment": "x", "_save": "Save"})
        request.user = iso.a.users["admin"]
        request.session = SessionStore()
        request.session[SESSION_KEY] = iso.a.tenant.pk
        request._messages = FallbackStorage(request)
        request._dont_enforce_csrf_checks = True
        resolve_active_tenant(request)
        try:
            statuses.append(model_admin.changelist_view(request).status_code)
        except Exception as exc:  # BadRequest: what the handler turns into a 400
            statuses.append(type(exc).__name__)
    assert statuses[0] == statuses[1], statuses
