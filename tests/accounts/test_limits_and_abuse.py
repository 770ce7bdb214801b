"""Platform ceilings on limits, password-reset throttling, the client address behind proxies, key scopes."""

import json

import pytest
import redis
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.api.throttling import TenantPrincipalThrottle, ingest_messages_per_minute, key_rate_limit
from accounts.client_address import client_address
from accounts.models import ApiKey, Tenant
from accounts.services.api_keys import api_key_create
from tests.accounts.test_api_keys import bearer
from tests.accounts.test_business_calendar import errors_of, page_of, settings_form
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit counters start at zero: the fixtures' emails and the tests' addresses recur across tests."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = redis.Redis.from_url(django_settings.REDIS_URL)
        for key in client.scan_iter(match=f"*{backend.key_prefix}*ratelimit:*"):
            client.delete(key)
    else:
        backend.clear()  # a per-process memory cache


# --- 1. Platform ceilings ------------------------------------------------------------------------------


def test_a_tenant_admin_cannot_set_an_ingest_limit_above_the_platform_ceiling(admin_client_a, world_a, settings):
    over = {"ingest_messages_per_minute": 10**18}
    response = admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, settings=json.dumps(over)))
    assert response.status_code == 200
    [message] = errors_of(response)["settings"]
    assert "ingest_messages_per_minute" in message and f"{settings.INGEST_MESSAGES_PER_MINUTE_MAX:,}" in message
    world_a.tenant.refresh_from_db()
    assert "ingest_messages_per_minute" not in world_a.tenant.settings


def test_a_tenant_ingest_limit_at_the_ceiling_is_kept_and_zero_is_refused(admin_client_a, world_a, settings):
    settings.INGEST_MESSAGES_PER_MINUTE_MAX = 5000
    at = {"ingest_messages_per_minute": 5000}
    response = admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, settings=json.dumps(at)))
    assert response.status_code == 302
    world_a.tenant.refresh_from_db()
    assert world_a.tenant.settings == at
    tenant = Tenant(name="T", slug="t", settings={"ingest_messages_per_minute": 0})
    with pytest.raises(ValidationError) as raised:
        tenant.full_clean()
    assert "ingest_messages_per_minute" in raised.value.message_dict["settings"][0]


def test_the_ingest_ceiling_is_read_at_validation_time(world_a, settings):
    settings.INGEST_MESSAGES_PER_MINUTE_MAX = 100
    world_a.tenant.settings = {"ingest_messages_per_minute": 101}
    with pytest.raises(ValidationError) as raised:
        world_a.tenant.full_clean()
    assert "At most 100 messages per minute" in raised.value.message_dict["settings"][0]


