"""What every outcomes page of the console shares: who may open it, its GET filters, its context.

Every member of the active tenant reads the pages (viewers included); an operator outside any tenant is
asked to pick one. Filters come from the query string through a form: an unknown parameter or a bad value
is a 400 that names it (the page then shows its defaults beside the error), and an id that is not one of
the tenant's choices (another tenant's, or none at all) is a 404, never a hint that the row exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.background import enqueue_on_commit
from accounts.models import Account, Membership, Tenant
from accounts.roles import Role, role_at_least
from accounts.whole_numbers import whole_number

# The pages, in the order of their links at the top of each (title, URL name).
PAGES = (
    ("Renewals ahead", "outcomes-admin:renewals-ahead"),
    ("Outcomes", "outcomes-admin:dashboard"),
    ("Indicators before churn", "outcomes-admin:churn-indicators"),
    ("Scorecard backtest", "outcomes-admin:backtest"),
    ("Renewal forecast", "outcomes-admin:forecast"),
)


def console_page(view: Callable) -> Callable:
    """A page of the active tenant, for any of its members (served through ``admin_view``: signed-in members)."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if request.tenant is None:
            messages.info(request, "Choose a tenant to see its outcomes.")
            return redirect("admin:index")
        if not (request.user.is_superuser or role_at_least(request.role, Role.VIEWER)):
            raise Http404
        return view(request, *args, **kwargs)

    return page


def is_admin(request) -> bool:
    return request.user.is_superuser or role_at_least(request.role, Role.ADMIN)


def admin_queue(request, task, *, refused: str, queued: str) -> None:
    """Queue ``task`` for the request's tenant after it commits, for admins only (``PermissionDenied`` else)."""
    if not is_admin(request):
        raise PermissionDenied(refused)
    enqueue_on_commit(task, tenant_id=request.tenant.pk)
    messages.success(request, queued)


class ConsoleFilters(forms.Form):
    """GET filters; ``id_fields`` name the fields whose value is a row id of the tenant."""

    id_fields: tuple[str, ...] = ()


@dataclass
class Filters:
    form: forms.Form
    values: dict
    status: int  # 200, or 400 when a parameter was refused (``values`` are then the defaults)


def filters_from(request, form_class: type[ConsoleFilters], **form_kwargs) -> Filters:
    """The page's filters from the query string, defaults filled in for what is not given."""
    defaults_form = form_class(**form_kwargs)
    defaults = {
        name: field.initial for name, field in defaults_form.fields.items() if field.initial not in (None, "", False)
    }
    form = form_class({**defaults, **request.GET.dict()}, **form_kwargs)
    valid = form.is_valid()
    for name in form_class.id_fields:
        value = request.GET.get(name, "")
        if name in form.errors and whole_number(value) is not None:
            raise Http404(f"No {name} with this id.")
    unknown = sorted(set(request.GET) - set(form.fields))
    for name in unknown:
        form.add_error(
            None, forms.ValidationError("Unknown parameter: %(name)s.", code="unknown", params={"name": name})
        )
    if valid and not unknown:
        return Filters(form, form.cleaned_data, 200)
    fallback = form_class(defaults, **form_kwargs)
    if not fallback.is_valid():  # the page's own defaults must always hold
        raise ValueError(f"{form_class.__name__} defaults are invalid: {fallback.errors.as_json()}")
    return Filters(form, fallback.cleaned_data, 400)


def segment_choices(tenant: Tenant) -> list[tuple[str, str]]:
    segments = (
        Account.objects.for_tenant(tenant).exclude(segment="").order_by("segment").values_list("segment", flat=True)
        .distinct()
    )  # fmt: skip
    return [("", "All segments"), *((s, s) for s in segments)]


def csm_choices(tenant: Tenant):
    """The members who own accounts: the CSMs a page can be narrowed to."""
    owners = Account.objects.for_tenant(tenant).filter(csm_owner__isnull=False).values("csm_owner_id")
    return Membership.objects.for_tenant(tenant).filter(pk__in=owners).select_related("user").order_by("user__email")


class CsmField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.user)


def render_console_page(request, template: str, title: str, context: dict, *, pages, links_key: str,
                        current: str | None = None, status: int = 200) -> TemplateResponse:  # fmt: skip
    """A console page with the admin's context and the links to its sibling ``pages`` ((title, URL name)) under
    ``links_key``, the one named ``current`` (default: ``title``) marked."""
    current = current or title
    links = [{"title": name, "url": reverse(url), "current": name == current} for name, url in pages]
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "title": title, links_key: links, **context},
        status=status,
    )


def render_page(request, template: str, title: str, context: dict, *, status: int = 200) -> TemplateResponse:
    return render_console_page(request, template, title, context, pages=PAGES, links_key="outcome_pages",
                               status=status)  # fmt: skip
