"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent inside the transaction that stores a response (created=True) or amends one (created=False),
# with sender=SurveyResponse, response=<the SurveyResponse> and before_category: the category the answer had
# before an amendment (None for a new answer), so a receiver can tell an answer that became a detractor's.
response_recorded = Signal()
