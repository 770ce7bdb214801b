"""An event as a Slack incoming-webhook message: one line of mrkdwn, shown as a section with a context footer.

Slack's format (api.slack.com/messaging/webhooks): ``text`` is the notification and fallback text,
``blocks`` what the channel shows. Each event type has its line, read from the event's data with
fallbacks, so a field missing from a payload reads as a plainer line rather than an error; a type
without a line of its own (one added later) gets a generic one.
"""

# pure: no Django import (tests/test_pure_modules.py)

from collections.abc import Callable

SECTION_TEXT_LIMIT = 3000  # Slack refuses a section whose text is longer


def escape(text: object) -> str:
    """Text safe in mrkdwn: Slack reads &, < and > as markup (links, mentions) unless escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _get(data: dict, *paths: str) -> str:
    """The first non-empty value among dotted ``paths`` of ``data``, escaped; '' when none is there."""
    for path in paths:
        value: object = data
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value not in (None, "", [], {}):
            return escape(value)
    return ""


def _account(data: dict) -> str:
    name = _get(data, "account.name", "account_name")
    return f"*{name}*" if name else "an account"


def _suffix(text: str, before: str = ": ") -> str:
    return f"{before}{text}" if text else ""


def _alert(verb: str) -> Callable[[dict], str]:
    def line(data: dict) -> str:
        title = _get(data, "alert.title", "title")
        return f"Alert {verb} on {_account(data)}{_suffix(title)}"

    return line


def _followup_opened(data: dict) -> str:
    due = _get(data, "followup.due_at", "due_at")
    return f"Follow-up opened for {_account(data)}{_suffix(due, ', due ')}"


def _followup_overdue(data: dict) -> str:
    due = _get(data, "followup.due_at", "due_at")
    return f"Follow-up overdue for {_account(data)}{_suffix(due, ' (was due ')}{')' if due else ''}"


def _followup_closed(data: dict) -> str:
    outcome = _get(data, "followup.outcome", "outcome")
    return f"Follow-up closed for {_account(data)}{_suffix(outcome)}"


def _band_changed(data: dict) -> str:
    before, after = _get(data, "previous_band", "from_band", "from"), _get(data, "band", "to_band", "to")
    if before and after:
        return f"{_account(data)} moved from {before} to {after}"
    return f"{_account(data)} moved to {after or 'another health band'}"


def _response_recorded(data: dict) -> str:
    score = _get(data, "response.score", "score")
    return f"Survey answer from {_account(data)}{_suffix(score, ': score ')}"


def _became_advocate(data: dict) -> str:
    contact = _get(data, "contact.name", "contact.email", "contact_name", "contact_email") or "A contact"
    return f"{contact} at {_account(data)} became an advocate"


def _renewal_updated(data: dict) -> str:
    status = _get(data, "renewal.status", "status")
    return f"Renewal updated for {_account(data)}{_suffix(status)}"


def _test(data: dict) -> str:
    return "Test event from csplatform: this channel receives its webhooks."


LINES: dict[str, Callable[[dict], str]] = {
    "alert.opened": _alert("opened"),
    "alert.closed": _alert("closed"),
    "followup.opened": _followup_opened,
    "followup.overdue": _followup_overdue,
    "followup.closed": _followup_closed,
    "score.band_changed": _band_changed,
    "response.recorded": _response_recorded,
    "contact.became_advocate": _became_advocate,
    "renewal.updated": _renewal_updated,
    "webhook.test": _test,
}


def event_line(envelope: dict) -> str:
    """The one line that says what happened."""
    type_ = str(envelope.get("type") or "event")
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    line = LINES.get(type_)
    text = line(data) if line else f"csplatform event `{escape(type_)}`"
    return text if len(text) <= SECTION_TEXT_LIMIT else text[: SECTION_TEXT_LIMIT - 1] + "…"


def slack_message(envelope: dict, *, message_id: str) -> dict:
    """The JSON body to POST to a Slack incoming webhook for one event envelope ({type, version, data})."""
    line = event_line(envelope)
    footer = f"csplatform · `{escape(envelope.get('type') or 'event')}` · {escape(message_id)}"
    return {
        "text": line,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": line}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]},
        ],
    }
