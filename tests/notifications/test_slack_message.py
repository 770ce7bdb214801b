"""Slack messages: one line per event type read from its data, a generic line for any other type."""

import pytest

from notifications.slack_message import SECTION_TEXT_LIMIT, event_line, slack_message

ACME = {"account": {"name": "Acme"}}


def test_a_message_is_the_line_in_a_section_and_a_context_footer():
    envelope = {"type": "alert.opened", "version": 1, "data": {**ACME, "title": "Usage fell"}}
    assert slack_message(envelope, message_id="msg_1") == {
        "text": "Alert opened on *Acme*: Usage fell",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Alert opened on *Acme*: Usage fell"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "csplatform · `alert.opened` · msg_1"}]},
        ],
    }


@pytest.mark.parametrize(
    ("type_", "data", "line"),
    [
        ("alert.closed", {"account_name": "Acme", "alert": {"title": "Fell"}}, "Alert closed on *Acme*: Fell"),
        ("alert.opened", {}, "Alert opened on an account"),
        ("followup.opened", {**ACME, "due_at": "Dec 9"}, "Follow-up opened for *Acme*, due Dec 9"),
        ("followup.overdue", {**ACME, "due_at": "Dec 9"}, "Follow-up overdue for *Acme* (was due Dec 9)"),
        ("followup.overdue", ACME, "Follow-up overdue for *Acme*"),
        ("followup.closed", {**ACME, "outcome": "resolved"}, "Follow-up closed for *Acme*: resolved"),
        ("score.band_changed", {**ACME, "previous_band": "good", "band": "risk"}, "*Acme* moved from good to risk"),
        ("score.band_changed", ACME, "*Acme* moved to another health band"),
        ("response.recorded", {**ACME, "score": 3}, "Survey answer from *Acme*: score 3"),
        ("contact.became_advocate", {**ACME, "contact": {"name": "Ada"}}, "Ada at *Acme* became an advocate"),
        ("renewal.updated", {**ACME, "status": "won"}, "Renewal updated for *Acme*: won"),
        ("webhook.test", {"endpoint_id": 4}, "Test event from csplatform: this channel receives its webhooks."),
        ("invoice.paid", {"amount": 3}, "csplatform event `invoice.paid`"),
    ],
)  # fmt: skip
def test_each_event_type_has_its_line(type_, data, line):
    assert event_line({"type": type_, "version": 1, "data": data}) == line


def test_markup_in_the_data_is_escaped_so_it_cannot_mention_or_link():
    data = {"account": {"name": "<!channel> & co"}, "title": "<https://evil.example|click>"}
    assert event_line({"type": "alert.opened", "data": data}) == (
        "Alert opened on *&lt;!channel&gt; &amp; co*: &lt;https://evil.example|click&gt;"
    )


def test_a_line_longer_than_slack_takes_is_cut():
    line = event_line({"type": "alert.opened", "data": {"title": "x" * 5000}})
    assert len(line) == SECTION_TEXT_LIMIT and line.endswith("…")


def test_an_envelope_without_data_still_makes_a_line():
    assert event_line({"type": "alert.opened", "data": None}) == "Alert opened on an account"
    assert event_line({}) == "csplatform event `event`"
