"""Turning an admin page's forms back into POST data, and finding admin URL parameters."""

from __future__ import annotations

import inspect
import re
from datetime import date, datetime, time

from django import forms
from django.urls import URLPattern

from tests.isolation.canaries import fresh, fresh_fitting


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def form_data(form) -> dict:
    """The POST data a browser would send for ``form`` as rendered (its initial values)."""
    data = {}
    for name in form.fields:
        bound = form[name]
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[bound.html_name + suffix] = _fmt(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
            data[bound.html_name] = [_fmt(v) for v in value or []]
        else:
            data[bound.html_name] = _fmt(value)
    return data


def page_data(outcome) -> dict:
    """POST data for an admin add/change page: the model form and every inline formset."""
    form = outcome.form()
    if form is None:
        return {}
    data = form_data(form)
    for inline in outcome.ctx("inline_admin_formsets") or []:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for f in formset.forms:
            data.update(form_data(f))
    return data


def fill_required(form, data: dict, a_row_for) -> dict:
    """Values for the required fields left empty, so the form is valid but for what a probe changes."""
    for name, field in form.fields.items():
        bound = form[name]
        key = bound.html_name
        if not field.required or data.get(key) not in (None, "", []):
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[key] = [str(a_row_for(field.queryset.model).pk)]
        elif isinstance(field, forms.ModelChoiceField):
            data[key] = str(a_row_for(field.queryset.model).pk)
        elif isinstance(field, forms.MultipleChoiceField):
            data[key] = [str(next(v for v, _ in field.choices if v))]
        elif isinstance(field, forms.ChoiceField):
            data[key] = str(next(v for v, _ in field.choices if v))
        elif isinstance(field, forms.EmailField):
            data[key] = fresh("isoa") + "@alpha.example"
        elif isinstance(field, forms.URLField):
            data[key] = f"https://93.184.216.34/{fresh('isoa')}"  # a public literal address: no DNS needed
        elif isinstance(field, forms.SplitDateTimeField):
            data.pop(key, None)
            data[key + "_0"], data[key + "_1"] = "2031-01-01", "00:00:00"
        elif isinstance(field, forms.DateTimeField | forms.DateField):
            data[key] = "2031-01-01"
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            data[key] = "1"
        elif isinstance(field, forms.JSONField):
            data[key] = "{}"
        else:
            data[key] = fresh_fitting(getattr(field, "max_length", None), "isoa")
    return data


GROUP_RE = re.compile(r"\((?:\?P<(\w+)>)?[^()]*\)")
CONVERTER_RE = re.compile(r"(?<!\?P)<(?:\w+:)?(\w+)>")  # path() converters, not (?P<name>...) groups


def route_params(route: str, pattern: URLPattern) -> list[str]:
    """Names of a route's parameters, in order (positional regex groups named after the view's arguments)."""
    if CONVERTER_RE.search(route):
        return CONVERTER_RE.findall(route)
    groups = GROUP_RE.findall(route)
    if not groups:
        return []
    view = pattern.callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    try:
        args = [p for p in inspect.signature(view).parameters if p not in {"self", "request"}]
    except (TypeError, ValueError):
        args = []
    return [named or (args[i] if i < len(args) else f"arg{i}") for i, named in enumerate(groups)]


def build_url(route: str, names: list[str], values: dict) -> str:
    """The URL of ``route`` with each parameter (named by ``route_params``) replaced by ``values[name]``."""
    if CONVERTER_RE.search(route):
        return "/" + CONVERTER_RE.sub(lambda m: str(values[m.group(1)]), route)
    order = iter(names)
    url = GROUP_RE.sub(lambda m: str(values[next(order)]), route)
    return "/" + url.replace("^", "").replace("$", "")
