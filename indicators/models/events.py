"""Events: the raw material of every indicator, and the daily rollups kept beside them."""

from datetime import timedelta

from django.db import models

from accounts.tenancy import TenantOwned


def tenant_without_own_index():
    """The tenant foreign key, minus the single-column index Django gives every foreign key.

    For the hot, write-heavy tables below, whose unique constraint already leads with the tenant:
    that index serves every lookup by tenant, and one index fewer is less work on every row written.
    """
    return models.ForeignKey(
        "accounts.Tenant", on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )


# An event counts from its moment, not before: one stamped later than its receipt is a clock error, refused
# beyond the few minutes by which honest clocks disagree (the day a future event would count in is already
# "today" in the tenant's calendar otherwise).
FUTURE_TOLERANCE = timedelta(minutes=5)
FUTURE_TOLERANCE_SAID = "5 minutes"


class EventType(models.TextChoices):
    USAGE = "usage", "Usage"
    SUPPORT = "support", "Support"
    COMMUNICATION = "communication", "Communication"
    CONTENT = "content", "Content"
    SURVEY = "survey", "Survey"
    COMMERCIAL = "commercial", "Commercial"
    RELATIONSHIP = "relationship", "Relationship"
    LIFECYCLE = "lifecycle", "Lifecycle"


class EventSource(models.TextChoices):
    """Which door an event came in by: every path that stores events names itself with one of these."""

    API = "api", "REST API"
    SEGMENT = "segment", "Segment tracking API"
    SURVEYS = "surveys", "Survey answers"
    DEMO = "demo", "Demo data"
    CONSOLE = "console", "Logged in the console"


class Event(TenantOwned):
    """Something that happened at a customer.

    Built to grow: every index a query reads leads with the tenant, and rows are only ever inserted (and
    attributed once). On PostgreSQL the table is partitioned by month of ``occurred_at``
    (``indicators/partitions``): its primary key there is (id, occurred_at), so ids stay unique
    because they come from one sequence, and message ids are de-duplicated in ``EventMessage``,
    since a unique index on a partitioned table must hold the partition key. The
    two exceptions are the foreign keys' own single-column indexes on ``account`` and ``contact``:
    deleting an account or a contact looks its events up by that column alone (PostgreSQL's
    constraint check, and Django's cascade), and without them each such delete would read the table.
    """

    tenant = tenant_without_own_index()  # (tenant, occurred_at) leads with it
    account = models.ForeignKey("accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("accounts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user_id = models.CharField(max_length=191, blank=True, help_text="The sender's user id (Segment userId).")
    anonymous_id = models.CharField(max_length=191, blank=True)
    type = models.CharField(max_length=20, choices=EventType.choices)
    name = models.CharField(max_length=200, help_text="Feature key for usage; the kind of event otherwise.")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    properties = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=40)
    message_id = models.CharField(max_length=191)

    class Meta(TenantOwned.Meta):
        indexes = [
            models.Index(fields=["tenant", "account", "-occurred_at"], name="event_tenant_account_time"),
            models.Index(fields=["tenant", "-occurred_at"], name="event_tenant_time"),
            # Scoring reads an account's recent non-usage events; usage is read from the rollups.
            models.Index(
                fields=["tenant", "account", "-occurred_at"],
                name="event_tenant_account_nonusage",
                condition=~models.Q(type="usage"),
            ),
            # A user's events waiting for an account (a later group or alias call): by userId, or by
            # anonymousId when they were sent with no userId.
            models.Index(
                fields=["tenant", "user_id", "anonymous_id"],
                name="event_tenant_pending",
                condition=models.Q(account=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.name}"


class EventMessage(TenantOwned):
    """The message id of an event stored lately, and the event's id: what de-duplicates events.

    A client that retries re-sends its messages with the same ids; the first claim of an id stores
    the event, a later one finds this row and stores nothing. Rows are kept for the tenant's
    ``event_dedup_days`` (at least 30) and then pruned daily, so a message re-sent after that is
    stored again. ``event_id`` is not a foreign key: on PostgreSQL events live in monthly
    partitions, and the row outlives nothing but its own window.
    """

    tenant = tenant_without_own_index()  # both indexes lead with it
    message_id = models.CharField(max_length=191)
    event_id = models.BigIntegerField()
    received_at = models.DateTimeField()

    class Meta(TenantOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "message_id"], name="eventmessage_unique")]
        indexes = [models.Index(fields=["tenant", "received_at"], name="eventmessage_tenant_time")]


class AccountDay(TenantOwned):
    """One account's activity on one day (UTC), kept current in the ingesting transaction.

    Its rows are updated in place all day long: the table is stored with free space in each page
    (fillfactor 70, migration 0006) so an update can stay on its page (a HOT update, no index write).
    """

    tenant = tenant_without_own_index()  # (tenant, account, day) leads with it
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    events = models.PositiveIntegerField(default=0)
    usage_events = models.PositiveIntegerField(default=0)
    active_users = models.PositiveIntegerField(default=0)
    by_feature = models.JSONField(default=dict)
    by_type = models.JSONField(default=dict)
    last_activity_at = models.DateTimeField()

    class Meta(TenantOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "account", "day"], name="accountday_unique")]


class ContactDay(TenantOwned):
    """One contact's activity on one day (UTC); stored with free space in each page, as AccountDay."""

    tenant = tenant_without_own_index()  # (tenant, contact, day) leads with it
    contact = models.ForeignKey("accounts.Contact", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("accounts.Account", null=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    events = models.PositiveIntegerField(default=0)
    usage_events = models.PositiveIntegerField(default=0)
    by_feature = models.JSONField(default=dict)
    last_activity_at = models.DateTimeField()

    class Meta(TenantOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "contact", "day"], name="contactday_unique")]
        # Not covering: an index holding usage_events made every update of a row a non-HOT one, a new entry
        # in each of the table's five indexes (migration 0011). Scores read contacts' usage days from
        # Contact.usage_days; this index serves the rollup fallback for a back-dated score.
        indexes = [models.Index(fields=["tenant", "account", "day"], name="contactday_tenant_account_day")]


class AppliedMessage(TenantOwned):
    """The message id of an identify, group or alias call applied lately.

    A replay of one (a client's retry) is then not applied again: an old ``group`` would move a user
    back to their previous account. Events need no such record, their own rows de-duplicate them.
    Rows older than ``indicators.ingest.replays.REPLAY_WINDOW`` are pruned daily (``ingest/retention.py``).
    """

    tenant = tenant_without_own_index()  # both indexes lead with it
    message_id = models.CharField(max_length=191)
    type = models.CharField(max_length=20)
    received_at = models.DateTimeField()

    class Meta(TenantOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "message_id"], name="appliedmessage_unique")]
        indexes = [models.Index(fields=["tenant", "received_at"], name="appliedmessage_tenant_time")]


class IngestionError(TenantOwned):
    """A rejected message, kept 30 days so tenant admins can see what their integrations got wrong."""

    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=40)
    message_id = models.CharField(max_length=191, blank=True)
    index = models.PositiveIntegerField(null=True, blank=True, help_text="Position in the batch.")
    reason = models.CharField(max_length=500)
    payload = models.TextField(blank=True, help_text="The message as received (truncated).")

    class Meta(TenantOwned.Meta):
        indexes = [models.Index(fields=["tenant", "-received_at"], name="ingestionerror_tenant_time")]

    def __str__(self) -> str:
        return self.reason
