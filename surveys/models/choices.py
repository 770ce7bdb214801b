"""Choice lists shared by the survey models, the API and the services."""

from django.db import models

from indicators.engine import nps


class Category(models.TextChoices):
    PROMOTER = nps.PROMOTER, "Promoter"
    PASSIVE = nps.PASSIVE, "Passive"
    DETRACTOR = nps.DETRACTOR, "Detractor"


class Channel(models.TextChoices):
    EMAIL = "email", "Email link"
    IN_PRODUCT = "in_product", "In product (API)"
    IMPORT = "import", "Import"


class ContactRole(models.TextChoices):
    ANY = "", "Any contact"
    EXECUTIVE = "executive", "Executives"
    DECISION_MAKER = "decision_maker", "Decision makers"
    CHAMPION = "champion", "Champions"
    ADVOCATE = "advocate", "Advocates"


class ScheduleKind(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    RECURRING = "recurring", "Recurring"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CLOSED = "closed", "Closed"


class SendStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (no longer eligible)"
