"""Admin for surveys, their rounds and invitations, responses and unsubscribes.

Responses and invitations are read-only here: they change only through the services (which record
the survey event and notify follow-ups). A survey's page inspects any contact's eligibility.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.admin.base import TenantScopedAdmin
from accounts.models import Contact
from accounts.roles import Role, role_at_least
from accounts.whole_numbers import whole_number
from indicators.admin.base import ReadOnlyAdminMixin
from surveys.models import Channel, Survey, SurveyResponse, SurveyRound, SurveySend, SurveyUnsubscribe
from surveys.services.eligibility import contact_eligibility
from surveys.services.rounds import round_start
from surveys.services.sending import survey_link


@admin.register(Survey)
class SurveyAdmin(TenantScopedAdmin):
    list_display = ("name", "status", "schedule_kind", "next_round_at", "channel_email", "channel_in_product")
    list_filter = ("status", "schedule_kind")
    search_fields = ("name",)
    raw_id_fields = ("audience_csm",)
    readonly_fields = ("next_round_at", "eligibility_link")
    actions = ("start_round_now",)
    fieldsets = (
        (None, {"fields": ("name", "status", "question", "comment_question")}),
        (
            "Audience",
            {
                "fields": (
                    "audience_segment",
                    "audience_lifecycle_stage",
                    "audience_csm",
                    "audience_renewal_within_days",
                    "audience_contact_role",
                )
            },
        ),
        ("Channels", {"fields": ("channel_email", "channel_in_product", "channel_import")}),
        ("Schedule", {"fields": ("schedule_kind", "starts_at", "recurrence_days", "drip_days", "next_round_at")}),
        ("Eligibility", {"fields": ("eligibility_link",)}),
    )

    @admin.display(description="Inspect a contact")
    def eligibility_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the survey first."
        url = reverse("admin:surveys_survey_eligibility", args=[obj.pk])
        return format_html('<a href="{}">Would a contact be asked now? Why not?</a>', url)

    @admin.action(description="Start a round now")
    def start_round_now(self, request, queryset):
        if not role_at_least(self.role(request), Role.ADMIN):
            self.message_user(request, "Only admins start rounds.", messages.ERROR)
            return
        for survey in queryset:
            survey_round = round_start(tenant=request.tenant, survey=survey)
            self.message_user(request, f"{survey}: round {survey_round.number}, {survey_round.selected} invitations.")

    def get_urls(self):
        view = self.admin_site.admin_view(self.eligibility_view)
        return [path("<path:object_id>/eligibility/", view, name="surveys_survey_eligibility"), *super().get_urls()]

    def eligibility_view(self, request, object_id):
        survey = self.get_object(request, object_id)
        if survey is None or request.tenant is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        raw = request.GET.get("contact", "").strip()
        channel = request.GET.get("channel", Channel.EMAIL)
        if channel not in Channel.values:
            channel = Channel.EMAIL
        contact = result = None
        if raw:
            contact_id = whole_number(raw)
            by = {"pk": contact_id} if contact_id is not None else {"email__iexact": raw}
            contact = Contact.objects.for_tenant(request.tenant).select_related("account").filter(**by).first()
            if contact is not None:
                result = contact_eligibility(tenant=request.tenant, contact=contact, survey=survey, channel=channel)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Eligibility for {survey}",
            "survey": survey,
            "query": raw,
            "channel": channel,
            "channels": Channel.choices,
            "contact": contact,
            "result": result,
        }
        return TemplateResponse(request, "admin/surveys/eligibility.html", context)


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = ("survey", "number", "started_at", "drip_until", "selected", "skipped")
    list_filter = ("survey",)
    ordering = ("-started_at",)


@admin.register(SurveySend)
class SurveySendAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = ("contact", "survey", "channel", "status", "scheduled_for", "sent_at", "answered_at")
    list_filter = ("status", "channel", "survey")
    list_select_related = ("contact", "survey")
    raw_id_fields = ("contact", "account", "round")
    search_fields = ("contact__email",)
    ordering = ("-scheduled_for",)
    exclude = ("token_id",)

    def get_fields(self, request, obj=None):
        # In DEBUG only (a laptop, the quick start): the invitation link, so a newcomer can answer a survey
        # without a mailbox. Anywhere else the link is the contact's alone and never shown to staff.
        fields = list(super().get_fields(request, obj))
        return [*fields, "invitation_link"] if settings.DEBUG and obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "invitation_link"] if settings.DEBUG and obj is not None else readonly

    @admin.display(description="Invitation link (shown in DEBUG only)")
    def invitation_link(self, obj):
        link = survey_link(obj)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', link, link)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = ("responded_at", "score", "category", "contact", "account", "survey", "channel")
    list_filter = ("category", "channel", "survey")
    list_select_related = ("contact", "account", "survey")
    raw_id_fields = ("contact", "account", "survey", "send")
    search_fields = ("dedup_key", "comment")
    ordering = ("-responded_at",)


@admin.register(SurveyUnsubscribe)
class SurveyUnsubscribeAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = ("contact", "unsubscribed_at")
    raw_id_fields = ("contact", "send")
    search_fields = ("contact__email",)