def test_an_api_key_rate_above_the_ceiling_is_a_form_error_naming_the_ceiling(admin_client_a, world_a, settings):
    response = admin_client_a.post(
        "/admin/accounts/apikey/add/", {"name": "greedy", "scopes": ["read"], "rate_limit_per_minute": 2 * 10**9}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert f"{settings.API_RATE_PER_MINUTE_MAX:,}" in errors["rate_limit_per_minute"][0]
    assert not ApiKey.objects.for_tenant(world_a.tenant).filter(name="greedy").exists()


def test_an_api_key_rate_above_the_ceiling_is_refused_on_change_too(admin_client_a, world_a, settings):
    key, _ = api_key_create(tenant=world_a.tenant, name="k", scopes=["read"], rate_limit_per_minute=10)
    over = settings.API_RATE_PER_MINUTE_MAX + 1
    response = admin_client_a.post(
        f"/admin/accounts/apikey/{key.pk}/change/", {"name": "k", "scopes": ["read"], "rate_limit_per_minute": over}
    )
    assert response.status_code == 200
    assert "rate_limit_per_minute" in response.context["adminform"].form.errors
    key.refresh_from_db()
    assert key.rate_limit_per_minute == 10


def test_the_key_service_refuses_a_rate_above_the_ceiling(world_a, settings):
    with pytest.raises(ValidationError) as raised:
        api_key_create(tenant=world_a.tenant, name="cmd", scopes=["read"], rate_limit_per_minute=2 * 10**9)
    assert f"{settings.API_RATE_PER_MINUTE_MAX:,}" in raised.value.message_dict["rate_limit_per_minute"][0]
    assert not ApiKey.objects.for_tenant(world_a.tenant).filter(name="cmd").exists()


def test_limits_stored_above_the_ceiling_are_applied_at_the_ceiling(world_a, settings):
    ApiKey.objects.for_tenant(world_a.tenant).filter(pk=world_a.api_key.pk).update(rate_limit_per_minute=2 * 10**9)
    Tenant.objects.filter(pk=world_a.tenant.pk).update(settings={"ingest_messages_per_minute": 10**18})
    key = ApiKey.unscoped.select_related("tenant").get(pk=world_a.api_key.pk)
    assert key_rate_limit(key) == settings.API_RATE_PER_MINUTE_MAX
    assert ingest_messages_per_minute(key) == settings.INGEST_MESSAGES_PER_MINUTE_MAX
    settings.API_RATE_PER_MINUTE_MAX = 2
    settings.INGEST_MESSAGES_PER_MINUTE_MAX = 3
    assert (key_rate_limit(key), ingest_messages_per_minute(key)) == (2, 3)


def test_a_key_stored_above_the_ceiling_is_throttled_at_the_ceiling(world_a, settings):
    settings.API_RATE_PER_MINUTE_MAX = 2
    key, plaintext = api_key_create(tenant=world_a.tenant, name="old", scopes=["read"])
    ApiKey.objects.for_tenant(world_a.tenant).filter(pk=key.pk).update(rate_limit_per_minute=2 * 10**9)
    statuses = [bearer(plaintext).get("/api/v1/accounts/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- 2. Password reset throttling ----------------------------------------------------------------------


def reset(client, email, address="192.0.2.10"):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_resets_for_one_email_stop_sending_after_the_limit(world_a, client, settings, caplog):
    settings.PASSWORD_RESET_PER_EMAIL_PER_HOUR = 3
    email = world_a.csm.user.email
    answers = [reset(client, email.upper() if i % 2 else email, address=f"192.0.2.{i}") for i in range(4)]
    assert len(mail.outbox) == 3
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {"/admin/password_reset/done/"}  # the same answer throughout
    assert "Password reset not sent" in caplog.text and email not in caplog.text


def test_password_resets_from_one_address_stop_sending_after_the_limit(world_a, client, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 2
    emails = [world_a.admin.user.email, world_a.csm.user.email, world_a.viewer.user.email]
    answers = [reset(client, email, address="198.51.100.7") for email in emails]
    assert [m.to for m in mail.outbox] == [[emails[0]], [emails[1]]]
    assert answers[2].status_code == 302 and answers[2]["Location"] == "/admin/password_reset/done/"
    reset(client, emails[2], address="198.51.100.8")  # another address still gets its mail
    assert mail.outbox[-1].to == [emails[2]]


def test_unknown_emails_count_against_the_limits_too(world_a, client, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 2
    reset(client, "nobody@example.com")
    reset(client, "nobody-else@example.com")
    reset(client, world_a.csm.user.email)
    assert mail.outbox == []


# --- 3. The client address ---------------------------------------------------------------------------


def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # the client's own header names 6.6.6.6: not trusted
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),  # fewer hops than proxies: the furthest one known
        (1, "", "10.0.0.1"),  # no header at all: the socket's address
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_with_trusted_proxies_the_address_the_nearest_proxy_saw_is_used(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(request_from("10.0.0.1", forwarded)) == expected


def sign_in(client, email, password, *, remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post("/admin/login/", {"username": email, "password": password}, REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_forging_the_header_does_not_escape_a_lockout(world_a, client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    email = world_a.admin.user.email
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "nope", remote="198.51.100.7", forwarded=f"203.0.113.{i}")
    locked = sign_in(client, email, PASSWORD, remote="198.51.100.7", forwarded="203.0.113.200")
    assert locked.status_code == 429


def test_behind_a_trusted_proxy_locking_out_one_client_leaves_another_alone(world_a, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    email = world_a.admin.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "nope", remote="10.0.0.1", forwarded="198.51.100.7")
    assert sign_in(client, email, PASSWORD, remote="10.0.0.1", forwarded="198.51.100.7").status_code == 429
    # A forged leftmost entry does not move the attacker onto another key...
    forged = sign_in(client, email, PASSWORD, remote="10.0.0.1", forwarded="203.0.113.9, 198.51.100.7")
    assert forged.status_code == 429
    # ...while the real user, behind the same load balancer, still signs in.
    assert sign_in(client, email, PASSWORD, remote="10.0.0.1", forwarded="203.0.113.9").status_code == 302


def test_password_resets_count_the_forwarded_client_behind_a_trusted_proxy(world_a, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 1
    first, second = world_a.admin.user.email, world_a.csm.user.email
    client.post("/admin/password_reset/", {"email": first}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    client.post("/admin/password_reset/", {"email": second}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert [m.to for m in mail.outbox] == [[first], [second]]


def test_anonymous_api_throttling_keys_on_the_same_client_address(settings):
    # Anonymous callers reach the throttle only on public API views (the schema); the class is asked directly.
    settings.API_DEFAULT_RATE_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    throttle = TenantPrincipalThrottle()
    client, forger = "198.51.100.70", "203.0.113.70"
    assert throttle.allow_request(request_from("10.0.0.1", client), None)
    assert not throttle.allow_request(request_from("10.0.0.1", client), None)
    assert not throttle.allow_request(request_from("10.0.0.1", f"{forger}, {client}"), None)  # forged left part
    assert throttle.allow_request(request_from("10.0.0.1", forger), None)


# --- 4. Scopes of the documented integration flow ------------------------------------------------------


def test_an_ingest_key_may_check_eligibility_before_posting_a_response(world_a, contact_a):
    survey = make_survey(world_a.tenant)
    _, plaintext = api_key_create(tenant=world_a.tenant, name="in-product", scopes=["ingest"])
    api = bearer(plaintext)
    answer = api.get(f"/api/v1/surveys/{survey.pk}/eligibility/", {"contact_email": contact_a.email})
    assert answer.status_code == 200, answer.content
    assert answer.json()["eligible"] is True
    posted = api.post(
        "/api/v1/survey-responses/", {"survey": survey.pk, "contact": contact_a.pk, "score": 9}, format="json"
    )
    assert posted.status_code == 201, posted.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/surveys/",
        "/api/v1/surveys/{survey}/",
        "/api/v1/survey-responses/",
        "/api/v1/survey-sends/",
        "/api/v1/accounts/",
        "/api/v1/contacts/",
        "/api/v1/nps/summary/",
    ],
)
def test_an_ingest_key_still_reads_nothing_else(world_a, contact_a, path):
    survey = make_survey(world_a.tenant)
    _, plaintext = api_key_create(tenant=world_a.tenant, name="in-product", scopes=["ingest"])
    assert bearer(plaintext).get(path.format(survey=survey.pk)).status_code == 403


def test_eligibility_stays_within_the_key_tenant(world_a, world_b, contact_a):
    survey_b = make_survey(world_b.tenant)
    _, plaintext = api_key_create(tenant=world_a.tenant, name="in-product", scopes=["ingest"])
    answer = bearer(plaintext).get(f"/api/v1/surveys/{survey_b.pk}/eligibility/", {"contact": contact_a.pk})
    assert answer.status_code == 404


def test_a_write_only_key_still_cannot_check_eligibility(world_a, contact_a):
    survey = make_survey(world_a.tenant)
    _, plaintext = api_key_create(tenant=world_a.tenant, name="writer", scopes=["write"])
    answer = bearer(plaintext).get(f"/api/v1/surveys/{survey.pk}/eligibility/", {"contact": contact_a.pk})
    assert answer.status_code == 403
