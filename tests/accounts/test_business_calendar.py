"""The tenant's business calendar on its settings page: country, subdivision and closing days, its own only."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Tenant
from accounts.models.tenant import ClosingDay
from tests.conftest import session_client

pytestmark = pytest.mark.django_db

PREFIX = "closing_days"


def page_of(tenant) -> str:
    return f"/admin/accounts/tenant/{tenant.pk}/change/"


def settings_form(tenant, *, rows=(), initial=0, **changes) -> dict:
    """The settings page as posted: the tenant's current values, ``changes``, and closing-day rows."""
    data = {
        "name": tenant.name,
        "time_zone": tenant.time_zone,
        "currency": tenant.currency,
        "settings": json.dumps(tenant.settings),
        "country": tenant.country,
        "subdivision": tenant.subdivision,
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
        **changes,
    }
    for i, row in enumerate(rows):
        data.update({f"{PREFIX}-{i}-{key}": value for key, value in row.items()})
    return data


def errors_of(response) -> dict:
    form = response.context["adminform"].form
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def test_tenant_admin_sets_country_and_subdivision_and_the_code_is_spelled_canonically(admin_client_a, world_a):
    response = admin_client_a.post(
        page_of(world_a.tenant), settings_form(world_a.tenant, country="US", subdivision="tx")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world_a.tenant.refresh_from_db()
    assert (world_a.tenant.country, world_a.tenant.subdivision) == ("US", "TX")


@pytest.mark.parametrize(
    ("country", "subdivision", "field", "says"),
    [
        ("XX", "", "country", "Select a valid choice"),
        ("us", "", "country", "Select a valid choice"),  # ISO codes are upper case; the form offers a list
        ("US", "BY", "subdivision", "'BY' is not a subdivision of US"),
        ("", "TX", "subdivision", "Choose the country first"),
    ],
)
def test_an_unknown_country_or_subdivision_is_a_form_error_on_that_field(
    admin_client_a, world_a, country, subdivision, field, says
):
    form = settings_form(world_a.tenant, country=country, subdivision=subdivision)
    response = admin_client_a.post(page_of(world_a.tenant), form)
    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == [field] and says in errors[field][0]
    world_a.tenant.refresh_from_db()
    assert (world_a.tenant.country, world_a.tenant.subdivision) == ("", "")


def test_the_subdivision_error_lists_the_codes_of_that_country(world_a):
    world_a.tenant.country, world_a.tenant.subdivision = "DE", "Bayern"
    with pytest.raises(ValidationError) as raised:
        world_a.tenant.full_clean()
    message = raised.value.message_dict["subdivision"][0]
    assert "BY" in message and "BE" in message and "TX" not in message


def test_a_country_without_subdivisions_takes_none(world_a):
    world_a.tenant.country, world_a.tenant.subdivision = "IS", "X"  # Iceland: the whole country only
    with pytest.raises(ValidationError, match="whole country only"):
        world_a.tenant.full_clean()


def test_the_settings_page_states_the_business_day_rule(admin_client_a, world_a):
    page = admin_client_a.get(page_of(world_a.tenant)).content.decode()
    assert "Monday to Friday in the tenant" in page and "public holidays of the country" in page
    assert "09:00 to 17:00" in page
    assert 'value="NZ"' in page  # the supported countries are offered


def test_tenant_admin_adds_and_removes_closing_days(admin_client_a, world_a):
    rows = [{"day": "2026-12-24", "name": "Christmas Eve"}, {"day": "2026-12-31", "name": "Year end"}]
    response = admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, rows=rows))
    assert response.status_code == 302, response.content.decode()[:3000]
    days = ClosingDay.objects.for_tenant(world_a.tenant)
    assert sorted(days.values_list("day", "name")) == [
        (date(2026, 12, 24), "Christmas Eve"),
        (date(2026, 12, 31), "Year end"),
    ]
    eve = days.get(day=date(2026, 12, 24))
    year_end = days.get(day=date(2026, 12, 31))
    rows = [
        {"id": eve.pk, "tenant": world_a.tenant.pk, "day": "2026-12-24", "name": "Christmas Eve", "DELETE": "on"},
        {"id": year_end.pk, "tenant": world_a.tenant.pk, "day": "2026-12-31", "name": "Year end"},
    ]
    response = admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, rows=rows, initial=2))
    assert response.status_code == 302
    assert list(ClosingDay.objects.for_tenant(world_a.tenant).values_list("day", flat=True)) == [date(2026, 12, 31)]


def test_the_same_closing_day_twice_is_a_form_error(admin_client_a, world_a):
    ClosingDay.objects.create(tenant=world_a.tenant, day=date(2026, 12, 24), name="Christmas Eve")
    rows = [{"day": "2026-12-24", "name": "Again"}]
    response = admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, rows=rows))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert ClosingDay.objects.for_tenant(world_a.tenant).count() == 1


def test_another_tenants_closing_days_never_show_on_the_settings_page(admin_client_a, world_a, world_b):
    ClosingDay.objects.create(tenant=world_a.tenant, day=date(2026, 12, 24), name="Our eve")
    ClosingDay.objects.create(tenant=world_b.tenant, day=date(2026, 12, 28), name="Beta retreat")
    page = admin_client_a.get(page_of(world_a.tenant)).content.decode()
    assert "Our eve" in page and "Beta retreat" not in page and "2026-12-28" not in page
    assert admin_client_a.get(page_of(world_b.tenant)).status_code == 404


def test_a_posted_row_id_of_another_tenant_changes_nothing_of_theirs(admin_client_a, world_a, world_b):
    theirs = ClosingDay.objects.create(tenant=world_b.tenant, day=date(2026, 12, 28), name="Beta retreat")
    rows = [{"id": theirs.pk, "tenant": world_a.tenant.pk, "day": "2026-12-29", "name": "Hijacked", "DELETE": ""}]
    admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, rows=rows, initial=1))
    deleting = [{"id": theirs.pk, "tenant": world_a.tenant.pk, "day": "2026-12-28", "name": "x", "DELETE": "on"}]
    admin_client_a.post(page_of(world_a.tenant), settings_form(world_a.tenant, rows=deleting, initial=1))
    theirs.refresh_from_db()
    assert (theirs.tenant_id, theirs.day, theirs.name) == (world_b.tenant.pk, date(2026, 12, 28), "Beta retreat")
    assert not ClosingDay.objects.for_tenant(world_a.tenant).exists()


def test_posting_to_another_tenants_settings_page_is_not_found(admin_client_a, world_a, world_b):
    response = admin_client_a.post(page_of(world_b.tenant), settings_form(world_b.tenant, country="US"))
    assert response.status_code == 404
    assert Tenant.objects.get(pk=world_b.tenant.pk).country == ""


@pytest.mark.parametrize("role", ["csm", "viewer"])
def test_only_the_tenant_admin_changes_the_calendar(client, world_a, role):
    member = getattr(world_a, role)
    c = session_client(client, member)
    rows = [{"day": "2026-12-24", "name": "Christmas Eve"}]
    response = c.post(page_of(world_a.tenant), settings_form(world_a.tenant, country="US", rows=rows))
    assert response.status_code == 403
    world_a.tenant.refresh_from_db()
    assert world_a.tenant.country == "" and not ClosingDay.objects.for_tenant(world_a.tenant).exists()
