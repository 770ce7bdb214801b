"""An event as a Slack incoming-webhook message: one line of mrkdwn, shown as a section with a context footer.

Slack's format (api.slack.com/messaging/webhooks): ``text`` is the notification and fallback text,
``blocks`` what the channel shows. Each event type has its line, read from the event's data (the shapes
of notifications/payloads.py); a field missing reads as a plainer line rather than an error, and a type
without a line of its own (one added later) gets a generic one. Moments are Slack date tokens, so each
reader sees them on their own clock.
"""

# pure: no Django import (tests/test_pure_modules.py)

from collections.abc import Callable
from datetime import datetime

SECTION_TEXT_LIMIT = 3000  # Slack refuses a section whose text is longer


def escape(text: object) -> str:
    """Text safe in mrkdwn: Slack reads &, < and > as markup (links, mentions) unless escaped."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _get(data: dict, path: str) -> str:
    """The value at dotted ``path`` of ``data`` (the payloads of notifications/payloads.py), escaped; '' if absent."""
    value: object = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value in (None, "", [], {}) else escape(value)


def _when(data: dict, path: str) -> str:
    """A moment as Slack's date token: each reader sees it on their own clock, with the UTC text as fallback."""
    text = _get(data, path)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{text}>"


def _account(data: dict) -> str:
    name = _get(data, "account.name")
    return f"*{name}*" if name else "an account"


def _suffix(text: str, before: str = ": ") -> str:
    return f"{before}{text}" if text else ""


def _aside(text: str) -> str:
    return f" ({text})" if text else ""


def _alert(verb: str) -> Callable[[dict], str]:
    def line(data: dict) -> str:
        priority = _get(data, "alert.priority")
        return f"Alert {verb} on {_account(data)}{_suffix(_get(data, 'alert.title'))}{_suffix(priority, ' · ')}"

    return line


def _followup_opened(data: dict) -> str:
    category, due = _get(data, "followup.category"), _when(data, "followup.due_at")
    return f"Follow-up opened for {_account(data)}{_aside(category)}{_suffix(due, ', due ')}"


def _followup_overdue(data: dict) -> str:
    due = _when(data, "followup.due_at")
    return f"Follow-up overdue for {_account(data)}{_suffix(due, ': was due ')}"


def _followup_closed(data: dict) -> str:
    return f"Follow-up closed for {_account(data)}{_aside(_get(data, 'followup.category'))}"


def _band_changed(data: dict) -> str:
    before, after = _get(data, "score.before_band"), _get(data, "score.band")
    score = _get(data, "score.after")
    moved = f"from {before} to {after}" if before and after else f"to {after or 'another health band'}"
    return f"{_account(data)} moved {moved}{_aside(score and f'score {score}')}"


def _response_recorded(data: dict) -> str:
    score, category = _get(data, "response.score"), _get(data, "response.category")
    verb = "amended" if data.get("response", {}).get("amended") is True else "answered"
    who = _get(data, "contact.email") or "Someone"
    return f"{who} at {_account(data)} {verb}{_suffix(score, ': score ')}{_suffix(category, ' · ')}"


def _became_advocate(data: dict) -> str:
    contact = _get(data, "contact.email") or "A contact"
    return f"{contact} at {_account(data)} became an advocate"


def _renewal_updated(data: dict) -> str:
    change = _get(data, "change") or "updated"
    on = _get(data, "renewal.renewal_on")
    outcome = _get(data, "renewal.outcome")
    return f"Renewal {change} for {_account(data)}{_suffix(on, ', renewing ')}{_suffix(outcome, ' · ')}"


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
