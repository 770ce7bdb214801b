"""The signed-in person's own security pages in the console: two-factor sign-in, the code step, sessions.

None takes an id of a person: each reads and changes the requesting person's own devices and sessions only,
and a session id names one of theirs or is "not found". Unknown parameters and fields are 400s naming them.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login

from accounts.models import Membership
from accounts.services import signed_in_sessions as sessions
from accounts.services import two_factor
from accounts.two_factor_gate import Step, step_owed
from accounts.user_agents import user_agent_summary
from accounts.whole_numbers import whole_number

PENDING_KEY = "two_factor_pending_key"  # the secret shown for enrolment, until confirmed
FAILURES_KEY = "two_factor_failures"  # wrong codes sent by this session


def _page(request, template: str, title: str, context: dict, *, errors: list[str] = (), status: int = 200):
    context = {**admin.site.each_context(request), "title": title, "errors": list(errors), **context}
    return TemplateResponse(request, f"accounts/security/{template}", context, status=400 if errors else status)


def _unknown(names, allowed: set[str], what: str) -> list[str]:
    return [f"Unknown {what}: {name}." for name in sorted(set(names) - allowed - {"csrfmiddlewaretoken"})]


def _safe_next(request, raw: str | None) -> str:
    if raw and url_has_allowed_host_and_scheme(raw, {request.get_host()}, require_https=request.is_secure()):
        return raw
    return reverse("admin:landing")


def _wrong_code(request, throttled: bool) -> HttpResponseRedirect | str:
    """Count a wrong code against the session; past the cap the session is signed out (the password again)."""
    failures = request.session.get(FAILURES_KEY, 0) + 1
    if failures >= settings.TWO_FACTOR_MAX_ATTEMPTS:
        logout(request)
        messages.error(request, "Too many wrong codes: sign in again.")
        return redirect("admin:login")
    request.session[FAILURES_KEY] = failures
    if throttled:
        return "Too many wrong codes in a row: wait a few seconds, then try again."
    return "That code is not right. Enter the current code from your authenticator app, or a recovery code."


def two_factor_verify_page(request):
    """After the password: the code from the authenticator app (or a recovery code) verifies the session."""
    next_url = _safe_next(request, request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME))
    context = {"next": next_url}
    errors = _unknown(request.GET, {REDIRECT_FIELD_NAME}, "parameter")
    if step_owed(request) != Step.VERIFY:
        return HttpResponseRedirect(next_url)
    if request.method == "POST":
        errors += _unknown(request.POST, {"code", REDIRECT_FIELD_NAME}, "field")
        if not errors:
            check = two_factor.code_check(user=request.user, code=request.POST.get("code", ""))
            if check.device is not None:
                otp_login(request, check.device)
                request.session.pop(FAILURES_KEY, None)
                if check.recovery:
                    left = two_factor.recovery_codes_left(user=request.user)
                    messages.warning(request, f"You signed in with a recovery code; {left} left. "
                                     "Replace them on your two-factor page if you are running out.")  # fmt: skip
                return HttpResponseRedirect(next_url)
            outcome = _wrong_code(request, check.throttled)
            if isinstance(outcome, HttpResponseRedirect):
                return outcome
            errors.append(outcome)
    return _page(request, "verify.html", "Two-factor sign-in", context, errors=errors)


def _qr_svg(uri: str) -> str:
    # Drawn here as inline SVG: the secret never leaves the server for a QR service.
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=4, border=2))


def _enrol_context(request) -> dict:
    hex_key = request.session.get(PENDING_KEY)
    if not isinstance(hex_key, str):
        hex_key = request.session[PENDING_KEY] = two_factor.new_authenticator_secret()
    uri = two_factor.provisioning_uri(user=request.user, hex_key=hex_key)
    requiring = Membership.unscoped.filter(user=request.user, tenant__require_two_factor=True)
    return {
        "qr_svg": _qr_svg(uri),
        "secret": two_factor.secret_for_display(hex_key),
        "required_by": sorted(m.tenant.name for m in requiring.select_related("tenant")),
    }


def _codes_page(request, codes: list[str], *, first: bool):
    return _page(request, "recovery_codes.html", "Your recovery codes", {"codes": codes, "first": first})


def two_factor_page(request):
    """The person's own two-factor sign-in: set it up, see it, replace the recovery codes, turn it off."""
    user = request.user
    errors = _unknown(request.GET, set(), "parameter")
    enabled = two_factor.two_factor_enabled(user=user)
    if request.method == "POST" and not errors:
        errors = _unknown(request.POST, {"action", "code"}, "field")
        action = request.POST.get("action", "")
        expected = {"regenerate", "disable"} if enabled else {"enrol"}
        if not errors and action not in expected:
            errors.append(f"Unknown action: {action or '(none)'}; use one of {', '.join(sorted(expected))}.")
        if not errors:
            if action == "regenerate":
                return _codes_page(request, two_factor.recovery_codes_regenerate(user=user), first=False)
            if action == "enrol":
                pending = request.session.get(PENDING_KEY)
                code = request.POST.get("code", "")
                done = two_factor.two_factor_enrol(user=user, hex_key=pending, code=code) if pending else None
                if done is not None:
                    device, codes = done
                    otp_login(request, device)
                    request.session.pop(PENDING_KEY, None)
                    request.session.pop(FAILURES_KEY, None)
                    return _codes_page(request, codes, first=True)
                outcome = _wrong_code(request, throttled=False)
            else:  # disable: a current code proves the person holds the second factor, not only the session
                check = two_factor.code_check(user=user, code=request.POST.get("code", ""))
                if check.device is not None:
                    two_factor.two_factor_disable(user=user)
                    request.session.pop(FAILURES_KEY, None)
                    ended = sessions.session_keep_only(
                        user=user, session=request.session, reason="signed out: two-factor sign-in turned off"
                    )
                    messages.success(request, f"Two-factor sign-in is off. {ended} other session(s) signed out.")
                    return redirect("admin:two-factor")
                outcome = _wrong_code(request, check.throttled)
            if isinstance(outcome, HttpResponseRedirect):
                return outcome
            errors.append(outcome)
    context = {"enabled": enabled}
    if enabled:
        status = getattr(user, "two_factor", None)
        context.update(enabled_at=status.enabled_at if status else None,
                       codes_left=two_factor.recovery_codes_left(user=user))  # fmt: skip
    else:
        context.update(_enrol_context(request))
    return _page(request, "two_factor.html", "Two-factor sign-in", context, errors=errors)


