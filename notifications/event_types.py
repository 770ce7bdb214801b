"""The events a webhook endpoint can subscribe to: one registry, read by validation, admin and API."""

# pure: no Django import (tests/test_pure_modules.py)

EVENT_TYPES: dict[str, str] = {
    "alert.opened": "An alert opened on an account.",
    "alert.closed": "An alert was resolved or dismissed.",
    "webhook.test": "A test event sent on request from the admin.",
}


def unknown_event_types(types: object) -> list[str]:
    """The entries of ``types`` that are not registered event types (all of it when it is not a list of text)."""
    if not isinstance(types, list):
        return [repr(types)]
    return [str(name) for name in types if not isinstance(name, str) or name not in EVENT_TYPES]
