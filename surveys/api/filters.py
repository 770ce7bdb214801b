import django_filters as filters

from accounts.api.filters import tenant_rows
from accounts.api.strict_filters import StrictFilterSet
from accounts.models import Account, Contact
from surveys.models import Category, Channel, SendStatus, Survey, SurveyResponse, SurveySend, SurveyStatus


class SurveyFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=SurveyStatus.choices)

    class Meta:
        model = Survey
        fields = ["status"]


class SurveySendFilter(StrictFilterSet):
    survey = filters.ModelChoiceFilter(queryset=tenant_rows(Survey))
    contact = filters.ModelChoiceFilter(queryset=tenant_rows(Contact))
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    status = filters.ChoiceFilter(choices=SendStatus.choices)

    class Meta:
        model = SurveySend
        fields = ["survey", "contact", "account", "status"]


class SurveyResponseFilter(StrictFilterSet):
    survey = filters.ModelChoiceFilter(queryset=tenant_rows(Survey))
    contact = filters.ModelChoiceFilter(queryset=tenant_rows(Contact))
    account = filters.ModelChoiceFilter(queryset=tenant_rows(Account))
    category = filters.ChoiceFilter(choices=Category.choices)
    channel = filters.ChoiceFilter(choices=Channel.choices)
    responded_at = filters.IsoDateTimeFromToRangeFilter(help_text="responded_at_after / responded_at_before")

    class Meta:
        model = SurveyResponse
        fields = ["survey", "contact", "account", "category", "channel"]
