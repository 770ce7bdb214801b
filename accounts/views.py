"""Public pages outside admin: accepting an invitation, asking for a password reset."""

from django import forms
from django.contrib.auth import login, password_validation
from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.client_address import client_address
from accounts.middleware import SESSION_KEY
from accounts.models import User
from accounts.password_resets import password_reset_allowed
from accounts.rls import finds_its_tenant
from accounts.services.invitation_links import InvitationInvalid, invitation_from_token
from accounts.services.invitations import invitation_accept


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    password = forms.CharField(
        widget=forms.PasswordInput, help_text=password_validation.password_validators_help_text_html()
    )

    def __init__(self, *args, invitation, existing_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation, self.existing_user = invitation, existing_user
        if existing_user is not None:
            del self.fields["full_name"]
            self.fields["password"].help_text = "Your current csplatform password, to confirm it's you."

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.existing_user is not None:
            if not self.existing_user.check_password(password):
                raise forms.ValidationError("That is not the password of this account.")
        else:
            password_validation.validate_password(password, User(email=self.invitation.email))
        return password


@never_cache
@sensitive_post_parameters("password")
@finds_its_tenant
def accept_invitation(request, token):
    try:
        invitation = invitation_from_token(token)
    except InvitationInvalid as exc:
        return render(request, "accounts/invitation_accept.html", {"error": str(exc)}, status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and not existing.has_usable_password():
        existing = None
    form = AcceptInvitationForm(request.POST or None, invitation=invitation, existing_user=existing)
    if request.method == "POST" and form.is_valid():
        try:
            membership = invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data.get("full_name", ""),
                password=form.cleaned_data["password"],
            )
        except InvitationInvalid as exc:
            return render(request, "accounts/invitation_accept.html", {"error": str(exc)}, status=404)
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = membership.tenant_id
        return HttpResponseRedirect(reverse("admin:index"))
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


class ThrottledPasswordResetView(PasswordResetView):
    """Django's reset form, with no email sent past the hourly limits (the answer is the same either way)."""

    def form_valid(self, form):
        if not password_reset_allowed(email=form.cleaned_data["email"], address=client_address(self.request)):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
