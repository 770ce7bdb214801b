"""Any plausible inputs evaluate without error into finite values, a score within 0-100 and valid stages."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import (
    AccountFacts,
    AdoptionStage,
    ContactFacts,
    EventRecord,
    GutLevel,
    GutRead,
    SurveyAnswer,
    SurveyAnswers,
    evaluate_account,
)
from tests.engine.builders import FEATURES, account_days, ago, day, make_inputs, usage

EVENTS = [
    ("communication", "email"),
    ("communication", "meeting"),
    ("communication", "business_review"),
    ("support", "ticket_opened"),
    ("support", "ticket_escalated"),
    ("support", "ticket_closed"),
    ("content", "educational"),
    ("commercial", "escalation"),
    ("commercial", "discount_request"),
    ("commercial", "downsell"),
    ("relationship", "executive_sponsor_engaged"),
    ("relationship", "contact_left"),
    ("lifecycle", "first_value_reached"),
]
offsets = st.integers(min_value=-3, max_value=400)  # negative: after as_of
maybe_day = st.one_of(st.none(), offsets.map(day))
contact_ids = st.integers(min_value=1, max_value=6)


@st.composite
def inputs(draw):
    people = tuple(
        ContactFacts(
            id=n,
            is_executive=draw(st.booleans()),
            is_advocate=draw(st.booleans()),
            reports_to_id=draw(st.one_of(st.none(), contact_ids)),
            last_seen_at=draw(st.one_of(st.none(), offsets.map(ago))),
        )
        for n in range(1, draw(st.integers(min_value=0, max_value=6)) + 1)
    )
    contact_days = [
        row
        for n in range(1, 7)
        for row in usage(
            n,
            draw(st.sets(st.integers(min_value=0, max_value=120), max_size=20)),
            draw(st.dictionaries(st.sampled_from([*FEATURES, "Other"]), st.integers(1, 5), min_size=1, max_size=3)),
        )
    ]
    events = tuple(
        EventRecord(
            type=kind,
            name=name,
            occurred_at=ago(draw(offsets), draw(st.integers(0, 23))),
            contact_id=draw(st.one_of(st.none(), contact_ids)),
            properties={
                "direction": draw(st.sampled_from(["proactive", "reactive"])),
                "ticket_id": draw(contact_ids),
                "severity": draw(st.sampled_from(["low", "high"])),
            },
        )
        for kind, name in draw(st.lists(st.sampled_from(EVENTS), max_size=30))
    )
    answers = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.builds(
                    SurveyAnswer,
                    contact_id=st.one_of(st.none(), contact_ids),
                    score=st.integers(0, 10),
                    kind=st.sampled_from(["nps", "post_sale", "onboarding"]),
                    answered_at=offsets.map(ago),
                ),
                max_size=8,
            ),
        )
    )
    account = AccountFacts(
        licenses=draw(st.integers(0, 30)),
        onboarding_started_on=draw(maybe_day),
        onboarding_completed_on=draw(maybe_day),
        objectives_documented=draw(st.booleans()),
        contract_start_on=draw(maybe_day),
        renewal_on=draw(maybe_day),
        products_subscribed=draw(st.integers(0, 3)),
        executive_sponsor_id=draw(st.one_of(st.none(), contact_ids)),
    )
    gut = draw(
        st.one_of(st.none(), st.builds(GutRead, level=st.sampled_from(list(GutLevel)), expires_at=offsets.map(ago)))
    )
    return make_inputs(
        account=account,
        contacts=people,
        contact_days=contact_days,
        days=account_days(contact_days),
        events=events,
        surveys=None if answers is None else SurveyAnswers(tuple(answers)),
        gut=gut,
        rollups_since=draw(st.one_of(st.none(), st.integers(0, 120).map(day))),
        events_since=draw(st.one_of(st.none(), st.integers(0, 200).map(ago))),
    )


@settings(max_examples=150, deadline=None)
@given(inputs=inputs())
def test_any_inputs_evaluate_into_finite_values_a_bounded_score_and_valid_stages(inputs):
    evaluation = evaluate_account(inputs, with_contacts=True)
    assert all(v is None or math.isfinite(v) for v in evaluation.values.values())
    assert evaluation.score.final is None or 0 <= evaluation.score.final <= 100
    for contact in evaluation.contacts:
        assert contact.adoption_stage in set(AdoptionStage)
        assert all(v is None or math.isfinite(v) for v in contact.values.values())
