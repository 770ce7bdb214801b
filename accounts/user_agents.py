"""A browser's User-Agent header as a person recognises it: "Firefox on Windows", "Safari on iPhone"."""

# pure: no Django import (tests/test_pure_modules.py)

from __future__ import annotations

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari", Android also says "Linux".
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl"))  # fmt: skip
SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))  # fmt: skip


def user_agent_summary(header: str) -> str:
    """The browser and the system it runs on, or "Unknown browser" when the header names neither."""
    browser = next((name for marker, name in BROWSERS if marker in header), None)
    system = next((name for marker, name in SYSTEMS if marker in header), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
