from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.admin.base import TenantScopedAdmin
from accounts.models import ApiKey, Invitation, Membership
from accounts.roles import ALL_SCOPES, Role, role_at_least
from accounts.services.api_keys import api_key_create, api_key_revoke
from accounts.services.invitations import invitation_create, invitation_send_later


class AdminOnlyMixin:
    """People and credentials are the tenant admins' business; others don't see them."""

    def has_view_permission(self, request, obj=None):
        return role_at_least(self.role(request), Role.ADMIN)


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ("user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at")
    fields = ("user", "role", "created_at")

    def has_add_permission(self, request):
        return False  # people join through invitations

    def has_view_permission(self, request, obj=None):
        # Everyone may see who is in their tenant (CSM owner choices need it).
        return role_at_least(self.role(request), Role.VIEWER)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ("email", "role")


@admin.register(Invitation)
class InvitationAdmin(AdminOnlyMixin, TenantScopedAdmin):
    form = InvitationForm
    list_display = ("email", "role", "invited_by", "created_at", "sent_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email",)
    actions = ["resend", "revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ("email", "role") if obj else ()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        created = invitation_create(tenant=request.tenant, email=obj.email, role=obj.role, invited_by=request.user)
        obj.pk, obj.tenant = created.pk, created.tenant

    @admin.action(description="Send the invitation email again", permissions=["change"])
    def resend(self, request, queryset):
        for invitation in queryset:
            if invitation.is_usable:
                invitation_send_later(invitation=invitation)
        messages.success(request, "Invitations still open were sent again.")

    @admin.action(description="Withdraw the invitation", permissions=["change"])
    def revoke(self, request, queryset):
        queryset.filter(accepted_at=None, revoked_at=None).update(revoked_at=timezone.now())


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=[(s, s) for s in ALL_SCOPES], widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ("name", "scopes", "rate_limit_per_minute", "expires_at")


@admin.register(ApiKey)
class ApiKeyAdmin(AdminOnlyMixin, TenantScopedAdmin):
    form = ApiKeyForm
    list_display = ("name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("name", "key_id")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "scopes", "rate_limit_per_minute", "expires_at")
        return ("name", "prefix", "scopes", "rate_limit_per_minute", "expires_at", *self.readonly_fields[1:])

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key, plaintext = api_key_create(
            tenant=request.tenant,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
            expires_at=form.cleaned_data["expires_at"],
            rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"],
        )
        obj.pk, obj.tenant, obj.key_id = key.pk, key.tenant, key.key_id
        request._api_key_plaintext = plaintext

    def response_add(self, request, obj, post_url_continue=None):
        # The only time the secret exists in clear: shown on this page, never stored or redirected.
        return TemplateResponse(
            request,
            "accounts/api_key_created.html",
            {
                **self.admin_site.each_context(request),
                "api_key": obj,
                "plaintext": request._api_key_plaintext,
                "opts": self.model._meta,
                "title": "API key created",
            },
        )

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(tenant=request.tenant or key.tenant, api_key=key)
        messages.success(request, "Keys revoked; they now get 401.")
