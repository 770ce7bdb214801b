"""The console's search box: the tenant's accounts and contacts by name, email or external id.

Each list is searched as its change list searches (its admin's ``search_fields``: each word of the
query, case-insensitive, contained in one of them), among the rows the member sees there. At most
``SHOWN`` rows of each are listed, with a link to the change list searched the same way for the rest.
The page's one parameter is ``q``: missing, blank or longer than ``QUERY_MAX``, it is a 400 that says
so, as is any other parameter. Members acting in a tenant use it; an operator chooses a tenant first.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.admin.columns import columns_for, row_texts
from accounts.models import Account, Contact
from accounts.zones import tenant_zone

SHOWN = 25
QUERY_MAX = 100
SEARCHED = (Account, Contact)  # in the order the page lists them


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=QUERY_MAX,
        label="Search",
        error_messages={
            "required": "Type a name, email or external id to search for.",
            "max_length": "Search for at most %(limit_value)d characters (this has %(show_value)d).",
        },
    )


@dataclass(frozen=True)
class Found:
    title: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]  # (the row's admin page, its cells)
    more_url: str | None  # the change list searched for the same words, when there are more than shown


def found_in(request, model_admin, query: str) -> Found:
    """The rows of ``model_admin``'s list that its own search finds for ``query``, the first ``SHOWN``."""
    opts = model_admin.opts
    rows, may_have_duplicates = model_admin.get_search_results(request, model_admin.get_queryset(request), query)
    if may_have_duplicates:
        rows = rows.distinct()
    related = model_admin.get_list_select_related(request)
    if related:
        rows = rows.select_related(*(related if isinstance(related, list | tuple) else ()))
    rows = list(rows.order_by(*opts.ordering, "pk")[: SHOWN + 1])
    columns = columns_for(model_admin, model_admin.search_result_columns, with_ids=False)
    zone = tenant_zone(request.tenant)
    info = f"admin:{opts.app_label}_{opts.model_name}"
    more_url = f"{reverse(f'{info}_changelist')}?{urlencode({'q': query})}" if len(rows) > SHOWN else None
    return Found(
        title=str(opts.verbose_name_plural).capitalize(),
        headers=[column.header for column in columns],
        rows=[(reverse(f"{info}_change", args=[row.pk]), row_texts(columns, row, zone)) for row in rows[:SHOWN]],
        more_url=more_url,
    )


def console_search(request):
    if request.tenant is None:
        messages.info(request, "Choose a tenant to search its accounts and contacts.")
        return redirect("admin:index")
    form = SearchForm(request.GET)
    valid = form.is_valid()
    for name in sorted(set(request.GET) - set(form.fields)):
        form.add_error(
            None, forms.ValidationError("Unknown parameter: %(name)s.", code="unknown", params={"name": name})
        )
    found = []
    if valid and not form.errors:
        query = form.cleaned_data["q"]
        admins = [admin.site._registry[model] for model in SEARCHED if model in admin.site._registry]
        found = [found_in(request, ma, query) for ma in admins if ma.has_view_permission(request)]
    context = {
        **admin.site.each_context(request),
        "title": "Search",
        "form": form,
        "found": found,
        "console_search_q": request.GET.get("q", "")[:QUERY_MAX],
    }
    return TemplateResponse(request, "accounts/admin/console_search.html", context, status=400 if form.errors else 200)
