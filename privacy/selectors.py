"""Reading what the tenant holds about one contact: every row that points to them, and the rows under those."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from accounts.models import Contact, Tenant
from privacy.rows import column_names, plain
from privacy.tenant_models import is_history_of_tenant_owned, tenant_models


def _links_to(model, targets: set) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in targets and f.name != "tenant" and not f.name.startswith("history_")
    ]


def contact_rows(*, tenant: Tenant, contact: Contact) -> dict[str, list[dict]]:
    """{model label: rows} of every tenant row about ``contact``: theirs directly (events, answers,
    invitations, follow-ups...), rows under those (a follow-up's activities), and their audit trail.

    Found from the registry, so a new model pointing to a contact is included with no edit here.
    """
    found: dict[str, list[dict]] = {"accounts.Contact": [_row(Contact, contact.__dict__)]}
    direct = {}
    owned = [m for m in tenant_models() if not is_history_of_tenant_owned(m)]
    for model in owned:
        if model is Contact:
            continue
        links = _links_to(model, {Contact})
        if links:
            query = Q()
            for name in links:
                query |= Q(**{name: contact})
            direct[model] = list(model.objects.for_tenant(tenant).filter(query).values_list("pk", flat=True))
    # Rows under a contact's own rows (a follow-up's activities); an account they sponsor is not "theirs".
    sources = {m for m in direct if m._meta.label != "accounts.Account"}
    under = {}
    for model in owned:
        if model in direct or model is Contact:
            continue
        links = _links_to(model, sources)
        query = Q()
        for name in links:
            target = model._meta.get_field(name).related_model
            if direct[target]:
                query |= Q(**{f"{name}__in": direct[target]})
        if query:
            under[model] = list(model.objects.for_tenant(tenant).filter(query).values_list("pk", flat=True))
    for model, ids in {**direct, **under}.items():
        if ids:
            found[model._meta.label] = _rows(model, model._base_manager.filter(tenant_id=tenant.pk, pk__in=ids))
    found["accounts.HistoricalContact"] = _rows(
        Contact.history.model, Contact.history.model._base_manager.filter(tenant_id=tenant.pk, id=contact.pk)
    )
    return found


def _rows(model, queryset) -> list[dict]:
    names = column_names(model)
    return [
        _row(model, values)
        for values in queryset.order_by("pk").values(*names).iterator(chunk_size=settings.PRIVACY_CHUNK_ROWS)
    ]


def _row(model, values: dict) -> dict:
    return {name: plain(values[name]) for name in column_names(model)}
