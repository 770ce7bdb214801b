from outcomes.models.analyses import AnalysisKind, OutcomeAnalysis
from outcomes.models.forecasts import RenewalForecast
from outcomes.models.ledger import ArrMovement, MovementKind
from outcomes.models.rates import ExchangeRate
from outcomes.models.renewals import CsmCall, Outcome, ReasonKind, Renewal, RenewalReason, RenewalSource

__all__ = [
    "AnalysisKind",
    "ArrMovement",
    "CsmCall",
    "ExchangeRate",
    "MovementKind",
    "Outcome",
    "OutcomeAnalysis",
    "ReasonKind",
    "Renewal",
    "RenewalForecast",
    "RenewalReason",
    "RenewalSource",
]
