"""Query parameters are read strictly: a parameter no part of the view reads is a 400 naming it.

An action's parameters are those its parts declare, gathered here in one place:

- a list (``list``) reads its filter set's parameters (``renewal_on_after``, ``arr_min``...),
  ``ordering`` and ``search`` when the view has those backends, and its paginator's ``cursor``/``limit``;
- any action reads what the view declares in ``extra_query_params``: names, or a serializer class whose
  fields are the names (set on the class, or per action: ``@action(..., extra_query_params=...)``).

Everything else (a typo such as ``segmnt``, a filter sent to a detail page, ``limit`` where nothing is
paged) is a 400 with code ``unknown_parameter`` and the parameter in ``attr``. A parameter that takes one
value sent twice (``?segment=a&segment=b``) is a 400 ``repeated_parameter``: only filters of several
values (``?status=open&status=closed``) may repeat.
"""

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.filters import OrderingFilter

from accounts.api.strict_filters import StrictFilterSet, parameter_names

LIST_ACTIONS = {"list"}


class StrictDjangoFilterBackend(DjangoFilterBackend):
    """Filter sets generated from ``filterset_fields`` are strict too."""

    filterset_base = StrictFilterSet


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` names only allowed fields (``-`` for descending, commas for several); else a 400."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param, "")
        if raw.strip() == "":
            return self.get_default_ordering(view)
        terms = [term.strip() for term in raw.split(",")]
        allowed = [item[0] for item in self.get_valid_fields(queryset, view, {"request": request})]
        wrong = [term for term in terms if term.removeprefix("-") not in allowed]
        if wrong:
            shown = ", ".join(repr(term) for term in wrong if term) or "an empty field"
            detail = f"Cannot order by {shown}. Allowed: {', '.join(allowed)} (prefix - for descending)."
            raise ValidationError({self.ordering_param: [ErrorDetail(detail, code="invalid_ordering")]})
        return terms


MANY_VALUED_FILTERS = (filters.MultipleChoiceFilter, filters.ModelMultipleChoiceFilter)
MANY_VALUED_FIELDS = (serializers.ListField, serializers.MultipleChoiceField, serializers.ManyRelatedField)


def _declared(declared) -> dict[str, bool]:
    """{name: whether it may repeat} of an ``extra_query_params`` declaration."""
    if not declared:
        return {}
    if isinstance(declared, type) and issubclass(declared, serializers.BaseSerializer):
        return {name: isinstance(field, MANY_VALUED_FIELDS) for name, field in declared().fields.items()}
    if isinstance(declared, str):
        return {declared: False}
    return {name: many for item in declared for name, many in _declared(item).items()}


def _filter_parameters(view) -> dict[str, bool]:
    names = {}
    for backend_class in getattr(view, "filter_backends", None) or []:
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            filterset = backend.get_filterset_class(view, view.get_queryset())
            for name, f in filterset.base_filters.items() if filterset is not None else ():
                for param in parameter_names(name, f.extra.get("widget") or f.field_class.widget):
                    names[param] = isinstance(f, MANY_VALUED_FILTERS)
        for attribute in ("ordering_param", "search_param"):
            if getattr(backend, attribute, None):
                names[getattr(backend, attribute)] = False
    return names


def query_parameters(view) -> dict[str, bool]:
    """Every query parameter the view's current action reads, and whether it may repeat."""
    names = _declared(getattr(view, "extra_query_params", None))
    if getattr(view, "action", None) in LIST_ACTIONS:
        names.update(_filter_parameters(view))
        paginator = getattr(view, "paginator", None)
        for attribute in ("cursor_query_param", "page_size_query_param"):
            if getattr(paginator, attribute, None):
                names[getattr(paginator, attribute)] = False
    return names


def reject_unknown_query_parameters(request, view) -> None:
    known = query_parameters(view)
    errors = {}
    for name, values in request.query_params.lists():
        if name not in known:
            errors[name] = [ErrorDetail("Unknown query parameter.", code="unknown_parameter")]
        elif len(values) > 1 and not known[name]:
            errors[name] = [ErrorDetail("Send this parameter once.", code="repeated_parameter")]
    if errors:
        raise ValidationError(dict(sorted(errors.items())))
