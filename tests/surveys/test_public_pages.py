"""The public response page: answer once, see (and briefly amend) the answer, tokens tampered or expired."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from indicators.models import Event
from surveys.models import SurveyResponse, SurveySend, SurveyUnsubscribe
from surveys.signals import response_recorded
from surveys.tokens import SALT, token_for
from tests.surveys.conftest import link_path, make_send


@pytest.fixture
def send_a(survey_a, contact_a):
    return make_send(survey_a, contact_a)


@pytest.fixture
def public():
    return Client(enforce_csrf_checks=True)


def post_answer(public, path, **data):
    page = public.get(path)
    return public.post(path, {"csrfmiddlewaretoken": page.cookies["csrftoken"].value, **data})


def responses(tenant):
    return SurveyResponse.objects.for_tenant(tenant)


def test_the_page_opens_without_login_and_shows_the_scale(public, send_a, world_a):
    page = public.get(link_path(send_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert send_a.survey.question in html and world_a.tenant.name in html
    assert all(f'id="score-{n}"' in html for n in range(11))
    assert 'name="viewport"' in html and "http" not in html.split("<body>")[1].split("</footer>")[0].replace(
        "http-equiv", ""
    )  # no external assets
    send_a.refresh_from_db()
    assert send_a.opened_at is not None


def test_an_answer_is_recorded_once_with_its_event_and_signal(public, send_a, world_a):
    seen = []

    def listener(sender, response, created, **kwargs):
        seen.append((response.score, created))

    response_recorded.connect(listener)
    try:
        answer = post_answer(public, link_path(send_a), score="3", comment="Too slow")
    finally:
        response_recorded.disconnect(listener)
    assert answer.status_code == 302 and answer["Location"].endswith("/thanks/")
    stored = responses(world_a.tenant).get()
    assert (stored.score, stored.category, stored.comment, stored.send_id) == (3, "detractor", "Too slow", send_a.pk)
    assert seen == [(3, True)]
    event = Event.objects.for_tenant(world_a.tenant).get(message_id=f"survey-response-{stored.pk}")
    assert (event.type, event.name, event.account_id, event.contact_id) == (
        "survey", "nps_response", stored.account_id, stored.contact_id,
    )  # fmt: skip
    assert event.properties == {
        "score": 3, "kind": "nps", "comment": "Too slow", "response_id": stored.pk, "category": "detractor",
    }  # fmt: skip
    assert event.occurred_at == stored.responded_at
    thanks = public.get(answer["Location"])
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert SurveySend.objects.for_tenant(world_a.tenant).get().answered_at is not None


def test_a_second_use_shows_the_answer_and_amends_it_instead_of_duplicating(public, send_a, world_a):
    post_answer(public, link_path(send_a), score="6")
    again = public.get(link_path(send_a))
    assert 'data-testid="recorded-answer"' in again.content.decode()
    assert "Change my answer" in again.content.decode()
    post_answer(public, link_path(send_a), score="9", comment="Fixed now")
    stored = responses(world_a.tenant).get()
    assert (stored.score, stored.category, stored.comment) == (9, "promoter", "Fixed now")
    assert stored.amended_at is not None
    events = Event.objects.for_tenant(world_a.tenant).filter(name="nps_response").order_by("pk")
    assert [e.properties["score"] for e in events] == [6, 9]


def test_after_the_amend_window_the_answer_is_shown_read_only(public, send_a, world_a):
    post_answer(public, link_path(send_a), score="7")
    responses(world_a.tenant).update(responded_at=timezone.now() - timedelta(hours=25))
    page = public.get(link_path(send_a))
    assert "You answered <strong>7</strong>" in page.content.decode()
    assert "<form" not in page.content.decode()
    late = public.post(link_path(send_a), {"score": "0"})
    assert late.status_code in {200, 403}
    assert responses(world_a.tenant).get().score == 7


def test_a_score_outside_the_scale_is_refused_kindly(public, send_a, world_a):
    answer = post_answer(public, link_path(send_a), score="11")
    assert answer.status_code == 400 and "Please choose a score" in answer.content.decode()
    assert not responses(world_a.tenant).exists()


def test_a_tampered_token_gets_a_friendly_error(public, send_a, world_a):
    token = token_for(send_a)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    page = public.get(f"/s/{tampered}/")
    assert page.status_code == 404
    assert "This survey link does not work" in page.content.decode()
    forged = signing.dumps({"t": world_a.tenant.pk, "s": send_a.pk, "k": "guessed"}, salt=SALT, compress=True)
    assert public.get(f"/s/{forged}/").status_code == 404
    assert public.post(f"/s/{tampered}/", {"score": "10"}).status_code in {403, 404}
    assert not responses(world_a.tenant).exists()


def test_an_expired_token_gets_a_friendly_error(public, send_a, world_a, settings):
    settings.SURVEY_LINK_MAX_AGE = timedelta(seconds=-1)
    page = public.get(link_path(send_a))
    assert page.status_code == 410 and "expired" in page.content.decode()


def test_an_invitation_past_its_expiry_date_is_expired(public, survey_a, contact_a):
    send = make_send(survey_a, contact_a, expires_at=timezone.now() - timedelta(minutes=1))
    assert public.get(link_path(send)).status_code == 410


def test_unsubscribe_asks_first_then_is_permanent(public, send_a, world_a):
    path = link_path(send_a) + "unsubscribe/"
    page = public.get(path)
    assert page.status_code == 200 and not SurveyUnsubscribe.objects.for_tenant(world_a.tenant).exists()
    public.post(path, {"csrfmiddlewaretoken": page.cookies["csrftoken"].value})
    assert SurveyUnsubscribe.objects.for_tenant(world_a.tenant).filter(contact=send_a.contact).exists()
    assert "will not be asked again" in public.get(path).content.decode()
