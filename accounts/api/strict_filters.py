"""List filters that refuse what they cannot read: a malformed value is a 400 naming its parameter.

django-filter's boolean filter reads anything it does not know ("garbage", "yes please") as "not
filtered" and answers every row; a range filter reports its errors under the filter's name, which is
not a parameter the client sent (``renewal_on`` for ``renewal_on_after``). Every API filter set
derives from ``StrictFilterSet``, which fixes both.
"""

import django_filters as filters
from django import forms
from django.db import models
from django.forms.utils import ErrorDict, ErrorList
from django_filters.widgets import SuffixedMultiWidget

TRUE, FALSE = {"true", "1"}, {"false", "0"}


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``, any case); empty means not filtered; anything else is invalid."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


STRICT_FILTER_DEFAULTS = {
    **filters.filterset.FILTER_FOR_DBFIELD_DEFAULTS,
    models.BooleanField: {"filter_class": StrictBooleanFilter},
    models.DateTimeField: {"filter_class": filters.IsoDateTimeFilter},
}


def parameter_names(name: str, widget) -> list[str]:
    """The query parameters a filter's widget (class or instance) reads: ``arr`` reads ``arr_min`` and ``arr_max``."""
    suffixes = getattr(widget, "suffixes", None)
    if isinstance(widget, SuffixedMultiWidget) or (
        isinstance(widget, type) and issubclass(widget, SuffixedMultiWidget)
    ):
        return ["_".join([name, suffix]) if suffix else name for suffix in suffixes]
    return [name]


class StrictFilterSet(filters.FilterSet):
    """A filter set whose booleans are strict and whose errors name the parameters sent."""

    FILTER_DEFAULTS = STRICT_FILTER_DEFAULTS

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        lenient = [name for name, f in found.items() if type(f) in {filters.BooleanFilter}]
        if lenient:
            raise TypeError(f"{cls.__name__}: use StrictBooleanFilter for {', '.join(lenient)}.")
        return found

    @classmethod
    def parameters(cls) -> set[str]:
        """Every query parameter this filter set reads."""
        return {
            param
            for name, f in cls.base_filters.items()
            for param in parameter_names(name, f.extra.get("widget") or f.field_class.widget)
        }

    @property
    def errors(self):
        """Form errors keyed by the parameter at fault (each suffixed part of a range checked alone)."""
        errors = ErrorDict()
        for name, messages in self.form.errors.items():
            field = self.form.fields.get(name)
            if field is None or not isinstance(field.widget, SuffixedMultiWidget):
                errors[name] = messages
                continue
            params = parameter_names(name, field.widget)
            for subfield, param in zip(field.fields, params, strict=True):
                try:
                    subfield.clean(self.data.get(param))
                except forms.ValidationError as exc:
                    errors[param] = ErrorList(exc.error_list)
            if not any(param in errors for param in params):
                errors[name] = messages
        return errors
