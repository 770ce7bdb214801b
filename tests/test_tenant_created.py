"""A new tenant gets its defaults from the apps above accounts, which answer ``tenant_created``."""

import pytest

from accounts.models import Tenant
from accounts.services.tenants import tenant_create
from accounts.signals import tenant_created
from alerts.models import AlertRule
from alerts.services.defaults import DEFAULT_RULES
from followups.models import Department
from followups.models.choices import DEFAULT_DEPARTMENTS
from indicators.models import Scorecard, ScorecardVersion

pytestmark = pytest.mark.django_db


def test_tenant_create_announces_the_tenant_and_its_admin_once(db):
    heard = []

    def listen(sender, tenant, admin, **kwargs):
        heard.append((tenant.slug, admin.email))

    tenant_created.connect(listen)
    try:
        tenant_create(name="Globex", admin_email="boss@globex.test")
    finally:
        tenant_created.disconnect(listen)
    assert heard == [("globex", "boss@globex.test")]


def test_the_apps_above_answer_with_the_default_scorecard_rules_and_departments(world_b):
    created = tenant_create(name="Initech", admin_email="peter@initech.test")
    tenant = created.tenant
    card = Scorecard.objects.for_tenant(tenant).get(is_default=True)
    first_version = ScorecardVersion.objects.for_tenant(tenant).get(scorecard=card)
    assert first_version.changed_by == created.admin
    assert AlertRule.objects.for_tenant(tenant).count() == len(DEFAULT_RULES)
    assert Department.objects.for_tenant(tenant).count() == len(DEFAULT_DEPARTMENTS)
    # Only the new tenant: the other tenant's rows are untouched.
    assert not Scorecard.objects.for_tenant(world_b.tenant).exists()
    assert not AlertRule.objects.for_tenant(world_b.tenant).exists()


def test_a_tenant_row_made_elsewhere_gets_its_departments_but_no_scorecard_or_rules(db):
    tenant = Tenant.objects.create(name="Hooli", slug="hooli")
    assert Department.objects.for_tenant(tenant).count() == len(DEFAULT_DEPARTMENTS)
    assert not Scorecard.objects.for_tenant(tenant).exists()
    assert not AlertRule.objects.for_tenant(tenant).exists()
