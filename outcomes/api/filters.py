"""List filters; an unknown or malformed value is a 400 naming the parameter."""

import django_filters as filters

from accounts.api.filters import tenant_rows
from accounts.api.strict_filters import StrictFilterSet
from accounts.models import Account, Membership
from outcomes.models import ArrMovement, CsmCall, MovementKind, Outcome, Renewal


class RenewalFilter(StrictFilterSet):
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    outcome = filters.MultipleChoiceFilter(choices=Outcome.choices)
    csm_call = filters.MultipleChoiceFilter(choices=CsmCall.choices)
    term_end = filters.DateFromToRangeFilter(help_text="term_end_after / term_end_before (inclusive dates)")
    account_external_id = filters.CharFilter(field_name="account__external_id")
    csm = filters.ModelChoiceFilter(
        field_name="account__csm_owner", queryset=tenant_rows(Membership), help_text="The account's CSM (member id)."
    )

    class Meta:
        model = Renewal
        fields = ["account", "outcome", "csm_call", "term_end", "account_external_id", "csm"]


class ArrMovementFilter(StrictFilterSet):
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    renewal = filters.ModelChoiceFilter(queryset=tenant_rows(Renewal))
    kind = filters.MultipleChoiceFilter(choices=MovementKind.choices)
    on = filters.DateFromToRangeFilter(help_text="on_after / on_before (inclusive dates)")

    class Meta:
        model = ArrMovement
        fields = ["account", "kind", "on", "renewal"]
