"""The seed_demo command: the demo tenant, its people and customers, the same rows on every run."""

import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Account, ApiKey, Contact, LifecycleStage, Membership, Tenant, User
from accounts.roles import ALL_SCOPES, Role
from accounts.services.api_keys import api_key_authenticate
from demo.people import ADMIN_EMAIL, DEMO_PASSWORD, PEOPLE

KEY = re.compile(r"csp_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}")


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", "--no-events", stdout=out, stderr=StringIO())
    return out.getvalue()


def demo_tenant() -> Tenant:
    return Tenant.objects.get(slug="demo")


def assert_demo_is_consistent(tenant: Tenant) -> None:
    accounts = Account.objects.for_tenant(tenant)
    contacts = Contact.objects.for_tenant(tenant)
    # Executive sponsors are executives of their own account.
    assert not accounts.filter(executive_sponsor=None).exists()
    assert not accounts.exclude(executive_sponsor__account=F("pk")).exists()
    assert not accounts.exclude(executive_sponsor__is_executive=True).exists()
    # The org chart stays inside the account: only executives report to nobody.
    assert not contacts.exclude(reports_to=None).exclude(reports_to__account=F("account")).exists()
    assert set(contacts.filter(reports_to=None).values_list("is_executive", flat=True)) == {True}
    assert contacts.filter(is_executive=True).count() == accounts.count()
    # Every account is owned by a CSM member of the demo tenant.
    assert not accounts.filter(csm_owner=None).exists()
    assert not accounts.exclude(csm_owner__tenant=tenant).exists()
    assert set(accounts.values_list("csm_owner__role", flat=True)) == {Role.CSM}


def snapshot(tenant: Tenant) -> dict:
    scoped = {model: model.objects.for_tenant(tenant) for model in (Account, Contact, Membership)}
    return {
        "users": User.objects.count(),
        "accounts": sorted(scoped[Account].values_list("external_id", "pk", "csm_owner", "executive_sponsor")),
        "contacts": sorted(scoped[Contact].values_list("external_id", "pk", "account", "reports_to")),
        "memberships": sorted(scoped[Membership].values_list("user__email", "role")),
    }


def test_seed_demo_creates_the_demo_tenant_with_its_people_and_about_3000_contacts(world_a, account_a):
    out = seed_demo()

    tenant = demo_tenant()
    assert (tenant.name, tenant.time_zone, tenant.currency) == ("Northwind Analytics", "Europe/London", "USD")
    assert Account.objects.for_tenant(tenant).count() == 300
    assert 2500 <= Contact.objects.for_tenant(tenant).count() <= 3500
    roles = list(Membership.objects.for_tenant(tenant).values_list("role", flat=True))
    assert sorted(roles) == sorted([Role.ADMIN] + [Role.CSM] * 6 + [Role.VIEWER] * 2)
    assert set(Account.objects.for_tenant(tenant).values_list("segment", flat=True)) == {
        "enterprise",
        "mid-market",
        "smb",
    }
    assert set(Account.objects.for_tenant(tenant).values_list("lifecycle_stage", flat=True)) == set(
        LifecycleStage.values
    )
    assert_demo_is_consistent(tenant)
    # The command tells people how to get in.
    assert "http://127.0.0.1:8000/admin/" in out
    for email, _, _ in PEOPLE:
        assert email in out
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out
    key = api_key_authenticate(KEY.search(out).group())
    assert key.tenant == tenant
    assert sorted(key.scopes) == sorted(ALL_SCOPES)
    # Other tenants are untouched.
    assert list(Account.objects.for_tenant(world_a.tenant)) == [account_a]


def test_seeded_dates_fit_each_lifecycle_stage(db):
    seed_demo()

    tenant = demo_tenant()
    accounts = Account.objects.for_tenant(tenant)
    today = timezone.localdate()
    assert not accounts.exclude(lifecycle_stage=LifecycleStage.CHURNED).filter(renewal_on__lte=today).exists()
    assert not accounts.filter(renewal_on__gt=today + timedelta(days=366)).exists()
    renewing = accounts.filter(lifecycle_stage=LifecycleStage.RENEWING)
    assert renewing.exists()
    assert not renewing.filter(renewal_on__gt=today + timedelta(days=91)).exists()
    assert not accounts.filter(onboarding_completed_on__lt=F("onboarding_started_on")).exists()
    assert not accounts.filter(lifecycle_stage=LifecycleStage.ONBOARDING).exclude(onboarding_completed_on=None).exists()
    assert accounts.filter(objectives_documented=True).count() > accounts.count() // 2
    assert not accounts.filter(objectives_documented=True, objectives="").exists()
    contacts = Contact.objects.for_tenant(tenant)
    assert not contacts.filter(last_seen_at__lt=F("first_seen_at")).exists()
    assert not contacts.filter(adoption_stage="invited").exclude(first_seen_at=None).exists()
    assert not contacts.filter(adoption_stage="dormant", last_seen_at__gt=timezone.now() - timedelta(days=30)).exists()
    assert contacts.filter(adoption_stage="dormant").exists()


def test_seed_demo_run_twice_gives_the_same_rows(db):
    seed_demo()
    tenant = demo_tenant()
    first = snapshot(tenant)

    seed_demo()

    assert Tenant.objects.filter(slug="demo").count() == 1
    assert snapshot(tenant) == first
    assert_demo_is_consistent(tenant)


def test_a_second_seed_demo_run_revokes_the_first_demo_key(db):
    first_key = KEY.search(seed_demo()).group()
    second_key = KEY.search(seed_demo()).group()

    assert first_key != second_key
    assert api_key_authenticate(first_key) is None
    assert api_key_authenticate(second_key).tenant == demo_tenant()
    demo_keys = ApiKey.objects.for_tenant(demo_tenant()).filter(name="Demo key")
    assert demo_keys.count() == 2
    assert demo_keys.filter(revoked_at=None).count() == 1


def test_seed_demo_resets_a_changed_demo_password(db):
    seed_demo()
    admin = User.objects.get(email=ADMIN_EMAIL)
    admin.set_password("something else")
    admin.save()

    seed_demo()

    admin.refresh_from_db()
    assert admin.check_password(DEMO_PASSWORD)
