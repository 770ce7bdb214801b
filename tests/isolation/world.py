"""Tenant B's data (one builder per model, canaries in every text field) and tenant A's.

A new tenant-owned model needs a builder here (``@builder("app.Model")``) that creates at least
one row for tenant B, with ``canary_fields(b, Model)`` for its text fields and its foreign keys
pointing at B's rows built earlier (builders run in registration order). ``test_coverage`` fails
until it exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.models import Account, ApiKey, Contact, ExportRecord, Invitation, Membership, Tenant, User
from accounts.roles import ALL_SCOPES, Role, Scope
from accounts.services.api_keys import api_key_create
from indicators.models import (
    AccountDay,
    AppliedMessage,
    ContactDay,
    Event,
    EventMessage,
    EventType,
    Feature,
    IngestionError,
    Product,
)
from tests.isolation.canaries import CanaryRegistry, fresh, is_text_field
from tests.isolation.models import all_models, exempt_reason, history_scope, is_historical, rows_of_tenant

ROLES = (Role.ADMIN, Role.CSM, Role.VIEWER)


@dataclass
class World:
    tenant: Tenant
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    rows: dict[str, list] = field(default_factory=dict)  # model label -> rows built
    main: dict[str, object] = field(default_factory=dict)  # model label -> the row probes use
    canaries: CanaryRegistry | None = None
    keys: dict[str, tuple[ApiKey, str]] = field(default_factory=dict)  # "all" / "read" -> (key, plaintext)

    def add(self, row, *, main: bool = False):
        label = row._meta.label
        self.rows.setdefault(label, []).append(row)
        if main or label not in self.main:
            self.main[label] = row
        return row

    def row(self, model_or_label):
        label = model_or_label if isinstance(model_or_label, str) else model_or_label._meta.label
        return self.main[label]

    def has_row(self, model) -> bool:
        return model._meta.label in self.main

    @property
    def user_ids(self) -> list[int]:
        return [u.pk for u in self.users.values()]


# --- tenant B -----------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[World], None]] = {}


def builder(label: str):
    def register(fn):
        BUILDERS[label] = fn
        return fn

    return register


def text_value(w: World, where: str, field=None, *, email: bool = False) -> str:
    """B's canary for ``where`` (model.field), or an ordinary value of the same shape for tenant A."""
    if w.canaries is not None:
        return w.canaries.make(where, field, email=email or None)
    max_length = getattr(field, "max_length", None) or 200
    if email or isinstance(field, models.EmailField):
        return f"{fresh('a')}@alpha.example"
    core = "a" + re.sub(r"[^a-z0-9]", "", where.lower())
    return fresh(core[: max(1, max_length - 10)])[:max_length]


def canary_fields(b: World, model, where: str | None = None, **overrides) -> dict:
    """A value for every text field of ``model`` (exempt fields left out), plus ``overrides``.

    For tenant B each value is a canary; for tenant A an ordinary value (see ``text_value``).
    """
    values = {}
    prefix = where or model._meta.model_name
    for f in model._meta.concrete_fields:
        if f.name in overrides or not is_text_field(f) or exempt_reason(model, f):
            continue
        values[f.name] = text_value(b, f"{prefix}.{f.name}", f)
    values.update(overrides)
    return values


@builder("accounts.Tenant")
def build_tenant(b: World) -> None:
    b.tenant = b.add(Tenant.objects.create(**canary_fields(b, Tenant, time_zone="Europe/Paris", currency="EUR")))


@builder("accounts.User")
def build_users(b: World) -> None:
    for role in ROLES:
        password = "!" + text_value(b, f"user{role}.password")  # "!" prefix: an unusable password
        user = User(**canary_fields(b, User, f"user{role}", password=password))
        user.save()
        b.users[role] = b.add(user, main=role == Role.ADMIN)


@builder("accounts.Membership")
def build_memberships(b: World) -> None:
    for role in ROLES:
        membership = Membership.objects.create(tenant=b.tenant, user=b.users[role], role=role)
        b.memberships[role] = b.add(membership, main=role == Role.CSM)


@builder("accounts.ApiKey")
def build_api_key(b: World) -> None:
    values = canary_fields(b, ApiKey, scopes=list(ALL_SCOPES), rate_limit_per_minute=77)
    key = ApiKey.objects.create(
        tenant=b.tenant,
        created_by=b.users[Role.ADMIN],
        expires_at=timezone.now() + timedelta(days=30),
        last_used_at=timezone.now() - timedelta(days=1),
        **values,
    )
    b.add(key)


