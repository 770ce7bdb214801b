"""Scorecards as data: definitions validate into engine objects, with errors naming the field at fault."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.services.tenants import tenant_create
from indicators import engine
from indicators.engine.definition import (
    DefinitionError,
    definition_from_engine,
    scorecard_from_definition,
)
from indicators.models import Scorecard, ScorecardMeasure, ScorecardVersion
from indicators.scoring.scorecards import version_to_engine
from indicators.services.scorecards import scorecard_default_create, scorecard_save

pytestmark = pytest.mark.django_db

OPEN = {"lower_inclusive": False, "upper_inclusive": False}


def measure(tenant, scorecard=None, **fields):
    values = {"indicator": "nps", "weight": 10, "rule": "linear", "lower": -50, "upper": 50, **fields}
    return ScorecardMeasure(tenant=tenant, scorecard=scorecard, **values)


def field_errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_a_measure_with_overlapping_bands_names_the_bands_field(world_a):
    bad = measure(
        world_a.tenant,
        rule="bands",
        lower=None,
        upper=None,
        bands=[
            {"lower": None, "upper": 5, "lower_inclusive": False, "upper_inclusive": True, "points": 0},
            {"lower": 5, "upper": None, "lower_inclusive": True, "upper_inclusive": False, "points": 100},
        ],
    )
    with pytest.raises(ValidationError) as caught:
        bad.clean()
    assert "overlap" in field_errors(caught)["bands"][0]


def test_a_band_without_its_inclusivity_stated_is_refused(world_a):
    bad = measure(world_a.tenant, rule="bands", bands=[{"lower": 0, "upper": 5, "points": 50}])
    with pytest.raises(ValidationError) as caught:
        bad.clean()
    message = field_errors(caught)["bands"][0]
    assert "lower_inclusive" in message and "upper_inclusive" in message


def test_an_empty_band_and_points_above_100_are_refused(world_a):
    empty = measure(world_a.tenant, rule="bands", bands=[{"lower": 3, "upper": 3, "points": 10, **OPEN}])
    with pytest.raises(ValidationError) as caught:
        empty.clean()
    assert "holds no value" in field_errors(caught)["bands"][0]
    too_many = measure(world_a.tenant, rule="bands", bands=[{"lower": 0, "upper": 3, "points": 120, **OPEN}])
    with pytest.raises(ValidationError) as caught:
        too_many.clean()
    assert "between 0 and 100" in field_errors(caught)["bands"][0]


@pytest.mark.parametrize("weight", [0, -5])
def test_a_weight_must_be_above_zero(world_a, weight):
    with pytest.raises(ValidationError) as caught:
        measure(world_a.tenant, weight=weight).clean()
    assert "above 0" in field_errors(caught)["weight"][0]


def test_a_linear_ramp_needs_lower_below_upper(world_a):
    with pytest.raises(ValidationError) as caught:
        measure(world_a.tenant, lower=50, upper=10).clean()
    assert "must be above the lower bound" in field_errors(caught)["upper"][0]
    with pytest.raises(ValidationError) as caught:
        measure(world_a.tenant, lower=None).clean()
    assert "lower" in field_errors(caught)


def test_only_account_level_indicators_from_the_catalogue_are_accepted(world_a):
    with pytest.raises(ValidationError) as caught:
        measure(world_a.tenant, indicator="no_such_indicator").full_clean(exclude=["scorecard"])
    assert "indicator" in field_errors(caught)
    contact_only = [i.key for i in engine.CONTACT_INDICATORS if engine.Level.ACCOUNT not in i.levels]
    for key in contact_only[:1]:
        with pytest.raises(ValidationError):
            measure(world_a.tenant, indicator=key).full_clean(exclude=["scorecard"])


def test_thresholds_must_be_ordered_and_stages_known(world_a):
    card = Scorecard(tenant=world_a.tenant, key="x", name="X", green_min=30, yellow_min=60, segments=["smb"])
    with pytest.raises(ValidationError) as caught:
        card.full_clean()
    assert "cannot be above green" in field_errors(caught)["yellow_min"][0]
    bad_stage = Scorecard(tenant=world_a.tenant, key="z", name="Z", lifecycle_stages=["sleeping"])
    with pytest.raises(ValidationError) as caught:
        bad_stage.full_clean()
    assert "lifecycle_stages" in field_errors(caught)


def test_a_whole_definition_is_checked_measures_once_and_gut_read_only_without_blend():
    definition = definition_from_engine(engine.DEFAULT_SCORECARD, name="D", key="d", is_default=True)
    assert scorecard_from_definition(definition, key="d@v1").measures == engine.DEFAULT_SCORECARD.measures
    doubled = {**definition, "measures": definition["measures"] + definition["measures"][:1]}
    with pytest.raises(DefinitionError) as caught:
        scorecard_from_definition(doubled, key="d")
    assert caught.value.field == "measures" and "license_utilization" in caught.value.message
    gut = {"indicator": "gut_read", "weight": 5, "rule": "linear", "lower": 0, "upper": 100}
    with pytest.raises(DefinitionError) as caught:
        scorecard_from_definition({**definition, "measures": [gut]}, key="d")
    assert caught.value.field == "gut_weight"
    assert scorecard_from_definition({**definition, "gut_weight": 0, "measures": [gut]}, key="d").gut_weight == 0
    with pytest.raises(DefinitionError) as caught:
        scorecard_from_definition({**definition, "measures": []}, key="d")
    assert caught.value.field == "measures"


def test_a_new_tenant_gets_the_default_scorecard_as_version_1():
    created = tenant_create(name="Gamma", admin_email="admin@gamma.test")
    card = Scorecard.objects.for_tenant(created.tenant).get()
    assert card.is_default and card.key == "default" and card.version == 1
    version = ScorecardVersion.objects.for_tenant(created.tenant).get(scorecard=card)
    assert version.changed_by == created.admin
    built = version_to_engine(version)
    assert built.key == "default@v1"
    assert built.measures == engine.DEFAULT_SCORECARD.measures
    assert built.thresholds == engine.DEFAULT_SCORECARD.thresholds
    assert scorecard_default_create(tenant=created.tenant) == card  # idempotent
    assert ScorecardVersion.objects.for_tenant(created.tenant).count() == 1


def test_only_one_default_per_tenant_in_the_database(world_a):
    scorecard_default_create(tenant=world_a.tenant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorecard.objects.create(tenant=world_a.tenant, key="other", name="Other", is_default=True)


def test_making_another_scorecard_the_default_takes_the_flag_and_versions_both(world_a):
    old = scorecard_default_create(tenant=world_a.tenant)
    new = scorecard_save(
        tenant=world_a.tenant,
        scorecard=Scorecard(name="New default", is_default=True),
        measures=[{"indicator": "nps", "weight": 1, "rule": "linear", "lower": -50, "upper": 50}],
        changed_by=world_a.admin.user,
    ).scorecard
    old.refresh_from_db()
    assert new.is_default and not old.is_default and old.version == 2
    assert (
        ScorecardVersion.objects.for_tenant(world_a.tenant).get(scorecard=old, number=2).definition["is_default"]
        is False
    )


def test_the_default_cannot_stop_being_the_default_on_its_own(world_a):
    card = scorecard_default_create(tenant=world_a.tenant)
    card.is_default = False
    card.segments = ["smb"]
    with pytest.raises(ValidationError) as caught:
        scorecard_save(tenant=world_a.tenant, scorecard=card, measures=None, changed_by=None)
    assert "make another one the default" in field_errors(caught)["is_default"][0]


def test_saving_the_same_definition_records_no_new_version(world_a):
    card = scorecard_default_create(tenant=world_a.tenant)
    saved = scorecard_save(tenant=world_a.tenant, scorecard=card, measures=None, changed_by=None)
    assert saved.version is None and card.version == 1


def test_a_measure_may_not_point_at_another_tenants_scorecard(world_a, world_b):
    theirs = scorecard_default_create(tenant=world_b.tenant)
    with pytest.raises(ValidationError) as caught:
        measure(world_a.tenant, scorecard=theirs).full_clean()
    assert "another tenant" in field_errors(caught)["scorecard"][0]


def test_the_data_migration_gives_existing_tenants_without_one_a_default(world_a, world_b):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("indicators.migrations.0004_default_scorecard_for_existing_tenants")
    kept = scorecard_default_create(tenant=world_b.tenant)
    migration.create_defaults(apps, None)
    migration.create_defaults(apps, None)  # a second run adds nothing
    card = Scorecard.objects.for_tenant(world_a.tenant).get()
    assert card.is_default and card.version == 1 and card.measures.count() == len(engine.DEFAULT_SCORECARD.measures)
    version = ScorecardVersion.objects.for_tenant(world_a.tenant).get()
    assert version_to_engine(version).measures == engine.DEFAULT_SCORECARD.measures
    assert list(Scorecard.objects.for_tenant(world_b.tenant)) == [kept]
