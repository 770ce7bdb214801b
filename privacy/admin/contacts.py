"""Erase and export contacts from the console's contact list (actions added to the contacts' admin).

The contacts' admin lives in accounts, below this app: it cannot know about privacy, so this app adds
its two actions to the registered admin when the admin modules load.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse

from accounts.models import Contact
from privacy.admin.common import admin_actor, is_tenant_admin
from privacy.services.contact_export import contact_export
from privacy.services.erasure import contact_erase


@admin.action(description="Erase selected contacts' personal data")
def erase_contacts(modeladmin, request, queryset):
    if not is_tenant_admin(request):
        modeladmin.message_user(request, "Only the tenant's admins may erase contacts.", messages.ERROR)
        return None
    contacts = list(queryset.filter(tenant_id=request.tenant.pk).order_by("pk"))
    if request.POST.get("confirm") != "yes":
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": "Erase contacts' personal data",
            "contacts": contacts,
            "action": "erase_contacts",
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "privacy/admin/erase_confirm.html", context)
    for contact in contacts:
        contact_erase(tenant=request.tenant, contact=contact, actor=admin_actor(request))
    modeladmin.message_user(request, f"Erased {len(contacts)} contact(s).", messages.SUCCESS)
    return None


@admin.action(description="Export selected contacts' data (JSON)")
def export_contacts(modeladmin, request, queryset):
    if not is_tenant_admin(request):
        modeladmin.message_user(request, "Only the tenant's admins may export contacts' data.", messages.ERROR)
        return None
    contacts = queryset.filter(tenant_id=request.tenant.pk).order_by("pk")
    documents = [contact_export(tenant=request.tenant, contact=c, actor=admin_actor(request)) for c in contacts]
    response = HttpResponse(
        json.dumps({"contacts": documents}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="contacts-data.json"'
    return response


def add_privacy_actions() -> None:
    contact_admin = admin.site._registry.get(Contact)
    if contact_admin is None:
        return
    actions = list(contact_admin.actions or [])
    for extra in (erase_contacts, export_contacts):
        if extra not in actions:
            actions.append(extra)
    contact_admin.actions = actions


add_privacy_actions()
