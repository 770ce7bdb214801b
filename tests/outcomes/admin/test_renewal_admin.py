"""The renewal admin by role: admins change any renewal, a CSM their accounts' (and only towards them),
viewers read; and the "Renewals" section of the account page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import AnalysisKind, CsmCall, OutcomeAnalysis, Renewal, RenewalForecast, RenewalReason
from tests.conftest import session_client
from tests.factories import AccountFactory
from tests.outcomes.admin.console_data import NOW, TODAY, closed, pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def renewals(world_a):
    mine = pending(world_a.tenant, "Ours Mine", 30, "12000", csm=world_a.csm)
    other = pending(world_a.tenant, "Ours Other", 60, "8000")
    return mine, other


def form(renewal: Renewal, **changes) -> dict:
    data = {
        "account": renewal.account_id, "external_id": renewal.external_id, "term_start": renewal.term_start,
        "term_end": renewal.term_end, "arr_due": renewal.arr_due, "outcome": renewal.outcome, "closed_arr": "",
        "closed_on": "", "reason": "", "csm_call": "", "csm_call_on": "", "notes": "",
    }  # fmt: skip
    return {k: ("" if v is None else str(v)) for k, v in {**data, **changes}.items()}


def change_url(renewal: Renewal) -> str:
    return f"/admin/outcomes/renewal/{renewal.pk}/change/"


def test_a_csm_records_a_call_on_their_accounts_renewal_and_not_on_another(client, world_a, renewals):
    mine, other = renewals
    csm = session_client(client, world_a.csm)
    response = csm.post(change_url(mine), form(mine, csm_call=CsmCall.LIKELY))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.csm_call, mine.csm_call_on) == (CsmCall.LIKELY, TODAY)  # the day the call was made, by default
    assert csm.post(change_url(other), form(other, csm_call=CsmCall.LOST)).status_code == 403
    other.refresh_from_db()
    assert other.csm_call == ""
    page = csm.get(change_url(other))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read only


def test_a_csm_cannot_move_their_renewal_onto_someone_elses_account(client, world_a, renewals):
    mine, other = renewals
    response = session_client(client, world_a.csm).post(change_url(mine), form(mine, account=other.account_id))
    assert response.status_code == 200 and "account" in response.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.account_id != other.account_id


def test_an_admin_changes_any_renewal_and_a_viewer_none(client, world_a, renewals):
    _, other = renewals
    assert session_client(client, world_a.viewer).post(change_url(other), form(other, notes="x")).status_code == 403
    admin = session_client(client, world_a.admin)
    assert admin.post(change_url(other), form(other, csm_call=CsmCall.COMMIT)).status_code == 302
    other.refresh_from_db()
    assert other.csm_call == CsmCall.COMMIT


def test_the_mine_filter_lists_the_csms_renewals(client, world_a, renewals):
    mine, _ = renewals
    response = session_client(client, world_a.csm).get("/admin/outcomes/renewal/", {"mine": "yes"})
    assert [r.pk for r in response.context["cl"].result_list] == [mine.pk]


def test_the_account_page_lists_its_renewals_with_outcome_arr_and_call(client, world_a, world_b):
    account = AccountFactory(tenant=world_a.tenant, name="Ours")
    reason = RenewalReason.objects.create(tenant=world_a.tenant, kind="downsell", name="Budget cut")
    closed(world_a.tenant, account, date(2025, 3, 31), "downsold", "20000", "15000", reason=reason,
           csm_call=CsmCall.AT_RISK, csm_call_on=date(2025, 1, 15))  # fmt: skip
    Renewal.objects.create(tenant=world_a.tenant, account=account, term_start=date(2025, 3, 31),
                           term_end=date(2026, 3, 31), arr_due=15000, csm_call=CsmCall.LIKELY,
                           csm_call_on=date(2026, 2, 2))  # fmt: skip
    pending(world_b.tenant, "Theirs", 10, "99999")
    for role in ("admin", "csm", "viewer"):
        html = session_client(client, getattr(world_a, role)).get(f"/admin/accounts/account/{account.pk}/change/")
        section = html.content.decode().split('class="account-renewals"')[1].split("</table>")[0]
        rows = section.split('<tr class="renewal')[1:]
        assert len(rows) == 2  # the latest term first
        assert "2025-03-31 to 2026-03-31" in rows[0] and "15,000" in rows[0] and "Pending" in rows[0]
        assert "Likely" in rows[0] and "2026-02-02" in rows[0]
        assert "2024-03-31 to 2025-03-31" in rows[1] and "20,000" in rows[1] and "Downsold" in rows[1]
        assert "15,000" in rows[1] and "Budget cut" in rows[1] and "At risk" in rows[1] and "2025-01-15" in rows[1]
        assert "99,999" not in section


def test_the_renewals_section_reads_one_query_however_many_renewals(client, world_a):
    account = AccountFactory(tenant=world_a.tenant)
    admin = session_client(client, world_a.admin)
    url = f"/admin/accounts/account/{account.pk}/change/"
    admin.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(url).status_code == 200
        return len(captured)

    before = queries()
    for year in range(2018, 2024):
        closed(world_a.tenant, account, date(year, 6, 30) + timedelta(days=0), "renewed", "1000", "1000",
               csm_call=CsmCall.COMMIT, csm_call_on=date(year, 5, 1))  # fmt: skip
    assert queries() == before


def test_another_tenants_account_page_is_not_found(client, world_a, world_b):
    theirs = pending(world_b.tenant, "Theirs", 10, "99999").account
    assert session_client(client, world_a.admin).get(f"/admin/accounts/account/{theirs.pk}/change/").status_code == 404


def test_the_account_page_shows_the_next_renewals_forecast_and_its_drivers(client, world_a, world_b):
    renewal = pending(world_a.tenant, "Ours", 40, "20000", csm=world_a.csm, call=CsmCall.LOST, call_on=TODAY)
    run = OutcomeAnalysis.objects.create(tenant=world_a.tenant, kind=AnalysisKind.FORECAST, ran_at=NOW)
    RenewalForecast.objects.create(
        tenant=world_a.tenant, renewal=renewal, run=run, model_version="logistic #7", method="logistic",
        made_on=TODAY, made_at=NOW, probability=0.81, expected_arr=Decimal("16200"),
        drivers=["Score 78 as of now: raises the chance", "Gut read positive: raises the chance"],
    )  # fmt: skip
    html = session_client(client, world_a.viewer).get(f"/admin/accounts/account/{renewal.account_id}/change/")
    section = html.content.decode().split('class="account-renewals"')[1].split("</fieldset>")[0]
    assert '<td style="text-align:right" class="forecast">81%</td>' in section
    assert "Forecast for the renewal due 2026-04-19:</strong> 81% chance to renew, expected ARR 16,200 USD" in section
    assert "logistic #7, 2026-03-10" in section
    assert "The CSM's call (Lost) disagrees with the forecast." in section
    assert "<li>Score 78 as of now: raises the chance</li>" in section


def test_an_account_without_a_forecast_shows_none(client, world_a):
    renewal = pending(world_a.tenant, "Ours", 40, "20000")
    html = session_client(client, world_a.viewer).get(f"/admin/accounts/account/{renewal.account_id}/change/")
    section = html.content.decode().split('class="account-renewals"')[1].split("</fieldset>")[0]
    assert 'class="next-forecast"' not in section and '<td style="text-align:right" class="forecast">–</td>' in section
