"""The workspace in the console: its pages (``urls.py``) and its section of the account page."""

from workspace.admin import account_timeline  # noqa: F401  (adds the timeline section to the account page)
