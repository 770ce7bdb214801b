from outcomes.models.ledger import ArrMovement, MovementKind
from outcomes.models.renewals import CsmCall, Outcome, ReasonKind, Renewal, RenewalReason, RenewalSource

__all__ = [
    "ArrMovement",
    "CsmCall",
    "MovementKind",
    "Outcome",
    "ReasonKind",
    "Renewal",
    "RenewalReason",
    "RenewalSource",
]
