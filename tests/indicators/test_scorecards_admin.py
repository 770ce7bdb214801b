"""Scorecards in the admin: measures inline, a version per change, the rescore announced, tenants kept apart."""

import json

import pytest

from indicators.models import HealthScore, Scorecard, ScorecardMeasure, ScorecardVersion
from indicators.services.scorecards import scorecard_default_create
from tests.conftest import session_client
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/indicators/scorecard/add/"
BANDS = [
    {"lower": None, "upper": 1, "lower_inclusive": False, "upper_inclusive": False, "points": 100},
    {"lower": 1, "upper": None, "lower_inclusive": True, "upper_inclusive": False, "points": 0},
]


def measure_forms(measures, *, initial=0) -> dict:
    data = {
        "measures-TOTAL_FORMS": str(len(measures)),
        "measures-INITIAL_FORMS": str(initial),
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "1000",
    }
    for n, m in enumerate(measures):
        for field, value in {"rule": "linear", "bands": "[]", "outside_points": "0", "position": n, **m}.items():
            data[f"measures-{n}-{field}"] = "" if value is None else value
    return data


def scorecard_form(**overrides) -> dict:
    return {"name": "SMB", "key": "smb", "segments": "smb, startup", "green_min": "70", "yellow_min": "40",
            "gut_weight": "0.2", **overrides}  # fmt: skip


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_adding_a_scorecard_with_measures_records_version_1_and_announces_the_rescore(
    client, world_a, django_capture_on_commit_callbacks
):
    smb = AccountFactory(tenant=world_a.tenant, segment="SMB")
    AccountFactory(tenant=world_a.tenant, segment="enterprise")
    admin = session_client(client, world_a.admin)
    data = {
        **scorecard_form(),
        **measure_forms([
            {"indicator": "license_utilization", "weight": "20", "lower": "10", "upper": "80"},
            {"indicator": "open_escalations", "weight": "5", "rule": "bands", "bands": json.dumps(BANDS)},
        ]),
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(ADD, data, follow=True)
    assert response.status_code == 200
    card = Scorecard.objects.for_tenant(world_a.tenant).get()
    assert card.segments == ["smb", "startup"] and card.version == 1 and card.measures.count() == 2
    assert "Saved as version 1; 1 account(s) will be rescored." in messages_of(response)
    version = ScorecardVersion.objects.for_tenant(world_a.tenant).get()
    assert version.changed_by == world_a.admin.user and version.definition["measures"][1]["bands"] == BANDS
    assert HealthScore.objects.for_tenant(world_a.tenant).get(account=smb).scorecard == "smb@v1"


def test_changing_a_measure_records_a_new_version_and_rescores(client, world_a, django_capture_on_commit_callbacks):
    card = scorecard_default_create(tenant=world_a.tenant)
    account = AccountFactory(tenant=world_a.tenant)
    measures = list(card.measures.all())
    forms = [
        {"id": m.pk, "scorecard": card.pk, "indicator": m.indicator, "weight": m.weight, "rule": m.rule,
         "lower": m.lower, "upper": m.upper, "bands": json.dumps(m.bands), "outside_points": m.outside_points}
        for m in measures
    ]  # fmt: skip
    forms[0]["weight"] = "55"
    data = {"name": card.name, "is_default": "on", "segments": "", "green_min": "70", "yellow_min": "40",
            "gut_weight": "0.2", **measure_forms(forms, initial=len(forms))}  # fmt: skip
    admin = session_client(client, world_a.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/indicators/scorecard/{card.pk}/change/", data, follow=True)
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.version == 2 and card.measures.get(pk=measures[0].pk).weight == 55
    assert "Saved as version 2; 1 account(s) will be rescored." in messages_of(response)
    assert HealthScore.objects.for_tenant(world_a.tenant).get(account=account).scorecard == "default@v2"
    page = admin.get(f"/admin/indicators/scorecard/{card.pk}/change/")
    assert b"v2" in page.content and b"v1" in page.content  # the versions table


def test_invalid_measures_are_shown_on_the_form_and_nothing_is_saved(client, world_a):
    admin = session_client(client, world_a.admin)
    overlapping = [{**BANDS[0], "upper": 2}, BANDS[1]]
    data = {**scorecard_form(), **measure_forms([
        {"indicator": "open_escalations", "weight": "5", "rule": "bands", "bands": json.dumps(overlapping)},
    ])}  # fmt: skip
    response = admin.post(ADD, data)
    assert response.status_code == 200
    assert "overlap" in str(response.context["inline_admin_formsets"][0].formset.errors)
    doubled = {**scorecard_form(), **measure_forms([
        {"indicator": "nps", "weight": "5", "lower": "-50", "upper": "50"},
        {"indicator": "nps", "weight": "3", "lower": "-50", "upper": "50"},
    ])}  # fmt: skip
    response = admin.post(ADD, doubled)
    assert response.status_code == 200
    assert "measured once" in str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    empty = admin.post(ADD, {**scorecard_form(), **measure_forms([])})
    assert "at least one measure" in str(empty.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert not Scorecard.objects.for_tenant(world_a.tenant).exists()


def test_the_default_scorecard_cannot_be_deleted_in_the_admin(client, world_a):
    card = scorecard_default_create(tenant=world_a.tenant)
    admin = session_client(client, world_a.admin)
    assert admin.post(f"/admin/indicators/scorecard/{card.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Scorecard.objects.for_tenant(world_a.tenant).filter(pk=card.pk).exists()


def test_csms_and_viewers_read_scorecards_but_do_not_change_them(client, world_a):
    card = scorecard_default_create(tenant=world_a.tenant)
    for member in (world_a.csm, world_a.viewer):
        browser = session_client(client, member)
        assert browser.get(f"/admin/indicators/scorecard/{card.pk}/change/").status_code == 200
        assert browser.post(ADD, {**scorecard_form(), **measure_forms([])}).status_code == 403
        data = {"name": "Renamed", "is_default": "on", "green_min": "70", "yellow_min": "40", "gut_weight": "0.2",
                **measure_forms([])}  # fmt: skip
        assert browser.post(f"/admin/indicators/scorecard/{card.pk}/change/", data).status_code == 403
    card.refresh_from_db()
    assert card.name == "Default scorecard" and card.version == 1


def test_another_tenants_scorecards_stay_out_of_the_admin(client, world_a, world_b):
    theirs = scorecard_default_create(tenant=world_b.tenant)
    theirs.name = "Beta confidential card"
    theirs.save()
    admin = session_client(client, world_a.admin)
    listing = admin.get("/admin/indicators/scorecard/")
    assert listing.status_code == 200 and b"Beta confidential card" not in listing.content
    for path in ("change/", "delete/", "history/"):
        assert admin.get(f"/admin/indicators/scorecard/{theirs.pk}/{path}").status_code == 404
    measure = ScorecardMeasure.objects.for_tenant(world_b.tenant).first()
    data = {**scorecard_form(), **measure_forms([{"id": measure.pk, "indicator": "nps", "weight": "5", "lower": "-50",
                                                 "upper": "50"}])}  # fmt: skip
    admin.post(ADD, data)
    measure.refresh_from_db()
    assert measure.indicator == "license_utilization" and measure.scorecard_id == theirs.pk
    assert ScorecardMeasure.objects.for_tenant(world_b.tenant).count() == len(
        ScorecardVersion.objects.for_tenant(world_b.tenant).get().definition["measures"]
    )
