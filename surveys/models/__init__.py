from surveys.models.choices import Category, Channel, ContactRole, ScheduleKind, SendStatus, SurveyStatus
from surveys.models.nps_counts import NpsDailyCount, NpsMonthlyCount
from surveys.models.responses import SurveyResponse
from surveys.models.sends import SurveyRound, SurveySend
from surveys.models.survey import Survey
from surveys.models.unsubscribe import SurveyUnsubscribe

__all__ = [
    "Category",
    "Channel",
    "ContactRole",
    "NpsDailyCount",
    "NpsMonthlyCount",
    "ScheduleKind",
    "SendStatus",
    "Survey",
    "SurveyResponse",
    "SurveyRound",
    "SurveySend",
    "SurveyStatus",
    "SurveyUnsubscribe",
]
