"""The NPS dashboard's CSM and segment filters narrow every panel: NPS, health bands, retention."""

import pytest

from tests.conftest import session_client
from tests.factories import AccountFactory, ContactFactory
from tests.followups.conftest import respond
from tests.indicators.health_data import score_row

pytestmark = pytest.mark.django_db
NPS = "/admin/surveys/nps/"
WHOLE_FORM = {"months": "12", "interval": "month"}


def bands(response) -> dict[str, int]:
    assert response.status_code == 200
    return {label: count for label, count, _ in response.context["bands"]}


@pytest.fixture
def two_books(world_a, world_b):
    """The CSM's book: two red accounts in enterprise, one answer of 2. The admin's: a green SMB account."""
    for name in ("Red one", "Red two"):
        account = AccountFactory(tenant=world_a.tenant, name=name, csm_owner=world_a.csm, segment="Enterprise")
        score_row(world_a.tenant, account, 20)
    respond(ContactFactory(account=account, tenant=world_a.tenant), 2)
    green = AccountFactory(tenant=world_a.tenant, name="Green", csm_owner=world_a.admin, segment="SMB")
    score_row(world_a.tenant, green, 90)
    respond(ContactFactory(account=green, tenant=world_a.tenant), 10)
    theirs = AccountFactory(tenant=world_b.tenant, csm_owner=world_b.csm, segment="Enterprise")
    score_row(world_b.tenant, theirs, 10)


def test_the_csm_filter_narrows_the_health_bands_with_the_nps(client, world_a, two_books):
    viewer = session_client(client, world_a.viewer)
    everyone = viewer.get(NPS, WHOLE_FORM)
    assert bands(everyone) == {"Green": 1, "Yellow": 0, "Red": 2, "Not scored yet": 0}
    csm = viewer.get(NPS, {**WHOLE_FORM, "csm": world_a.csm.pk})
    assert bands(csm) == {"Green": 0, "Yellow": 0, "Red": 2, "Not scored yet": 0}
    assert (csm.context["summary"].responses, csm.context["summary"].detractors) == (1, 1)
    admins = viewer.get(NPS, {**WHOLE_FORM, "csm": world_a.admin.pk})
    assert bands(admins) == {"Green": 1, "Yellow": 0, "Red": 0, "Not scored yet": 0}


def test_the_segment_filter_narrows_the_health_bands_in_any_case(client, world_a, two_books):
    viewer = session_client(client, world_a.viewer)
    assert bands(viewer.get(NPS, {**WHOLE_FORM, "segment": "enterprise"}))["Red"] == 2
    assert bands(viewer.get(NPS, {**WHOLE_FORM, "segment": "smb"})) == {
        "Green": 1, "Yellow": 0, "Red": 0, "Not scored yet": 0,
    }  # fmt: skip
