"""Operator commands: create_tenant."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Tenant, User
from accounts.roles import ALL_SCOPES, Role
from accounts.services.api_keys import api_key_authenticate
from tests.factories import TenantFactory, UserFactory

KEY = re.compile(r"csp_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}")


def create_tenant(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_tenant", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# create_tenant


def test_create_tenant_prints_one_json_object_whose_api_key_authenticates_with_every_scope(db):
    out, _ = create_tenant("Acme Analytics", "--admin-email", "Boss@Acme.test", "--json")

    data = json.loads(out)
    assert data["tenant"] == "acme-analytics"
    assert data["tenant_name"] == "Acme Analytics"
    assert data["admin_email"] == "boss@acme.test"
    assert data["admin_password"]
    assert User.objects.get(email="boss@acme.test").check_password(data["admin_password"])
    key = api_key_authenticate(data["api_key"])
    assert key is not None
    assert key.tenant.slug == "acme-analytics"
    assert sorted(key.scopes) == sorted(ALL_SCOPES)
    assert all(key.has_scope(scope) for scope in ALL_SCOPES)
    membership = Membership.objects.for_tenant(key.tenant).get()
    assert (membership.user.email, membership.role) == ("boss@acme.test", Role.ADMIN)


def test_create_tenant_takes_the_given_password_slug_time_zone_and_currency(db):
    out, _ = create_tenant(
        "Acme", "--admin-email", "a@acme.test", "--password", "s3cret-pass", "--slug", "acme-eu",
        "--time-zone", "Europe/Paris", "--currency", "eur", "--json",
    )  # fmt: skip

    data = json.loads(out)
    tenant = Tenant.objects.get(slug="acme-eu")
    assert (tenant.time_zone, tenant.currency) == ("Europe/Paris", "EUR")
    assert data["admin_password"] == "s3cret-pass"
    assert User.objects.get(email="a@acme.test").check_password("s3cret-pass")


def test_create_tenant_reuses_an_existing_user_and_leaves_their_password_alone(db):
    existing = UserFactory(email="ops@example.com")
    users_before = User.objects.count()

    out, err = create_tenant("Second Vendor", "--admin-email", "OPS@example.com", "--password", "ignored", "--json")

    data = json.loads(out)
    assert data["admin_email"] == "ops@example.com"
    assert data["admin_password"] is None
    assert User.objects.count() == users_before
    existing.refresh_from_db()
    assert existing.check_password("correct horse battery staple")
    assert "--password ignored" in err
    tenant = Tenant.objects.get(slug=data["tenant"])
    assert Membership.objects.for_tenant(tenant).get(user=existing).role == Role.ADMIN


def test_create_tenant_without_json_prints_a_short_summary_with_the_key(db):
    out, _ = create_tenant("Globex", "--admin-email", "hank@globex.test")

    assert "Created tenant 'Globex' (slug globex, UTC, USD)." in out
    assert "hank@globex.test (new user), password: " in out
    assert KEY.search(out)
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Acme", "--admin-email", "not-an-email"], "--admin-email"),
        (["Acme", "--admin-email", "a@acme.test", "--slug", "taken"], "--slug: Tenant with this Slug already exists"),
        (["Acme", "--admin-email", "a@acme.test", "--slug", "Not a slug!"], "--slug"),
        (["Acme", "--admin-email", "a@acme.test", "--time-zone", "Mars/Olympus"], "--time-zone: 'Mars/Olympus'"),
        (["Acme", "--admin-email", "a@acme.test", "--currency", "dollars"], "--currency: Use a three-letter"),
        (["  ", "--admin-email", "a@acme.test"], "NAME"),
    ],
)
def test_create_tenant_refuses_bad_input_with_a_clear_message_and_creates_nothing(db, args, message):
    TenantFactory(slug="taken")
    tenants_before, users_before = Tenant.objects.count(), User.objects.count()

    with pytest.raises(CommandError, match=re.escape(message)):
        create_tenant(*args, "--json")

    assert (Tenant.objects.count(), User.objects.count()) == (tenants_before, users_before)
