"""Two-factor sign-in: enrolling, the code after the password, recovery codes, turning it off, and a tenant
that requires it (for its own members only)."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Tenant, TwoFactorStatus
from tests.accounts.test_business_calendar import settings_form
from tests.accounts.two_factor_helpers import (
    TWO_FACTOR,
    VERIFY,
    code_for,
    enrolled,
    pending_key,
    sign_in,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/accounts/"


def reasons(user) -> list[str]:
    return [h.history_change_reason for h in TwoFactorStatus.history.filter(user=user).order_by("history_id")]


def test_enrolling_shows_the_qr_and_secret_then_ten_recovery_codes_once(world_a):
    user = world_a.csm.user
    client, _ = sign_in(user.email)
    page = client.get(TWO_FACTOR)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "two-factor-secret" in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # drawn inline, nothing fetched
    key = pending_key(client)

    wrong = client.post(TWO_FACTOR, {"action": "enrol", "code": "000000" if code_for(key) != "000000" else "111111"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.filter(user=user).exists()

    done = client.post(TWO_FACTOR, {"action": "enrol", "code": code_for(key)})
    codes = [c.token for c in StaticToken.objects.filter(device__user=user)]
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert reasons(user) == ["enrolled"]
    assert TwoFactorStatus.history.get(user=user).history_user == user

    again = client.get(TWO_FACTOR).content.decode()
    assert "<strong>on</strong>" in again and not any(code in again for code in codes)  # shown once


def test_replacing_recovery_codes_stops_the_old_ones(world_a):
    user = world_a.csm.user
    key, old = enrolled(user)
    client, _ = sign_in(user.email)
    client.post(VERIFY, {"code": code_for(key), "next": "/admin/"})
    response = client.post(TWO_FACTOR, {"action": "regenerate"})
    new = {c.token for c in StaticToken.objects.filter(device__user=user)}
    assert response.status_code == 200 and len(new) == 10 and not new & set(old)
    assert reasons(user) == ["enrolled", "recovery codes replaced"]


def test_after_the_password_a_member_with_an_authenticator_must_enter_its_code(world_a):
    user = world_a.csm.user
    key, _ = enrolled(user)
    client, response = sign_in(user.email, next_url="/admin/work/today/")
    assert response["Location"] == "/admin/work/today/"
    for page in ("/admin/", "/admin/work/today/", "/admin/accounts/account/", TWO_FACTOR, "/admin/security/sessions/"):
        refused = client.get(page)
        assert refused.status_code == 302 and refused["Location"].startswith(VERIFY), page
    assert client.get(API).status_code in (401, 403)  # the session does not reach the API either

    wrong = "123456" if code_for(key) != "123456" else "654321"
    refused = client.post(VERIFY, {"code": wrong, "next": "/admin/work/today/"})
    assert refused.status_code == 400 and "not right" in refused.content.decode()
    assert client.get("/admin/").status_code == 302

    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)  # past django-otp's wait
    accepted = client.post(VERIFY, {"code": code_for(key), "next": "/admin/work/today/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/admin/work/today/"
    assert client.get("/admin/work/today/").status_code == 200
    assert client.get(API).status_code == 200


def test_a_code_is_refused_while_django_otp_throttles_after_a_wrong_one(world_a):
    user = world_a.csm.user
    key, _ = enrolled(user)
    client, _ = sign_in(user.email)
    wrong = "123456" if code_for(key) != "123456" else "654321"
    client.post(VERIFY, {"code": wrong})
    refused = client.post(VERIFY, {"code": code_for(key)})  # right, but within the wait after a wrong one
    assert refused.status_code == 400 and "wait" in refused.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_code_signs_in_once(world_a):
    user = world_a.csm.user
    key, _ = enrolled(user)
    code = code_for(key, steps=1)
    first, _ = sign_in(user.email)
    assert first.post(VERIFY, {"code": code})["Location"] == "/admin/landing/"
    second, _ = sign_in(user.email)
    assert second.post(VERIFY, {"code": code}).status_code == 400  # replayed


def test_a_recovery_code_signs_in_once_and_is_audited(world_a):
    user = world_a.csm.user
    _, codes = enrolled(user)
    first, _ = sign_in(user.email)
    response = first.post(VERIFY, {"code": codes[3].upper(), "next": "/admin/"})
    assert response.status_code == 302 and first.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert reasons(user) == ["enrolled", "recovery code used"]

    second, _ = sign_in(user.email)
    assert second.post(VERIFY, {"code": codes[3]}).status_code == 400
    assert second.get("/admin/").status_code == 302


def test_too_many_wrong_codes_sign_the_session_out(world_a, settings):
    settings.TWO_FACTOR_MAX_ATTEMPTS = 3
    user = world_a.csm.user
    key, _ = enrolled(user)
    client, _ = sign_in(user.email)
    wrong = "123456" if code_for(key) != "123456" else "654321"
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    last = client.post(VERIFY, {"code": wrong})
    assert last.status_code == 302 and last["Location"] == "/admin/login/"
    assert SESSION_KEY not in client.session  # signed out: the password is asked for again


def test_unknown_fields_and_parameters_are_refused_by_name(world_a):
    user = world_a.csm.user
    enrolled(user)
    client, _ = sign_in(user.email)
    response = client.post(VERIFY, {"code": "123456", "user": "1"})
    assert response.status_code == 400 and "Unknown field: user." in response.content.decode()
    assert client.get(VERIFY, {"device": "3"}).status_code == 400


def test_turning_it_off_needs_a_current_code_and_signs_out_the_other_sessions(world_a):
    user = world_a.csm.user
    key, codes = enrolled(user)
    other, _ = sign_in(user.email)
    other.post(VERIFY, {"code": code_for(key)})
    client, _ = sign_in(user.email)
    client.post(VERIFY, {"code": codes[0]})
    assert other.get("/admin/").status_code == 200

    refused = client.post(TWO_FACTOR, {"action": "disable", "code": ""})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=user).exists()
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    done = client.post(TWO_FACTOR, {"action": "disable", "code": code_for(key, steps=1)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticToken.objects.filter(device__user=user)
    assert reasons(user) == ["enrolled", "recovery code used", "disabled"]
    assert client.get("/admin/").status_code == 200  # this session stays
    assert other.get("/admin/")["Location"].startswith("/admin/login/")  # the other is signed out


def test_a_tenant_that_requires_it_sends_its_members_to_enrol_and_nobody_else(world_a, world_b):
    world_a.tenant.require_two_factor = True
    world_a.tenant.save()
    a, _ = sign_in(world_a.csm.user.email, next_url="/admin/work/today/")
    for page in ("/admin/", "/admin/work/today/", "/admin/security/sessions/", VERIFY):
        refused = a.get(page)
        assert refused.status_code == 302 and refused["Location"].startswith(TWO_FACTOR), page
    assert a.get(API).status_code in (401, 403)
    page = a.get(TWO_FACTOR)
    assert page.status_code == 200 and "Alpha requires two-factor sign-in" in page.content.decode()
    a.post(TWO_FACTOR, {"action": "enrol", "code": code_for(pending_key(a))})
    assert a.get("/admin/work/today/").status_code == 200

    b, _ = sign_in(world_b.csm.user.email, next_url="/admin/work/today/")
    assert b.get("/admin/work/today/").status_code == 200  # Beta does not require it


def test_api_keys_are_not_asked_for_a_second_factor(world_a, key_client_a):
    world_a.tenant.require_two_factor = True
    world_a.tenant.save()
    assert key_client_a.get(API).status_code == 200


def test_the_tenant_admin_sets_the_requirement_on_its_settings_page_and_it_is_audited(admin_client_a, world_a):
    page = f"/admin/accounts/tenant/{world_a.tenant.pk}/change/"
    assert "require_two_factor" in admin_client_a.get(page).content.decode()
    response = admin_client_a.post(page, settings_form(world_a.tenant, require_two_factor="on"))
    assert response.status_code == 302
    world_a.tenant.refresh_from_db()
    assert world_a.tenant.require_two_factor
    change = Tenant.history.filter(id=world_a.tenant.pk).order_by("-history_id").first()
    assert change.history_user == world_a.admin.user and change.require_two_factor


def test_a_csm_cannot_change_the_requirement(client, world_a):
    from tests.conftest import session_client

    csm = session_client(client, world_a.csm)
    page = f"/admin/accounts/tenant/{world_a.tenant.pk}/change/"
    csm.post(page, settings_form(world_a.tenant, require_two_factor="on"))
    world_a.tenant.refresh_from_db()
    assert not world_a.tenant.require_two_factor


def test_another_tenants_admin_cannot_change_the_requirement(admin_client_a, world_b):
    page = f"/admin/accounts/tenant/{world_b.tenant.pk}/change/"
    assert admin_client_a.post(page, settings_form(world_b.tenant, require_two_factor="on")).status_code == 404
    world_b.tenant.refresh_from_db()
    assert not world_b.tenant.require_two_factor
