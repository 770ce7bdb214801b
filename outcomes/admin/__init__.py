"""The outcomes app in the console: its model admins, its pages (``urls.py``) and its section of the account page."""

from outcomes.admin import account_renewals, models  # noqa: F401  (registers the admins and the section)