@builder("accounts.Invitation")
def build_invitation(b: World) -> None:
    b.add(
        Invitation.objects.create(
            tenant=b.tenant,
            role=Role.CSM,
            invited_by=b.users[Role.ADMIN],
            expires_at=timezone.now() + timedelta(days=5),
            sent_at=timezone.now(),
            **canary_fields(b, Invitation),
        )
    )


@builder("accounts.Account")
def build_account(b: World) -> None:
    account = Account.objects.create(
        tenant=b.tenant,
        csm_owner=b.memberships[Role.CSM],
        arr=Decimal("123456.78"),
        licenses=4321,
        objectives_documented=True,
        onboarding_started_on=date(2024, 1, 2),
        onboarding_completed_on=date(2024, 2, 3),
        contract_start_on=date(2024, 1, 1),
        renewal_on=date(2031, 3, 4),
        **canary_fields(b, Account),
    )
    b.add(account)


@builder("accounts.Contact")
def build_contacts(b: World) -> None:
    account = b.row(Account)
    now = timezone.now()
    manager = Contact.objects.create(
        tenant=b.tenant, account=account, is_executive=True, **canary_fields(b, Contact, "contactmanager")
    )
    contact = Contact.objects.create(
        tenant=b.tenant,
        account=account,
        reports_to=manager,
        is_champion=True,
        first_seen_at=now - timedelta(days=10),
        last_seen_at=now - timedelta(days=1),
        **canary_fields(b, Contact),
    )
    b.add(manager)
    b.add(contact, main=True)
    account.executive_sponsor = contact
    account.save()


@builder("accounts.ClosingDay")
def build_closing_day(b: World) -> None:
    from accounts.models.tenant import ClosingDay

    b.add(ClosingDay.objects.create(tenant=b.tenant, day=date(2026, 12, 24), **canary_fields(b, ClosingDay)))


@builder("accounts.ExportRecord")
def build_export_record(b: World) -> None:
    started = timezone.now() - timedelta(hours=3)
    b.add(
        ExportRecord.objects.create(
            tenant=b.tenant,
            user=b.users[Role.ADMIN],
            content_type=ContentType.objects.get_for_model(Contact),
            started_at=started,
            finished_at=started + timedelta(seconds=2),
            row_count=2,
            **canary_fields(b, ExportRecord),
        )
    )


@builder("admin.LogEntry")
def build_log_entry(b: World) -> None:
    account = b.row(Account)
    b.add(
        LogEntry.objects.create(
            user=b.users[Role.ADMIN],
            content_type=ContentType.objects.get_for_model(Account),
            object_id=str(account.pk),
            action_flag=CHANGE,
            **canary_fields(b, LogEntry),
        )
    )


# --- indicators ---------------------------------------------------------------------------------


@builder("indicators.Product")
def build_product(b: World) -> None:
    b.add(Product.objects.create(tenant=b.tenant, **canary_fields(b, Product)))


@builder("indicators.Feature")
def build_features(b: World) -> None:
    product = b.row(Product)
    target = Feature.objects.create(
        tenant=b.tenant, product=product, is_core_value=True, **canary_fields(b, Feature, "featuretarget")
    )
    merged = Feature.objects.create(tenant=b.tenant, product=product, merged_into=target, **canary_fields(b, Feature))
    b.add(target)
    b.add(merged, main=True)


@builder("indicators.Event")
def build_event(b: World) -> None:
    now = timezone.now()
    b.add(
        Event.objects.create(
            tenant=b.tenant,
            account=b.row(Account),
            contact=b.row(Contact),
            type=EventType.USAGE,
            occurred_at=now - timedelta(hours=2),
            received_at=now - timedelta(hours=1),
            properties={"note": text_value(b, "event.properties")},
            **canary_fields(b, Event, name=b.row(Feature).key),
        )
    )


@builder("indicators.AccountDay")
def build_account_day(b: World) -> None:
    b.add(
        AccountDay.objects.create(
            tenant=b.tenant,
            account=b.row(Account),
            day=timezone.now().date(),
            events=3,
            usage_events=2,
            active_users=1,
            by_feature={b.row(Feature).key: 2},
            by_type={"usage": 2, "support": 1},
            last_activity_at=timezone.now(),
        )
    )


@builder("indicators.ContactDay")
def build_contact_day(b: World) -> None:
    b.add(
        ContactDay.objects.create(
            tenant=b.tenant,
            contact=b.row(Contact),
            account=b.row(Account),
            day=timezone.now().date(),
            events=2,
            usage_events=2,
            by_feature={b.row(Feature).key: 2},
            last_activity_at=timezone.now(),
        )
    )


