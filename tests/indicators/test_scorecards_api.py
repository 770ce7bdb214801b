"""/api/v1/scorecards/: CRUD with nested measures, versions, error bodies, roles and tenants."""

import pytest
from rest_framework.test import APIClient

from accounts.roles import Scope
from accounts.services.api_keys import api_key_create
from indicators.models import HealthScore, Scorecard, ScorecardVersion
from indicators.scoring.recompute import accounts_recompute
from indicators.services.scorecards import scorecard_default_create
from tests.conftest import api_as
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/scorecards/"
LINEAR = {"indicator": "license_utilization", "weight": 20, "rule": "linear", "lower": 10, "upper": 80}
BANDS = {
    "indicator": "open_escalations",
    "weight": 5,
    "rule": "bands",
    "outside_points": 0,
    "bands": [
        {"lower": None, "upper": 1, "lower_inclusive": False, "upper_inclusive": False, "points": 100},
        {"lower": 1, "upper": None, "lower_inclusive": True, "upper_inclusive": False, "points": 20},
    ],
}


def shown(measure: dict) -> dict:
    """A measure as the API shows it: no-data points too (null: no data lowers coverage)."""
    return {"no_data_points": None, **measure}


def body(**overrides):
    return {"name": "Enterprise", "segments": ["enterprise"], "measures": [LINEAR, BANDS], **overrides}


def errors(response) -> dict:
    return {e["attr"]: e["detail"] for e in response.json()["errors"]}


