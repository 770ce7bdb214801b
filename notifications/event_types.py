"""The events a webhook endpoint can subscribe to: one registry, read by validation, admin and API."""

# pure: no Django import (tests/test_pure_modules.py)

EVENT_TYPES: dict[str, str] = {
    "alert.opened": "An alert opened on an account (a rule fired, a follow-up went overdue...).",
    "alert.closed": "An alert was closed: by a person, with a note, or by csplatform when its cause was gone.",
    "followup.opened": "A survey answer's follow-up was opened, with its deadline and assignee.",
    "followup.overdue": "An open follow-up passed its deadline (once per deadline passed).",
    "followup.closed": "A follow-up was closed with its outcome.",
    "score.band_changed": "An account's health score moved into another band (good, at risk...).",
    "response.recorded": "A survey answer was recorded, or amended within the amend window.",
    "contact.became_advocate": "A contact became an advocate (accepted a reference or advocacy ask, or was marked).",
    "renewal.updated": "A renewal was created, changed or closed (a closed renewal may open the next term).",
    "webhook.test": "A test event sent on request from the admin.",
}


def unknown_event_types(types: object) -> list[str]:
    """The entries of ``types`` that are not registered event types (all of it when it is not a list of text)."""
    if not isinstance(types, list):
        return [repr(types)]
    return [str(name) for name in types if not isinstance(name, str) or name not in EVENT_TYPES]
