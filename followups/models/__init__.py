from followups.models.choices import (
    ADVOCATE_ASKS,
    OPEN_STATUSES,
    ActivityKind,
    AskKind,
    AskResult,
    DepartmentKind,
    Status,
    TaggedBy,
)
from followups.models.followup import Activity, FollowUp, FollowUpAsk, RootCause
from followups.models.themes import Department, ResponseTheme, Theme, ThemeKeywordRule

__all__ = [
    "ADVOCATE_ASKS",
    "OPEN_STATUSES",
    "Activity",
    "ActivityKind",
    "AskKind",
    "AskResult",
    "Department",
    "DepartmentKind",
    "FollowUp",
    "FollowUpAsk",
    "ResponseTheme",
    "RootCause",
    "Status",
    "TaggedBy",
    "Theme",
    "ThemeKeywordRule",
]
