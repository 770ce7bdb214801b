"""The NPS benchmark's data: ten tenants, their customers, CSMs and surveys, and their answers COPYed in.

Tenants, memberships, accounts, contacts and surveys are made with the application's models, so
they look like real ones; the answers are COPYed (what a year of traffic leaves behind), then each
tenant's daily and monthly counts are built by ``nps_rollup_rebuild``, the same code as the repair command.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg

SEGMENTS = ("smb", "mid-market", "enterprise")
ZONES = ("America/New_York", "Europe/Paris", "Asia/Kolkata", "UTC", "Australia/Sydney")
YEAR = 2025
COLUMNS = (
    "tenant_id, survey_id, contact_id, account_id, account_segment, account_csm_id, score, category, comment, "
    "responded_at, channel, dedup_key, answer_keys, created_at, updated_at"
)


@dataclass
class SeededTenant:
    tenant_id: int
    time_zone: str
    responses: int
    key: str = ""
    accounts: list[tuple[int, str, int, list[int]]] = field(default_factory=list)  # (id, segment, csm, contacts)
    surveys: list[int] = field(default_factory=list)
    rollup_rows: int = 0
    rollup_seconds: float = 0.0


def _category(score: int) -> str:
    return "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"


def tenants_create(sizes: list[int], *, accounts: int, csms: int, surveys: int, seed: int) -> list[SeededTenant]:
    from django.contrib.auth import get_user_model

    from accounts.models import Account, Contact, Membership
    from accounts.roles import Role, Scope
    from accounts.services.api_keys import api_key_create
    from accounts.services.tenants import tenant_create
    from surveys.models import Survey

    rng = random.Random(seed)
    made = []
    stamp = int(time.time())
    for n, size in enumerate(sizes):
        zone = ZONES[n % len(ZONES)]
        tenant = tenant_create(
            name=f"NPS bench {n}", admin_email=f"admin{n}-{stamp}@bench.example", time_zone=zone
        ).tenant
        _, key = api_key_create(tenant=tenant, name="bench read", scopes=[Scope.READ])
        users = get_user_model().objects.bulk_create(
            [get_user_model()(email=f"csm{n}-{c}-{stamp}@bench.example")
             for c in range(csms)]
        )  # fmt: skip
        members = Membership.objects.for_tenant(tenant).bulk_create(
            [Membership(tenant=tenant, user=user, role=Role.CSM) for user in users]
        )
        rows = Account.objects.for_tenant(tenant).bulk_create(
            [Account(tenant=tenant, external_id=f"acct-{a}", name=f"Customer {a:05d}", segment=SEGMENTS[a % 3],
                     csm_owner=members[rng.randrange(csms)]) for a in range(accounts)],
            batch_size=2_000,
        )  # fmt: skip
        contacts = Contact.objects.for_tenant(tenant).bulk_create(
            [Contact(tenant=tenant, account=a, external_id=f"{a.external_id}-{c}",
                     email=f"u{c}@{a.external_id}.example") for a in rows for c in range(2)],
            batch_size=4_000,
        )  # fmt: skip
        by_account: dict[int, list[int]] = {}
        for contact in contacts:
            by_account.setdefault(contact.account_id, []).append(contact.pk)
        made_surveys = Survey.objects.for_tenant(tenant).bulk_create(
            [Survey(tenant=tenant, name=f"Survey {s}") for s in range(surveys)]
        )
        made.append(
            SeededTenant(
                tenant_id=tenant.pk, time_zone=zone, responses=size, key=key,
                accounts=[(a.pk, a.segment, a.csm_owner_id, by_account[a.pk]) for a in rows],
                surveys=[s.pk for s in made_surveys],
            )
        )  # fmt: skip
    return made


def answers_copy(database_url: str, tenant: SeededTenant, *, seed: int) -> None:
    """COPY the tenant's answers: spread over the year (and a day either side), one in ten to no survey."""
    rng = random.Random(seed * 1_000 + tenant.tenant_id)
    start = datetime(YEAR - 1, 12, 31, tzinfo=UTC)
    span = int(timedelta(days=367).total_seconds())
    now = datetime.now(UTC).isoformat()
    chunk = 50_000
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # ids valid by construction: skip FK triggers
        with cur.copy(f"COPY surveys_surveyresponse ({COLUMNS}) FROM STDIN") as copy:
            for first in range(0, tenant.responses, chunk):
                lines = []
                for i in range(first, min(tenant.responses, first + chunk)):
                    account_id, segment, csm, contacts = tenant.accounts[rng.randrange(len(tenant.accounts))]
                    survey = "\\N" if rng.random() < 0.1 else str(rng.choice(tenant.surveys))
                    score = rng.choices(range(11), weights=(2, 1, 1, 2, 2, 3, 4, 8, 10, 12, 9))[0]
                    at = (start + timedelta(seconds=rng.randrange(span))).isoformat()
                    lines.append(
                        f"{tenant.tenant_id}\t{survey}\t{rng.choice(contacts)}\t{account_id}\t{segment}\t{csm}\t"
                        f"{score}\t{_category(score)}\t\t{at}\tin_product\tbench-{i}\t{{}}\t{now}\t{now}\n"
                    )
                copy.write("".join(lines))


def rollup_build(tenant: SeededTenant) -> None:
    from surveys.services.nps_rollup import nps_rollup_rebuild

    started = time.perf_counter()
    tenant.rollup_rows = nps_rollup_rebuild(tenant_id=tenant.tenant_id, time_zone=tenant.time_zone)
    tenant.rollup_seconds = time.perf_counter() - started
