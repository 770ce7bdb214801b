import django_filters as filters

from accounts.api.filters import tenant_rows
from accounts.api.strict_filters import StrictFilterSet
from accounts.api.strict_query import StrictOrderingFilter
from accounts.models import Account, Contact
from indicators.models import Event, EventType, Feature, Product


class EventFilter(StrictFilterSet):
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    contact = filters.ModelChoiceFilter(queryset=tenant_rows(Contact))
    type = filters.MultipleChoiceFilter(choices=EventType.choices, help_text="Repeat for several types.")
    name = filters.CharFilter()
    source = filters.CharFilter(help_text="api, segment, ...")
    occurred_at = filters.IsoDateTimeFromToRangeFilter(
        help_text="occurred_at_after / occurred_at_before (ISO 8601, inclusive)"
    )

    class Meta:
        model = Event
        fields = ["account", "contact", "type", "name", "source"]


class TieBreakingOrderingFilter(StrictOrderingFilter):
    """The requested order, then the id in the same direction: cursor pages stay stable on equal times."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or ordering[-1].lstrip("-") == "id":
            return ordering
        return [*ordering, "-id" if ordering[0].startswith("-") else "id"]


class ProductFilter(StrictFilterSet):
    key = filters.CharFilter()
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Product
        fields = ["key", "name"]


class FeatureFilter(StrictFilterSet):
    key = filters.CharFilter()
    name = filters.CharFilter(lookup_expr="icontains")
    product = filters.ModelChoiceFilter(queryset=tenant_rows(Product))
    merged_into = filters.ModelChoiceFilter(queryset=tenant_rows(Feature))

    class Meta:
        model = Feature
        fields = ["key", "name", "product", "is_core_value", "merged_into"]
