"""GET /api/v1/accounts/{id}/contacts/health: the User 360 of an account's contacts."""

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.viewsets import TenantScopedViewSet
from accounts.models import Account
from indicators import engine
from indicators.scoring.contacts import LEFT, adoption_thresholds, contacts_health

STAGES = [*(s.value for s in engine.AdoptionStage), LEFT]


class ContactRiskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["dormant", "left"])
    role = serializers.CharField()
    message = serializers.CharField()


class ContactHealthSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="contact.pk")
    external_id = serializers.CharField(source="contact.external_id")
    name = serializers.CharField(source="contact.name")
    email = serializers.CharField(source="contact.email")
    title = serializers.CharField(source="contact.title")
    is_executive = serializers.BooleanField(source="contact.is_executive")
    is_champion = serializers.BooleanField(source="contact.is_champion")
    is_executive_sponsor = serializers.BooleanField()
    adoption_stage = serializers.ChoiceField(choices=STAGES)
    left_at = serializers.DateTimeField(allow_null=True)
    first_seen_at = serializers.DateTimeField(source="contact.first_seen_at", allow_null=True)
    last_seen_at = serializers.DateTimeField(
        allow_null=True, help_text="Their own last use of the product; never after they left."
    )
    survey_score = serializers.IntegerField(allow_null=True, help_text="Latest NPS answer, 0-10.")
    survey_at = serializers.DateTimeField(allow_null=True)
    indicators = serializers.DictField(
        source="values", child=serializers.FloatField(allow_null=True), help_text="Contact-level indicator values."
    )
    risks = ContactRiskSerializer(many=True)


class AccountContactsHealthViewSet(TenantScopedViewSet):
    """Each contact's adoption stage, usage indicators, latest survey score and risk flags (read-only)."""

    model = Account
    serializer_class = ContactHealthSerializer
    pagination_class = None

    @extend_schema(
        responses=inline_serializer(
            "AccountContactsHealth",
            {
                "account": serializers.IntegerField(),
                "as_of": serializers.DateTimeField(),
                "rules": inline_serializer(
                    "AdoptionRules",
                    {
                        "adopting_min_active_days": serializers.IntegerField(),
                        "habitual_min_active_days": serializers.IntegerField(),
                        "habitual_min_active_weeks": serializers.IntegerField(),
                        "dormant_after_days": serializers.IntegerField(),
                    },
                ),
                "at_risk": serializers.IntegerField(help_text="Key people dormant or gone."),
                "contacts": ContactHealthSerializer(many=True),
            },
        )
    )
    @action(detail=True, methods=["get"], url_path="contacts/health")
    def contacts_health(self, request, pk=None):
        account = self.get_object()  # another tenant's account: 404 like a missing one
        as_of = timezone.now()
        rows = contacts_health(tenant=self.tenant, account_ids=[account.pk], as_of=as_of).get(account.pk, [])
        return Response(
            {
                "account": account.pk,
                "as_of": as_of,
                "rules": asdict(adoption_thresholds(self.tenant)),
                "at_risk": sum(1 for r in rows if r.risks),
                "contacts": ContactHealthSerializer(rows, many=True).data,
            }
        )
