"""Numbers typed into query strings, forms and files: a superscript digit or thousands of digits is no id.

``str.isdigit`` accepts "²", which ``int`` refuses, and ``int`` refuses strings of more than 4,300 digits:
each place that read an id or a score that way answered a 500. Now each answers as for any other bad value.
"""

import pytest

from accounts.whole_numbers import whole_number
from surveys.models import Survey
from tests.conftest import api_as, session_client
from tests.factories import ContactFactory
from tests.surveys.conftest import link_path, make_send, make_survey

NOT_IDS = ["²", "٣", "9" * 4400, "-1", "1.0", "", " ", "12a"]


@pytest.mark.parametrize("text", NOT_IDS)
def test_what_is_not_plainly_a_whole_number_is_none(text):
    assert whole_number(text) is None


def test_whole_numbers_up_to_what_bigint_holds():
    assert whole_number(" 42 ") == 42
    assert whole_number("9" * 18) == 999_999_999_999_999_999
    assert whole_number("9" * 19) is None
    assert whole_number(7) is None


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["²", "9" * 4400])
def test_the_doors_that_read_ids_answer_without_a_500(client, world_a, account_a, text):
    contact = ContactFactory(account=account_a)
    survey = make_survey(world_a.tenant, name="Q4 NPS")
    public = client.get(link_path(make_send(survey, contact)), {"score": text})
    assert public.status_code == 200
    assert api_as(world_a.admin).get("/api/v1/follow-ups/", {"assignee": text}).status_code == 400
    console = session_client(client, world_a.admin)
    assert console.get("/admin/followups/followup/", {"department": text}).status_code == 302  # the "?e=1" page
    eligibility = console.get(f"/admin/surveys/survey/{survey.pk}/eligibility/", {"contact": text})
    assert eligibility.status_code == 200
    assert Survey.objects.for_tenant(world_a.tenant).count() == 1
    switched = console.post("/admin/switch-tenant/", {"active_tenant": text})
    assert switched.status_code == 302
