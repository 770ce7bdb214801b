"""The response page in a real headless Chromium (Debian's chromium, driven by Playwright)."""

import pytest

from surveys.models import SurveyResponse
from tests.surveys.conftest import link_path, make_send, make_survey


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    return context.new_page()


@pytest.mark.django_db(transaction=True)
def test_answering_amending_and_a_broken_link_in_a_real_browser(live_server, browser_page, world_a, contact_a):
    send = make_send(make_survey(world_a.tenant, name="Browser NPS"), contact_a)
    page, url = browser_page, live_server.url + link_path(send)
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None)

    page.goto(url)
    assert page.locator(".scale label").count() == 11
    # Mobile-friendly: nothing wider than the screen, and every score is a comfortable tap target.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("label[for=score-10]").bounding_box()
    assert box["height"] >= 40 and box["x"] + box["width"] <= 360
    page.locator("label[for=score-9]").tap()
    page.fill("#id_comment", "Support is quick")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks/")
    assert "Thank you" in page.inner_text("h1")
    assert "9" in page.inner_text("[data-testid=recorded-answer]")

    page.goto(url)  # the second use shows the answer and lets it be changed
    assert "recorded" in page.inner_text("[data-testid=recorded-answer]")
    assert page.is_checked("#score-9")
    page.locator("label[for=score-10]").tap()
    page.get_by_role("button", name="Change my answer").click()
    page.wait_for_url("**/thanks/")
    assert "10" in page.inner_text("[data-testid=recorded-answer]")

    page.goto(url[:-4] + "xyz/")
    assert "This survey link does not work" in page.inner_text("h1")
    assert external == []

    response = SurveyResponse.objects.for_tenant(world_a.tenant).get()
    assert (response.score, response.comment, response.category) == (10, "Support is quick", "promoter")
    assert response.amended_at is not None
