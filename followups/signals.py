"""Signals other apps listen to, so the closed loop never imports them.

Each is sent inside the transaction that makes the change, with tenant and followup (the saved row).
"""

from django.dispatch import Signal

followup_opened = Signal()  # a survey response's follow-up was opened
followup_overdue = Signal()  # an open follow-up passed its deadline (sent once per deadline, by the sweep)
followup_closed = Signal()  # a follow-up was closed with its outcome
