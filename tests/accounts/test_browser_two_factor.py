"""Two-factor sign-in in a real browser (headless Chromium): enrol from the console, sign out, sign in again
with the password and then a code, and see the sessions page."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.two_factor_helpers import PASSWORD, code_for
from tests.browser import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def password_step(browser, live_server, email):
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_member_enrols_then_signs_in_with_a_code(live_server, chromium, world_a):
    email = world_a.csm.user.email
    page = password_step(chromium, live_server, email)
    page.click("a.two-factor-link")
    assert page.locator(".two-factor-qr svg").count() == 1
    screenshot(page, "two-factor-enrol")
    secret = page.inner_text(".two-factor-secret").replace(" ", "")
    hex_key = b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.fill("#id_code", code_for(hex_key, steps=-1))
    page.click(".enrol-two-factor input[type=submit]")
    page.wait_for_load_state()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and TOTPDevice.objects.get(user=world_a.csm.user).confirmed

    again = password_step(chromium, live_server, email)
    assert "/admin/security/two-factor/verify/" in again.url
    again.goto(f"{live_server.url}/admin/work/today/")
    assert "/admin/security/two-factor/verify/" in again.url  # nothing else until the code
    again.fill("#id_code", code_for(hex_key))
    again.click(".two-factor-verify input[type=submit]")
    again.wait_for_load_state()
    assert again.url.endswith("/admin/work/today/")

    again.click("a.my-sessions-link")
    rows = again.locator("table.signed-in-sessions tbody tr")
    assert rows.count() == 2 and re.search(r"\(this session\)", again.inner_text(".current-session"))
    screenshot(again, "signed-in-sessions")