def signed_in_sessions_page(request):
    """Where the person is signed in, with "sign out" for each session and for all but this one."""
    user = request.user
    current = sessions.current_session_id(user=user, session=request.session)
    errors = _unknown(request.GET, set(), "parameter")
    if request.method == "POST" and not errors:
        errors = _unknown(request.POST, {"action", "session"}, "field")
        action = request.POST.get("action", "")
        if not errors and action == "revoke":
            session_id = whole_number(request.POST.get("session"))
            if session_id is None:
                errors.append("session: give the id of one of your sessions.")
            else:
                if session_id == current:
                    logout(request)  # this session: an ordinary sign-out (the row goes with it)
                    return redirect("admin:login")
                sessions.session_revoke(user=user, session_id=session_id)
                messages.success(request, "That session is signed out.")
                return redirect("admin:signed-in-sessions")
        elif not errors and action == "revoke_others":
            ended = sessions.session_keep_only(user=user, session=request.session, reason="signed out by its owner")
            messages.success(request, f"Signed out everywhere else ({ended} session(s)).")
            return redirect("admin:signed-in-sessions")
        elif not errors:
            errors.append(f"Unknown action: {action or '(none)'}; use revoke or revoke_others.")
    rows = [
        {
            "id": row.pk,
            "created_at": row.created_at,
            "last_seen_at": row.last_seen_at,
            "ip_address": row.ip_address or "",
            "browser": user_agent_summary(row.user_agent),
            "current": row.pk == current,
        }
        for row in sessions.sessions_of(user=user)
    ]
    return _page(request, "sessions.html", "Where you are signed in", {"sessions": rows}, errors=errors)
