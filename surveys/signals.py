"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent inside the transaction that stores a response (created=True) or amends one (created=False),
# with sender=SurveyResponse and response=<the SurveyResponse>.
response_recorded = Signal()
