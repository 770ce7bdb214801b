import django_filters as filters

from accounts.api.principal import principal_of
from accounts.api.strict_filters import StrictFilterSet
from accounts.models import Account, AdoptionStage, Contact, LifecycleStage, Membership


def tenant_rows(model):
    """Choices for a filter on a relation: the caller's tenant's rows only."""

    def queryset(request):
        tenant = principal_of(request).tenant
        return model.objects.for_tenant(tenant) if tenant is not None else model.unscoped.none()

    return queryset


class AccountFilter(StrictFilterSet):
    external_id = filters.CharFilter()
    name = filters.CharFilter(lookup_expr="icontains")
    segment = filters.CharFilter(lookup_expr="iexact")
    lifecycle_stage = filters.MultipleChoiceFilter(choices=LifecycleStage.choices)
    csm_owner = filters.ModelChoiceFilter(queryset=tenant_rows(Membership))
    renewal_on = filters.DateFromToRangeFilter(help_text="renewal_on_after / renewal_on_before (YYYY-MM-DD)")
    arr = filters.RangeFilter(help_text="arr_min / arr_max")
    updated_at = filters.IsoDateTimeFromToRangeFilter(help_text="updated_at_after / updated_at_before (ISO 8601)")

    class Meta:
        model = Account
        fields = ["external_id", "name", "segment", "lifecycle_stage", "csm_owner", "objectives_documented"]


class ContactFilter(StrictFilterSet):
    external_id = filters.CharFilter()
    email = filters.CharFilter(lookup_expr="iexact")
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    reports_to = filters.ModelChoiceFilter(queryset=tenant_rows(Contact))
    adoption_stage = filters.MultipleChoiceFilter(choices=AdoptionStage.choices)
    last_seen_at = filters.IsoDateTimeFromToRangeFilter(help_text="last_seen_at_after / last_seen_at_before")
    updated_at = filters.IsoDateTimeFromToRangeFilter()

    class Meta:
        model = Contact
        fields = [
            "external_id",
            "email",
            "account",
            "reports_to",
            "is_executive",
            "is_decision_maker",
            "is_champion",
            "is_advocate",
            "adoption_stage",
        ]


class MemberFilter(StrictFilterSet):
    class Meta:
        model = Membership
        fields = ["role"]