def test_admin_creates_a_scorecard_with_measures_and_version_1(world_a, django_capture_on_commit_callbacks):
    enterprise = AccountFactory(tenant=world_a.tenant, segment="enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world_a.admin).post(URL, body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["key"] == "enterprise" and data["version"] == 1 and data["is_default"] is False
    assert data["measures"] == [shown(LINEAR), shown(BANDS)]
    version = ScorecardVersion.objects.for_tenant(world_a.tenant).get(scorecard_id=data["id"])
    assert version.changed_by == world_a.admin.user and version.definition["measures"][1]["bands"] == BANDS["bands"]
    assert HealthScore.objects.for_tenant(world_a.tenant).get(account=enterprise).scorecard == "enterprise@v1"


def test_updating_measures_records_a_version_listed_read_only(world_a):
    api = api_as(world_a.admin)
    created = api.post(URL, body(), format="json").json()
    detail = f"{URL}{created['id']}/"
    response = api.patch(detail, {"measures": [{**LINEAR, "weight": 40}]}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert response.json()["measures"] == [shown({**LINEAR, "weight": 40})]
    assert api.patch(detail, {"name": "Enterprise"}, format="json").json()["version"] == 2  # nothing changed
    versions = api.get(f"{detail}versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["changed_by"] == world_a.admin.user.email
    assert api.post(f"{detail}versions/", {}, format="json").status_code == 405


@pytest.mark.parametrize(
    ("measures", "attr", "says"),
    [
        ([{**LINEAR, "weight": 0}], "measures.0.weight", "above 0"),
        ([{**LINEAR, "lower": 90}], "measures.0.upper", "must be above the lower bound"),
        ([{**BANDS, "bands": [{**BANDS["bands"][0], "upper": 2}, BANDS["bands"][1]]}], "measures.0.bands", "overlap"),
        ([{**BANDS, "bands": [{"lower": 0, "upper": 1, "points": 5}]}], "measures.0.bands.0.lower_inclusive", ""),
        ([{**LINEAR, "indicator": "nope"}], "measures.0.indicator", ""),
        ([{**LINEAR, "colour": "red"}], "measures.0.colour", "Unknown field"),
        ([LINEAR, LINEAR], "measures", "measured once"),
        ([], "measures", "at least one measure"),
    ],
)
def test_bad_measures_answer_400_naming_the_field(world_a, measures, attr, says):
    response = api_as(world_a.admin).post(URL, body(measures=measures), format="json")
    assert response.status_code == 400, response.json()
    assert attr in errors(response) and says in errors(response)[attr]
    assert not Scorecard.objects.for_tenant(world_a.tenant).exists()


def test_bad_scorecard_fields_answer_400_naming_the_field(world_a):
    api = api_as(world_a.admin)
    assert "yellow_min" in errors(api.post(URL, body(green_min=30, yellow_min=50), format="json"))
    assert "lifecycle_stages.0" in errors(api.post(URL, body(lifecycle_stages=["asleep"]), format="json"))
    assert "tenant" in errors(api.post(URL, body(tenant=1), format="json"))
    default = scorecard_default_create(tenant=world_a.tenant)
    clash = api.post(URL, body(key=default.key), format="json")
    assert clash.status_code == 400 and "key" in errors(clash)
    renamed = api.patch(f"{URL}{default.pk}/", {"key": "other"}, format="json")
    assert renamed.status_code == 400 and "cannot change" in errors(renamed)["key"]
    undefaulted = api.patch(f"{URL}{default.pk}/", {"is_default": False, "segments": ["smb"]}, format="json")
    assert undefaulted.status_code == 400 and "is_default" in errors(undefaulted)


def test_the_default_cannot_be_deleted_another_can(world_a):
    api = api_as(world_a.admin)
    default = scorecard_default_create(tenant=world_a.tenant)
    refused = api.delete(f"{URL}{default.pk}/")
    assert refused.status_code == 400 and "is_default" in errors(refused)
    other = api.post(URL, body(), format="json").json()
    assert api.delete(f"{URL}{other['id']}/").status_code == 204
    assert list(Scorecard.objects.for_tenant(world_a.tenant)) == [default]


def test_viewers_csms_and_read_keys_read_but_do_not_write(world_a):
    card = scorecard_default_create(tenant=world_a.tenant)
    read_key = APIClient()
    read_key.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_key_create(tenant=world_a.tenant, name='r', scopes=[Scope.READ])[1]}"
    )
    for client in (api_as(world_a.viewer), api_as(world_a.csm), read_key):
        assert client.get(URL).status_code == 200
        assert client.get(f"{URL}{card.pk}/versions/").status_code == 200
        assert client.post(URL, body(), format="json").status_code == 403
        assert client.patch(f"{URL}{card.pk}/", {"name": "x"}, format="json").status_code == 403
        assert client.delete(f"{URL}{card.pk}/").status_code == 403
    card.refresh_from_db()
    assert card.name != "x" and card.version == 1


def test_a_write_key_changes_scorecards_without_naming_a_person(world_a, key_client_a):
    response = key_client_a.post(URL, body(), format="json")
    assert response.status_code == 201
    assert (
        ScorecardVersion.objects.for_tenant(world_a.tenant).get(scorecard_id=response.json()["id"]).changed_by is None
    )


def test_another_tenants_scorecards_are_not_found_and_untouched(world_a, world_b):
    theirs = scorecard_default_create(tenant=world_b.tenant)
    api = api_as(world_a.admin)
    assert api.get(URL).json()["results"] == []
    for method, path in (("get", ""), ("get", "versions/"), ("patch", ""), ("put", ""), ("delete", "")):
        data = body() if method != "get" else None  # a GET's data would be sent as query parameters
        response = getattr(api, method)(f"{URL}{theirs.pk}/{path}", data, format="json")
        assert response.status_code == 404, (method, path)
    theirs.refresh_from_db()
    assert theirs.version == 1 and theirs.name == "Default scorecard"
    assert not Scorecard.objects.for_tenant(world_a.tenant).exists()


def test_a_scorecard_change_never_rescores_another_tenants_accounts(
    world_a, world_b, django_capture_on_commit_callbacks
):
    scorecard_default_create(tenant=world_b.tenant)
    theirs = AccountFactory(tenant=world_b.tenant, segment="enterprise")
    accounts_recompute(tenant=world_b.tenant, account_ids=[theirs.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(world_a.admin).post(URL, body(), format="json").status_code == 201
    assert HealthScore.objects.for_tenant(world_b.tenant).get(account=theirs).scorecard == "default@v1"


def test_a_measure_may_say_how_to_score_no_data_and_the_points_are_checked(world_a):
    api = api_as(world_a.admin)
    never = {"indicator": "days_since_proactive_communication", "weight": 10, "rule": "linear", "lower": 7,
             "upper": 45, "no_data_points": 0}  # fmt: skip
    response = api.post(URL, body(measures=[LINEAR, never]), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["measures"][1] == never
    response = api.post(URL, body(name="Other", measures=[{**never, "no_data_points": 120}]), format="json")
    assert response.status_code == 400 and list(errors(response)) == ["measures.0.no_data_points"]