@builder("indicators.AppliedMessage")
def build_applied_message(b: World) -> None:
    # B's applied identify: a call under the same message id in A must still be applied there.
    fields = canary_fields(b, AppliedMessage)
    b.add(AppliedMessage.objects.create(tenant=b.tenant, received_at=timezone.now(), **fields))


@builder("indicators.EventMessage")
def build_event_message(b: World) -> None:
    # B's stored message id: an event under the same id in A must still be stored there.
    fields = canary_fields(b, EventMessage)
    b.add(EventMessage.objects.create(tenant=b.tenant, event_id=b.row(Event).pk, received_at=timezone.now(), **fields))


@builder("indicators.IngestionError")
def build_ingestion_error(b: World) -> None:
    b.add(IngestionError.objects.create(tenant=b.tenant, index=3, **canary_fields(b, IngestionError)))


@builder("indicators.HealthScore")
def build_health_score(b: World) -> None:
    from indicators.models.health import HealthScore

    b.add(
        HealthScore.objects.create(
            tenant=b.tenant,
            account=b.row(Account),
            score=61.5,
            computed=58.0,
            gut=70.0,
            band="yellow",
            coverage=0.8,
            result={"note": text_value(b, "healthscore.result")},
            values={"note": text_value(b, "healthscore.values")},
            computed_at=timezone.now(),
            history_at=timezone.now(),
            change_7d=-3.5,
            change_30d=4.25,
            **canary_fields(b, HealthScore),
        )
    )


@builder("indicators.HealthScoreHistory")
def build_health_score_history(b: World) -> None:
    from indicators.models.health import HealthScoreHistory

    b.add(
        HealthScoreHistory.objects.create(
            tenant=b.tenant,
            account=b.row(Account),
            score=59.0,
            band="yellow",
            coverage=0.7,
            result={"note": text_value(b, "healthscorehistory.result")},
            at=timezone.now(),
            **canary_fields(b, HealthScoreHistory),
        )
    )


# Each later app keeps its builders in its own module; importing them registers them, in this order.
from tests.isolation import world_scoring, world_surveys, world_followups, world_alerts, world_outcomes, world_workspace  # noqa: E402, F401, I001
from tests.isolation import world_notifications, world_security  # noqa: E402, F401
from tests.isolation import world_privacy  # noqa: E402, F401


def stamp_history(b: World) -> None:
    """Canaries in B's historical rows' own text fields (change reason, API key prefix)."""
    for model in all_models():
        if not is_historical(model) or history_scope(model) is None:
            continue
        own = [
            f
            for f in model._meta.concrete_fields
            if is_text_field(f) and f.name.startswith("history_") and not exempt_reason(model, f)
        ]
        rows = list(rows_of_tenant(model, b.tenant.pk, b.user_ids))
        for i, row in enumerate(rows):
            values = {f.name: b.canaries.make(f"hist{model._meta.model_name}{i}.{f.name}", f) for f in own}
            model._base_manager.filter(pk=row.pk).update(history_user=b.users[Role.ADMIN], **values)
            b.add(model._base_manager.get(pk=row.pk))


def build_tenant_b() -> World:
    b = World(tenant=None, canaries=CanaryRegistry())
    for build in BUILDERS.values():
        build(b)
    stamp_history(b)
    return b


# --- tenant A ------------------------------------------------------------------------------------

# Built by the shared ``world_a`` fixture (make_world); every other model comes from the builders above.
PREBUILT_FOR_A = {"accounts.Tenant", "accounts.User", "accounts.Membership", "accounts.ApiKey"}


def build_tenant_a(world_a) -> World:
    """Tenant A: the shared ``world_a`` fixture, then one ordinary (non-canary) row per model from the builders.

    A's CSM owns A's account (the Account builder makes the CSM its owner), so CSM writes reach
    validation instead of stopping at the role check.
    """
    a = World(tenant=world_a.tenant)
    a.add(world_a.tenant)
    for role, membership in ((Role.ADMIN, world_a.admin), (Role.CSM, world_a.csm), (Role.VIEWER, world_a.viewer)):
        a.users[role] = a.add(membership.user, main=role == Role.ADMIN)
        # Probes that change a membership aim at the viewer's, never at the admin's own.
        a.memberships[role] = a.add(membership, main=role == Role.VIEWER)
    a.keys["all"] = (world_a.api_key, world_a.api_key_plaintext)
    a.keys["read"] = api_key_create(tenant=a.tenant, name="Alpha read-only", scopes=[Scope.READ])
    a.add(world_a.api_key)
    for label, build in BUILDERS.items():
        if label not in PREBUILT_FOR_A:
            build(a)
    return a
