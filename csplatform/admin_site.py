"""The admin site: every tenant member's console, scoped to their active tenant."""

from functools import update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.middleware import SESSION_KEY, user_memberships
from accounts.models import Tenant
from accounts.roles import Role
from accounts.services.signed_in_sessions import session_keep_only
from accounts.two_factor_gate import Step, step_owed
from accounts.whole_numbers import whole_number


class MemberAuthenticationForm(AdminAuthenticationForm):
    """Lets in platform staff and anyone who is a member of at least one tenant."""

    def confirm_login_allowed(self, user):
        if not user.is_active or not (user.is_staff or user_memberships(user)):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


# Dashboard pages listed on the index: (title, URL name); each is routed in TenantAdminSite.get_urls.
DASHBOARDS = [
    ("Today", "workspace-admin:today"),
    ("Team", "workspace-admin:team"),
    ("Health", "admin:health-dashboard"),
    ("NPS", "surveys-admin:nps"),
    ("Renewals ahead", "outcomes-admin:renewals-ahead"),
    ("Outcomes", "outcomes-admin:dashboard"),
    ("Indicators before churn", "outcomes-admin:churn-indicators"),
    ("Scorecard backtest", "outcomes-admin:backtest"),
    ("Renewal forecast", "outcomes-admin:forecast"),
]


# While a session owes a two-factor step, the one console page that takes it (besides signing out).
STEP_PAGES = {Step.VERIFY: "admin:two-factor-verify", Step.ENROL: "admin:two-factor"}
OPEN_WHILE_OWED = {"admin:logout"}


class TenantAdminSite(admin.AdminSite):
    site_header = "csplatform"
    site_title = "csplatform"
    index_title = "Customer success console"
    login_form = MemberAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or getattr(request, "membership", None) is not None)

    def each_context(self, request):
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated:
            if user.is_superuser:
                choices = list(Tenant.objects.order_by("name").values_list("pk", "name"))
            else:
                choices = [(m.tenant_id, f"{m.tenant.name} ({m.get_role_display()})") for m in request.memberships]
            context.update(
                tenant_choices=choices,
                active_tenant=getattr(request, "tenant", None),
                active_role=getattr(request, "role", None),
                active_membership=getattr(request, "membership", None),
            )
        return context

    def admin_view(self, view, cacheable=False):
        """Every console page (the admin's own and the apps' pages built with this) first asks for the
        two-factor step the session still owes: a code after the password, or setting up an authenticator."""

        def second_factor_first(request, *args, **kwargs):
            step = step_owed(request)
            if step is not None:
                page = STEP_PAGES[step]
                name = request.resolver_match.view_name if request.resolver_match else None
                if name != page and name not in OPEN_WHILE_OWED:
                    return redirect_to_login(request.get_full_path(), reverse(page))
            return view(request, *args, **kwargs)

        return super().admin_view(update_wrapper(second_factor_first, view), cacheable)

    def password_change(self, request, extra_context=None):
        """A new password signs out every other session of the person (this one stays signed in)."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            session_keep_only(user=request.user, session=request.session, reason="signed out: password changed")
        return response

    def get_urls(self):
        from accounts.admin.search import console_search
        from accounts.admin.security_pages import signed_in_sessions_page, two_factor_page, two_factor_verify_page
        from indicators.admin.dashboard import health_dashboard  # imports models: not while the site is built

        return [
            path("switch-tenant/", self.admin_view(self.switch_tenant), name="switch-tenant"),
            path("landing/", self.admin_view(self.landing), name="landing"),
            path("health-dashboard/", self.admin_view(health_dashboard), name="health-dashboard"),
            path("search/", self.admin_view(console_search), name="console-search"),
            path("security/two-factor/", self.admin_view(two_factor_page), name="two-factor"),
            path("security/two-factor/verify/", self.admin_view(two_factor_verify_page), name="two-factor-verify"),
            path("security/sessions/", self.admin_view(signed_in_sessions_page), name="signed-in-sessions"),
            *super().get_urls(),
        ]

    def login(self, request, extra_context=None):
        """Signing in without a page to return to lands on the member's own page (``landing``), not the index."""
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            extra_context = {**(extra_context or {}), REDIRECT_FIELD_NAME: reverse("admin:landing")}
        return super().login(request, extra_context)

    @staticmethod
    def landing(request):
        """Where a member starts: a CSM on their Today, a leader (admin, viewer) on the team view; an operator
        outside any tenant on the index, where they pick one."""
        if request.tenant is None:
            return HttpResponseRedirect(reverse("admin:index"))
        if request.role == Role.CSM and not request.user.is_superuser:
            return HttpResponseRedirect(reverse("workspace-admin:today"))
        return HttpResponseRedirect(reverse("workspace-admin:team"))

    def get_app_list(self, request, app_label=None):
        """The dashboards come first on the index and in the sidebar, for members acting in a tenant."""
        apps = super().get_app_list(request, app_label)
        if app_label is None and getattr(request, "tenant", None) is not None:
            links = [
                {
                    "name": title,
                    "object_name": slugify(title),
                    "admin_url": reverse(url),
                    "view_only": True,
                    "perms": {},
                }
                for title, url in DASHBOARDS
            ]
            apps.insert(
                0,
                {"name": "Dashboards", "app_label": "dashboards", "app_url": links[0]["admin_url"], "models": links},
            )
        return apps

    @staticmethod
    @require_POST
    def switch_tenant(request):
        raw = request.POST.get("active_tenant", "")
        allowed = {m.tenant_id for m in user_memberships(request.user)}
        if request.user.is_superuser:
            if raw == "":
                request.session.pop(SESSION_KEY, None)  # operator view across all tenants
                return HttpResponseRedirect(reverse("admin:index"))
            allowed |= set(Tenant.objects.values_list("pk", flat=True))
        chosen = whole_number(raw)
        if chosen is not None and chosen in allowed:
            request.session[SESSION_KEY] = chosen
        else:
            messages.error(request, "You are not a member of that tenant.")
        return HttpResponseRedirect(reverse("admin:index"))
