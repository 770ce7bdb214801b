"""The audit trail's pages read as words: choice labels, a dash for nothing, who changed it, no "None"."""

import html
import re
from datetime import UTC, datetime

import pytest

from alerts.models import AlertStatus
from alerts.services import alert_raise, alert_update
from tests.alerts.builders import due
from tests.conftest import session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def history_page(client, member, url) -> str:
    response = session_client(client, member).get(url)
    assert response.status_code == 200
    return response.content.decode()


def changes(page) -> str:
    """The text of the history table, tags stripped and spaces collapsed."""
    table = page[page.index('id="change-history"') :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", table)).replace("\xa0", " "))


def test_an_alerts_history_names_values_by_their_labels_and_never_says_none(client, world_a):
    account = AccountFactory(tenant=world_a.tenant, name="Acme")
    alert = alert_raise(tenant=world_a.tenant, account=account, key="k", title="Renewal close", message="m",
                        priority="high", due_at=due(3))  # fmt: skip
    alert_update(tenant=world_a.tenant, alert=alert, status=AlertStatus.IN_PROGRESS, assignee=world_a.csm,
                 by=world_a.admin.user)  # fmt: skip
    text = changes(history_page(client, world_a.viewer, f"/admin/alerts/alert/{alert.pk}/history/"))
    assert "Status: Open → In progress" in text
    assert f"Assignee: — → {world_a.csm}" in text
    assert "pk=None" not in text and "None" not in text and "history_api_key" not in text
    assert "in_progress" not in text
    assert "csplatform: raised" in text  # the system's change says so, with no user
    assert "csplatform" in text.split("csplatform: raised")[0][-40:]  # changed by csplatform, not "None"


def test_a_booleans_change_reads_yes_and_no(client, world_a):
    account = AccountFactory(tenant=world_a.tenant, name="Acme", objectives_documented=False)
    account.objectives_documented = True
    account.save()
    text = changes(history_page(client, world_a.admin, f"/admin/accounts/account/{account.pk}/history/"))
    assert "Objectives documented: no → yes" in text


def test_a_json_field_and_a_moment_read_as_words(client, world_a):
    world_a.tenant.time_zone = "America/New_York"
    world_a.tenant.save()
    account = AccountFactory(tenant=world_a.tenant, name="Acme")
    alert = alert_raise(tenant=world_a.tenant, account=account, key="k", title="t", message="m", priority="low",
                        due_at=datetime(2026, 12, 10, 15, 30, 12, 345, tzinfo=UTC), detail={"score": 3})  # fmt: skip
    alert_raise(tenant=world_a.tenant, account=account, key="k", title="t", message="m", priority="low",
                due_at=datetime(2026, 12, 9, 15, 30, tzinfo=UTC), detail={"score": 2, "response_id": 7})  # fmt: skip
    text = changes(history_page(client, world_a.viewer, f"/admin/alerts/alert/{alert.pk}/history/"))
    assert "Detail: score: 3 → score: 2; response id: 7" in text
    assert "Due at: 2026-12-10 10:30 → 2026-12-09 10:30" in text  # New York's clock, to the minute
    assert "{'" not in text and "+00:00" not in text
