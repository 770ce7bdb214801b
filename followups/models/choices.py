"""Choice lists of the closed loop: follow-up status, activity kinds, promoter asks and their results."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting_on_customer", "Waiting on customer"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)


class ActivityKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"


class AskKind(models.TextChoices):
    REFERENCE = "reference", "Reference"
    CASE_STUDY = "case_study", "Case study"
    REVIEW = "review", "Review"
    REFERRAL = "referral", "Referral"
    ADVOCACY = "advocacy", "Advocacy programme"
    EXPANSION = "expansion", "Expansion"


class AskResult(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LATER = "later", "Not now / thinking about it"


# A contact who accepts one of these asks becomes an advocate.
ADVOCATE_ASKS = frozenset({AskKind.REFERENCE, AskKind.ADVOCACY})


class TaggedBy(models.TextChoices):
    RULE = "rule", "Keyword rule"
    PERSON = "person", "Person"


class DepartmentKind(models.TextChoices):
    PRODUCT = "product", "Product"
    SUPPORT = "support", "Support"
    SALES = "sales", "Sales"
    SUCCESS = "success", "Success"
    BILLING = "billing", "Billing"
    CUSTOM = "custom", "Tenant-defined"


DEFAULT_DEPARTMENTS = [(k, label) for k, label in DepartmentKind.choices if k != DepartmentKind.CUSTOM]
