"""Slack messages: one line per event type read from its data, a generic line for any other type."""

import pytest

from notifications.slack_message import SECTION_TEXT_LIMIT, event_line, slack_message

ACME = {"account": {"name": "Acme"}}


def test_a_message_is_the_line_in_a_section_and_a_context_footer():
    envelope = {"type": "alert.opened", "version": 1, "data": {**ACME, "alert": {"title": "Usage fell"}}}
    assert slack_message(envelope, message_id="msg_1") == {
        "text": "Alert opened on *Acme*: Usage fell",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Alert opened on *Acme*: Usage fell"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "csplatform · `alert.opened` · msg_1"}]},
        ],
    }


# 2026-12-09T17:00:00Z is 1,796,835,600 s after the epoch: 56 years of 365 days (20,440 days), 14 leap days
# (1972..2024), and 342 days into 2026 (Dec 9 is day 343), so 20,796 days = 1,796,774,400 s, plus 17 h.
DUE = "<!date^1796835600^{date_short_pretty} {time}|2026-12-09T17:00:00Z>"


@pytest.mark.parametrize(
    ("type_", "data", "line"),
    [
        ("alert.closed", {**ACME, "alert": {"title": "Fell", "priority": "high"}},
         "Alert closed on *Acme*: Fell · high"),
        ("alert.opened", {}, "Alert opened on an account"),
        ("followup.opened", {**ACME, "followup": {"category": "detractor", "due_at": "2026-12-09T17:00:00Z"}},
         f"Follow-up opened for *Acme* (detractor), due {DUE}"),
        ("followup.overdue", {**ACME, "followup": {"due_at": "2026-12-09T17:00:00Z"}},
         f"Follow-up overdue for *Acme*: was due {DUE}"),
        ("followup.overdue", {**ACME, "followup": {"due_at": "not a time"}},
         "Follow-up overdue for *Acme*: was due not a time"),
        ("followup.overdue", ACME, "Follow-up overdue for *Acme*"),
        ("followup.closed", {**ACME, "followup": {"category": "passive"}}, "Follow-up closed for *Acme* (passive)"),
        ("score.band_changed", {**ACME, "score": {"before_band": "green", "band": "red", "after": 38.5}},
         "*Acme* moved from green to red (score 38.5)"),
        ("score.band_changed", ACME, "*Acme* moved to another health band"),
        ("response.recorded", {**ACME, "contact": {"email": "ada@acme.example"},
                               "response": {"score": 3, "category": "detractor", "amended": False}},
         "ada@acme.example at *Acme* answered: score 3 · detractor"),
        ("response.recorded", {**ACME, "response": {"score": 9, "amended": True}},
         "Someone at *Acme* amended: score 9"),
        ("contact.became_advocate", {**ACME, "contact": {"email": "ada@acme.example"}},
         "ada@acme.example at *Acme* became an advocate"),
        ("renewal.updated", {**ACME, "change": "closed", "renewal": {"renewal_on": "2027-01-31", "outcome": "renewed"}},
         "Renewal closed for *Acme*, renewing 2027-01-31 · renewed"),
        ("webhook.test", {"endpoint_id": 4}, "Test event from csplatform: this channel receives its webhooks."),
        ("invoice.paid", {"amount": 3}, "csplatform event `invoice.paid`"),
    ],
)  # fmt: skip
def test_each_event_type_has_its_line(type_, data, line):
    assert event_line({"type": type_, "version": 1, "data": data}) == line


def test_markup_in_the_data_is_escaped_so_it_cannot_mention_or_link():
    data = {"account": {"name": "<!channel> & co"}, "alert": {"title": "<https://evil.example|click>"}}
    assert event_line({"type": "alert.opened", "data": data}) == (
        "Alert opened on *&lt;!channel&gt; &amp; co*: &lt;https://evil.example|click&gt;"
    )


def test_a_line_longer_than_slack_takes_is_cut():
    line = event_line({"type": "alert.opened", "data": {"alert": {"title": "x" * 5000}}})
    assert len(line) == SECTION_TEXT_LIMIT and line.endswith("…")


def test_an_envelope_without_data_still_makes_a_line():
    assert event_line({"type": "alert.opened", "data": None}) == "Alert opened on an account"
    assert event_line({}) == "csplatform event `event`"
