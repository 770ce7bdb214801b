"""Renewals ahead: the tenant's pending renewals by term end, ARR due per window, links by role.

Tenant A on 2026-03-10 (UTC), pending renewals:
  Ours Late    term ended 5 days ago     3,000 due   CSM's, score 55 (yellow)   overdue
  Ours Soon    in 10 days               12,500 due   CSM's, score 35 (red), call "at risk" on 2026-03-01
  Ours Later   in 45 days               40,000 due   no CSM, score 82 (green)
  Ours Far     in 120 days               7,000 due   enterprise, not scored
  Ours Beyond  in 200 days              90,000 due   past every horizon
plus a renewal closed (renewed) in 20 days' term, which is no longer ahead. Tenant B has one of 99,999 in 10 days.
Within 180 days: overdue 1 / 3,000; next 30 days 1 / 12,500; 31-60 1 / 40,000; 61-90 none; 91-180 1 / 7,000;
62,500 in all. The default horizon, 90 days, leaves Far out: 55,500.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import AnalysisKind, CsmCall, OutcomeAnalysis, RenewalForecast
from tests.conftest import session_client
from tests.factories import AccountFactory, UserFactory
from tests.outcomes.admin.console_data import NOW, TODAY, closed, pending

pytestmark = pytest.mark.django_db
URL = "/admin/outcomes/renewals-ahead/"
D = Decimal


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def book(world_a, world_b):
    t = world_a.tenant
    rows = {
        "late": pending(t, "Ours Late", -5, "3000", csm=world_a.csm, score=55),
        "soon": pending(t, "Ours Soon", 10, "12500", csm=world_a.csm, score=35, call=CsmCall.AT_RISK,
                        call_on=date(2026, 3, 1)),
        "later": pending(t, "Ours Later", 45, "40000", score=82),
        "far": pending(t, "Ours Far", 120, "7000", segment="enterprise"),
        "beyond": pending(t, "Ours Beyond", 200, "90000"),
        "theirs": pending(world_b.tenant, "Theirs", 10, "99999", csm=world_b.csm, score=20),
    }  # fmt: skip
    closed(t, AccountFactory(tenant=t, name="Ours Done"), TODAY + timedelta(days=20), "renewed", "5000", "5000")
    return rows


def names(response) -> list[str]:
    return [item["row"].account_name for item in response.context["rows"]]


def windows(response) -> list[tuple]:
    return [
        (t.window.label, t.renewals, t.arr_due, t.cumulative_renewals, t.cumulative_arr_due)
        for t in response.context["ahead"].windows
    ]


def test_the_default_page_lists_the_next_90_days_and_the_overdue_by_term_end(client, world_a, book):
    response = session_client(client, world_a.viewer).get(URL)
    assert response.status_code == 200
    assert names(response) == ["Ours Late", "Ours Soon", "Ours Later"]
    html = response.content.decode()
    assert '<th class="num" id="arr-due-total">55,500</th>' in html
    assert "12,500 USD" in html and "40,000 USD" in html and "3,000 USD" in html
    assert "-5 (overdue)" in html
    assert (
        '<span class="band band-red">35 red</span>' in html and '<span class="band band-green">82 green</span>' in html
    )
    assert "At risk" in html and "2026-03-01" in html
    soon = book["soon"]
    assert f'href="/admin/accounts/account/{soon.account_id}/change/">Ours Soon</a>' in html
    for absent in ("Theirs", "99,999", "Ours Beyond", "Ours Done", "Ours Far"):
        assert absent not in html


def test_arr_due_is_totalled_per_window_and_cumulatively(client, world_a, book):
    response = session_client(client, world_a.admin).get(URL, {"horizon": 180})
    assert windows(response) == [
        ("Overdue (term ended, still pending)", 1, D("3000.00"), 1, D("3000.00")),
        ("Next 30 days", 1, D("12500.00"), 2, D("15500.00")),
        ("31\u201360 days", 1, D("40000.00"), 3, D("55500.00")),
        ("61\u201390 days", 0, D("0.00"), 3, D("55500.00")),
        ("91\u2013180 days", 1, D("7000.00"), 4, D("62500.00")),
    ]
    assert response.context["ahead"].arr_due == D("62500.00")
    assert [r.days_left for r in response.context["ahead"].rows] == [-5, 10, 45, 120]


def test_a_30_day_horizon_keeps_the_overdue_and_the_next_30_days(client, world_a, book):
    response = session_client(client, world_a.admin).get(URL, {"horizon": 30})
    assert names(response) == ["Ours Late", "Ours Soon"]
    assert [w[0] for w in windows(response)] == ["Overdue (term ended, still pending)", "Next 30 days"]


@pytest.mark.parametrize(
    ("role", "edit", "view"),
    [("admin", {"late", "soon", "later"}, set()), ("csm", {"late", "soon"}, {"later"}),
     ("viewer", set(), {"late", "soon", "later"})],
)  # fmt: skip
def test_admins_edit_every_renewal_csms_their_accounts_and_viewers_read(client, world_a, book, role, edit, view):
    html = session_client(client, getattr(world_a, role)).get(URL).content.decode()
    for key in edit:
        assert f'class="changelink" href="/admin/outcomes/renewal/{book[key].pk}/change/"' in html
    for key in view:
        assert f'class="viewlink" href="/admin/outcomes/renewal/{book[key].pk}/change/"' in html


def test_filters_narrow_to_a_csm_to_mine_and_to_a_segment(client, world_a, book):
    as_admin = session_client(client, world_a.admin)
    assert names(as_admin.get(URL, {"csm": world_a.csm.pk})) == ["Ours Late", "Ours Soon"]
    assert names(as_admin.get(URL, {"segment": "enterprise", "horizon": 180})) == ["Ours Far"]
    as_csm = session_client(client, world_a.csm)
    response = as_csm.get(URL, {"mine": "on"})
    assert names(response) == ["Ours Late", "Ours Soon"]
    assert response.context["ahead"].arr_due == D("15500.00")


@pytest.mark.parametrize(
    ("params", "named"),
    [({"horizon": "45"}, "horizon"), ({"segment": "no-such-segment"}, "segment"), ({"csm": "abc"}, "csm"),
     ({"sort": "arr"}, "Unknown parameter: sort")],
)  # fmt: skip
def test_bad_filters_are_a_400_naming_them_and_the_page_shows_its_defaults(client, world_a, book, params, named):
    response = session_client(client, world_a.viewer).get(URL, params)
    assert response.status_code == 400
    form = response.context["form"]
    assert named in form.errors or named in " ".join(form.non_field_errors())
    assert names(response) == ["Ours Late", "Ours Soon", "Ours Later"]  # the defaults, not the refused values


def test_another_tenants_csm_is_not_found_like_a_missing_one(client, world_a, world_b, book):
    as_admin = session_client(client, world_a.admin)
    assert as_admin.get(URL, {"csm": world_b.csm.pk}).status_code == 404
    assert as_admin.get(URL, {"csm": 999999}).status_code == 404


def test_tenant_b_sees_only_its_own_renewal(client, world_b, book):
    response = session_client(client, world_b.viewer).get(URL)
    assert names(response) == ["Theirs"]
    assert "Ours" not in response.content.decode()


def test_an_operator_picks_a_tenant_first_and_has_no_mine_filter(client, world_a, book):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/" and "Choose a tenant" in response.content.decode()
    session = client.session
    session["active_tenant_id"] = world_a.tenant.pk
    session.save()
    assert names(client.get(URL)) == ["Ours Late", "Ours Soon", "Ours Later"]
    assert client.get(URL, {"mine": "on"}).status_code == 400


def forecast(renewal, probability) -> RenewalForecast:
    run = OutcomeAnalysis.objects.create(tenant=renewal.tenant, kind=AnalysisKind.FORECAST, ran_at=NOW)
    return RenewalForecast.objects.create(
        tenant=renewal.tenant, renewal=renewal, run=run, model_version=f"logistic #{run.pk}", method="logistic",
        made_on=TODAY, made_at=NOW, probability=probability, expected_arr=renewal.arr_due * D(str(probability)),
    )  # fmt: skip


def test_each_renewal_shows_its_latest_forecast_flagged_where_the_csms_call_disagrees(client, world_a, book):
    forecast(book["soon"], 0.734)  # the model expects a renewal, the CSM's call says "at risk": flagged
    forecast(book["later"], 0.2)  # no call to disagree with
    forecast(book["theirs"], 0.991)
    response = session_client(client, world_a.viewer).get(URL)
    assert [(r.account_name, r.forecast, r.disagrees) for r in response.context["ahead"].rows] == [
        ("Ours Late", None, False), ("Ours Soon", 0.734, True), ("Ours Later", 0.2, False),
    ]  # fmt: skip
    cells = [c.split("</td>")[0] for c in response.content.decode().split('<td class="num forecast nowrap">')[1:]]
    assert cells[0] == "–" and cells[1].startswith('73% <span class="disagrees"') and cells[2] == "20%"
    assert "99%" not in response.content.decode()


def test_the_page_reads_a_fixed_number_of_queries_however_many_renewals(client, world_a, book):
    as_csm = session_client(client, world_a.csm)
    as_csm.get(URL)  # warm the session and the content types

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_csm.get(URL, {"horizon": 180}).status_code == 200
        return len(captured)

    before = queries()
    for n in range(12):
        pending(world_a.tenant, f"More {n}", n * 7, "1000", csm=world_a.csm, score=50 + n, call=CsmCall.LIKELY)
    assert queries() == before <= 13  # with the two-factor gate's three
