"""Survey events reach the scoring engine: one query per chunk, amendments replace answers."""

from dataclasses import replace
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators import engine
from indicators.scoring.load import inputs_load
from indicators.scoring.surveys_source import survey_answers_load
from surveys.models import Channel
from surveys.services.responses import response_amend, response_record
from tests.factories import AccountFactory, ContactFactory


def test_answers_are_built_from_survey_events_in_one_query(world_a, contact_a):
    other = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    now = timezone.now()
    response_record(tenant=world_a.tenant, contact=contact_a, score=2, dedup_key="a", channel=Channel.IMPORT,
                    responded_at=now - timedelta(days=3))  # fmt: skip
    response_record(tenant=world_a.tenant, contact=other, score=10, dedup_key="b", channel=Channel.IMPORT,
                    responded_at=now - timedelta(days=400))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        loaded = survey_answers_load(
            tenant=world_a.tenant, account_ids=[contact_a.account_id, other.account_id], since=now - timedelta(days=365)
        )
    assert len(queries) == 1
    assert [(a.contact_id, a.score, a.kind) for a in loaded[contact_a.account_id].answers()] == [
        (contact_a.pk, 2, "nps")
    ]
    assert list(loaded[other.account_id].answers()) == []  # older than the window


def test_an_amendment_replaces_the_answer_the_engine_sees(world_a, contact_a):
    recorded = response_record(
        tenant=world_a.tenant, contact=contact_a, score=3, dedup_key="a", channel=Channel.IN_PRODUCT
    )
    amended = response_amend(tenant=world_a.tenant, response=recorded.response, score=9, comment="better")
    inputs = inputs_load(tenant=world_a.tenant, account_ids=[contact_a.account_id], as_of=timezone.now())
    answers = list(inputs[contact_a.account_id].surveys.answers())
    assert [a.score for a in answers] == [3, 9]  # both versions travel, one response
    assert isinstance(inputs[contact_a.account_id].surveys, engine.SurveyAnswers)
    # The engine counts the latest version known at its moment: 9 now, 3 before the amendment was made.
    now = engine.build_index(inputs[contact_a.account_id])
    before = engine.build_index(
        replace(inputs[contact_a.account_id], as_of=amended.amended_at - timedelta(microseconds=1))
    )
    assert [score for _, score in now.nps_latest.values()] == [9]
    assert [score for _, score in before.nps_latest.values()] == [3]


def test_the_account_is_marked_for_recompute_by_a_response(world_a, contact_a):
    from accounts.models import Account

    Account.objects.for_tenant(world_a.tenant).update(needs_recompute_since=None)
    response_record(tenant=world_a.tenant, contact=contact_a, score=3, dedup_key="m", channel=Channel.IMPORT)
    # The test's transaction never commits, so the after-commit recompute has not consumed the mark.
    account = Account.objects.for_tenant(world_a.tenant).get(pk=contact_a.account_id)
    assert account.needs_recompute_since is not None
