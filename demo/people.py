"""The demo tenant: a believable, deterministic customer base to click through.

``demo_plan(now)`` is pure: a fixed seed and the current time in, plain rows out (dates relative
to today, so the demo never looks stale). ``demo_tenant_seed()`` writes the plan idempotently:
rows are keyed by external id and upserted, so running it again refreshes rather than duplicates.
"""

from __future__ import annotations

import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import product
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AdoptionStage, ApiKey, Contact, Membership, Tenant
from accounts.roles import ALL_SCOPES, Role
from accounts.services.api_keys import api_key_create, api_key_revoke
from accounts.services.tenants import membership_set, user_get_or_create
from demo.people_vocabulary import COMPANY_HEADS, COMPANY_TAILS, FIRST_NAMES, LAST_NAMES, TEAMS
from demo.segments import SEGMENTS, documented_draw, objectives_draw, segment_draw

SEED = 20240917
TENANT = {"slug": "demo", "name": "Northwind Analytics", "time_zone": "Europe/London", "currency": "USD",
          "country": "GB", "subdivision": "ENG", "gross_margin": Decimal("0.7800")}  # fmt: skip
API_KEY_NAME = "Demo key"
ACCOUNT_COUNT = 300
BATCH = 500
# Demo only: fixed, published passwords so anyone can sign in to a local demo. Never seed them anywhere real.
DEMO_PASSWORD = "northwind-demo"
ADMIN_EMAIL = "admin@demo.csplatform.test"
PEOPLE = [
    (ADMIN_EMAIL, "Alex Morgan", Role.ADMIN),
    *((f"{n.lower().replace(' ', '.')}@demo.csplatform.test", n, Role.CSM) for n in (
        "Priya Shah", "Tom Becker", "Maria Alvarez", "James Okafor", "Sofia Lindqvist", "Daniel Kim",
    )),
    ("hannah.wright@demo.csplatform.test", "Hannah Wright", Role.VIEWER),
    ("marcus.reed@demo.csplatform.test", "Marcus Reed", Role.VIEWER),
]  # fmt: skip
CSM_EMAILS = [email for email, _, role in PEOPLE if role == Role.CSM]  # a planned account's ``csm`` indexes this


STAGE_WEIGHTS = {"onboarding": 12, "adopting": 24, "mature": 42, "renewing": 18, "churned": 4}
# Contact adoption mix per account stage: invited, activated, adopting, habitual, dormant.
ADOPTION_MIX = {
    "onboarding": (35, 40, 25, 0, 0),
    "adopting": (8, 17, 45, 18, 12),
    "mature": (3, 5, 20, 57, 15),
    "renewing": (3, 5, 22, 50, 20),
    "churned": (10, 0, 0, 0, 90),
}


@dataclass
class PlannedAccount:
    fields: dict  # Account field values
    csm: int  # index into the demo CSMs
    sponsor: str  # external id of the executive sponsor (a contact of this account)


@dataclass
class PlannedContact:
    fields: dict  # Contact field values
    account: str  # the account's external id
    reports_to: str | None  # the manager's external id


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _contract(rng: random.Random, stage: str, today: date) -> tuple[date, date]:
    """Contract start and renewal date: renewing within 90 days, the rest over the next year, churned past."""
    if stage == "onboarding":
        start = today - timedelta(days=rng.randint(3, 60))
        return start, _years_before(start, -1)
    if stage == "adopting":
        start = today - timedelta(days=rng.randint(120, 270))
        return start, _years_before(start, -1)
    offset, years = {
        "mature": (rng.randint(91, 365), rng.randint(2, 4)),
        "renewing": (rng.randint(1, 90), rng.randint(1, 3)),
        "churned": (-rng.randint(45, 200), rng.randint(1, 2)),
    }[stage]
    renewal = today + timedelta(days=offset)
    return _years_before(renewal, years), renewal


def _activity(rng: random.Random, stage: str, span: int, ended: int) -> tuple[str, int | None, int | None]:
    """Adoption stage with first/last seen as whole days ago; ``span`` days since onboarding began,
    ``ended`` days since the account churned. A stage the account is too young for falls back."""
    dormant_from = max(31, ended)  # past the tenant's default dormant_after_days
    if stage == "dormant" and span < dormant_from + 20:
        stage = "activated"
    if stage == "habitual" and span < 50:
        stage = "adopting"
    if stage == "adopting" and span < 15:
        stage = "activated"
    if stage == "invited" or span < 2:
        return "invited", None, None
    if stage == "dormant":
        last = rng.randint(dormant_from, min(dormant_from + 150, span - 20))
        return stage, rng.randint(last + 14, span - 1), last
    if stage == "activated":
        first = rng.randint(1, min(25, span - 1))
        return stage, first, rng.randint(0, first - 1)
    if stage == "adopting":
        return stage, rng.randint(14, min(120, span - 1)), rng.randint(0, 6)
    return stage, rng.randint(45, min(900, span - 1)), rng.randint(0, 1)  # habitual


def company_names() -> tuple[list[str], list[str]]:
    """(the demo customers' company names, in account order; every other name the vocabulary makes)."""
    every = [f"{h} {t}" for h, t in product(COMPANY_HEADS, COMPANY_TAILS)]
    taken = random.Random(SEED).sample(every, ACCOUNT_COUNT)
    return taken, sorted(set(every) - set(taken))


def demo_plan(now: datetime) -> tuple[list[PlannedAccount], list[PlannedContact]]:
    """Every demo account and contact. Which rows exist never depends on the date; their dates do."""
    today = now.astimezone(ZoneInfo(TENANT["time_zone"])).date()
    accounts, contacts = [], []
    for n, company in enumerate(company_names()[0], start=1):
        # Two streams per account: `shape` (who and what) never depends on today, `when` (dates) does.
        shape, when = random.Random(f"{SEED}/{n}/shape"), random.Random(f"{SEED}/{n}/when")
        accounts.append(_account(shape, when, n, company, today))
        contacts += _org_chart(shape, when, accounts[-1], company, today, now)
    return accounts, contacts


def _account(shape: random.Random, when: random.Random, n: int, company: str, today: date) -> PlannedAccount:
    segment = segment_draw(shape)
    seg = SEGMENTS[segment]
    stage = shape.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0]
    licenses = shape.randint(*seg.licenses)
    documented = documented_draw(shape, stage)
    goals = objectives_draw(shape)
    start, renewal = _contract(when, stage, today)
    kickoff = min(start + timedelta(days=when.randint(0, 7)), today)
    done = kickoff + timedelta(days=when.randint(*seg.onboarding_days))
    fields = {
        "external_id": f"acct-{n:04d}",
        "name": company,
        "segment": segment,
        "arr": Decimal(round(licenses * shape.randint(*seg.seat_price), -2)),
        "licenses": licenses,
        "lifecycle_stage": stage,
        "onboarding_started_on": kickoff,
        "onboarding_completed_on": None if stage == "onboarding" else min(done, today - timedelta(days=1)),
        "objectives_documented": documented,
        "objectives": goals if documented else "",
        "contract_start_on": start,
        "renewal_on": renewal,
    }
    return PlannedAccount(fields, csm=shape.choice(seg.csms), sponsor=f"usr-{n:04d}-01")


def _org_chart(shape, when, account: PlannedAccount, company: str, today: date, now: datetime) -> list[PlannedContact]:
    """One executive (the sponsor), managers reporting to them, individual contributors to the managers."""
    fields = account.fields
    ext, stage, seg = fields["external_id"], fields["lifecycle_stage"], SEGMENTS[fields["segment"]]
    span, ended = (today - fields["onboarding_started_on"]).days, max(0, (today - fields["renewal_on"]).days)
    ago = lambda days: None if days is None else now - timedelta(days=days, minutes=when.randint(0, 600))  # noqa: E731
    domain = company.lower().replace(" ", "-") + ".example"  # reserved TLD: never a real inbox
    teams = shape.sample(TEAMS, shape.randint(*seg.managers))
    people, emails = [], set()
    for j in range(1, shape.randint(*seg.contacts) + 1):
        first, last = shape.choice(FIRST_NAMES), shape.choice(LAST_NAMES)
        local = f"{first}.{last}".lower()
        local = local if local not in emails else f"{local}{j}"
        emails.add(local)
        if j == 1:
            title, boss = shape.choice(seg.exec_titles), None
        elif j <= len(teams) + 1:
            title, boss = teams[j - 2][0], 1
        else:
            team = shape.randrange(len(teams))
            title, boss = shape.choice(teams[team][1]), team + 2
        wanted = shape.choices(AdoptionStage.values, ADOPTION_MIX[stage])[0]
        decides = j == 1 or (boss == 1 and shape.random() < 0.3)
        adoption, first_ago, last_ago = _activity(when, wanted, span, ended)
        person = {
            "external_id": f"usr-{ext[5:]}-{j:02d}",
            "email": f"{local}@{domain}",
            "name": f"{first} {last}",
            "title": title,
            "is_executive": j == 1,
            "is_decision_maker": decides,
            "is_champion": False,
            "is_advocate": False,
            "adoption_stage": adoption,
            "first_seen_at": ago(first_ago),
            "last_seen_at": ago(last_ago),
        }
        people.append(PlannedContact(person, ext, None if boss is None else f"usr-{ext[5:]}-{boss:02d}"))
    engaged = [p.fields for p in people[1:] if p.fields["adoption_stage"] in ("adopting", "habitual")]
    if engaged and when.random() < (0.2 if stage == "churned" else 0.8):
        champion = when.choice(engaged)
        champion["is_champion"] = True
        champion["is_advocate"] = stage in ("mature", "renewing") and when.random() < 0.3
    return people


@dataclass(frozen=True)
class DemoSeeded:
    tenant: Tenant
    logins: list[tuple[str, str, str]]  # email, role, password
    api_key: ApiKey
    api_key_plaintext: str
    revoked_keys: int
    accounts: int
    contacts: int


class _Silent(nullcontext):
    """The default ``progress``: shaped like ``tqdm(total=, desc=, unit=)`` with ``update(n)``; prints nothing."""

    def __init__(self, **kwargs):
        super().__init__(self)

    def update(self, n=1):
        pass


def demo_tenant_seed(*, progress=None) -> DemoSeeded:
    """Create or refresh the demo tenant, its people and customers, and rotate its API key.

    ``progress(total=, desc=, unit=)`` returns a context manager with ``update(n)``, e.g. ``tqdm``.
    """
    progress = progress or _Silent
    accounts, contacts = demo_plan(timezone.now())
    with transaction.atomic():
        tenant = _demo_tenant()
        members = _demo_people(tenant)
        csms = [members[email] for email in CSM_EMAILS]
        rows = [Account(tenant=tenant, csm_owner=csms[a.csm], **a.fields) for a in accounts]
        # ARR, renewal date and stage are set once: after that the demo's own commercial events move them
        # (renewals and the ARR ledger), as an integration's would.
        commercial = {"arr", "renewal_on", "lifecycle_stage"}
        fields = [f for f in accounts[0].fields if f not in commercial]
        _upsert(tenant, rows, [*fields, "csm_owner", "updated_at"], progress, "Accounts")
        account_ids = dict(Account.objects.for_tenant(tenant).values_list("external_id", "pk"))
        rows = [Contact(tenant=tenant, account_id=account_ids[c.account], **c.fields) for c in contacts]
        # First/last seen are set once: after that the demo's own usage events move them.
        kept = {"first_seen_at", "last_seen_at"}
        fields = [f for f in contacts[0].fields if f not in kept]
        _upsert(tenant, rows, [*fields, "account", "updated_at"], progress, "Contacts")
        _link(tenant, Contact, "reports_to", {c.fields["external_id"]: c.reports_to for c in contacts}, progress)
        _link(tenant, Account, "executive_sponsor", {a.fields["external_id"]: a.sponsor for a in accounts}, progress)
        revoked, (key, plaintext) = _rotate_key(tenant, members[ADMIN_EMAIL].user)
    logins = [(email, role, DEMO_PASSWORD) for email, _, role in PEOPLE]
    return DemoSeeded(tenant, logins, key, plaintext, revoked, len(accounts), len(contacts))


def demo_csms(tenant: Tenant) -> list[Membership]:
    """The demo CSMs' memberships, in the order a planned account's ``csm`` indexes them."""
    members = {m.user.email: m for m in Membership.objects.for_tenant(tenant).select_related("user")}
    return [members[email] for email in CSM_EMAILS]


def _demo_tenant() -> Tenant:
    tenant = Tenant.objects.filter(slug=TENANT["slug"]).first() or Tenant(slug=TENANT["slug"])
    if tenant.pk is None or any(getattr(tenant, k) != v for k, v in TENANT.items()):
        for field, value in TENANT.items():
            setattr(tenant, field, value)
        tenant.save()  # saved only when something changed: no audit noise on re-runs
    return tenant


def _demo_people(tenant: Tenant) -> dict[str, Membership]:
    members, known = {}, None
    for email, full_name, role in PEOPLE:
        user, _ = user_get_or_create(email=email, full_name=full_name)
        known = _demo_password_set(user, known)
        membership = Membership.objects.for_tenant(tenant).filter(user=user).first()
        if membership is None or membership.role != role:
            membership = membership_set(tenant=tenant, user=user, role=role)
        members[email] = membership
    return members


def _demo_password_set(user, known: str | None) -> str:
    """Give ``user`` the published demo password (demo only); return its stored hash, for the next user.

    Hashing is slow on purpose (PBKDF2, half a second), so the demo people share one hash of the one
    public password: made, or checked, once per seed instead of once per person.
    """
    if known is not None and user.password == known:
        return known
    if known is None and user.has_usable_password() and user.check_password(DEMO_PASSWORD):
        return user.password
    user.password = known or make_password(DEMO_PASSWORD)  # also resets a changed demo password
    user.save(update_fields=["password"])
    return user.password


def _upsert(tenant: Tenant, rows: list, update_fields: list[str], progress, desc: str) -> None:
    """Insert or update by (tenant, external_id), in batches. Bulk writes skip the audit trail."""
    scoped = type(rows[0]).objects.for_tenant(tenant)
    with progress(total=len(rows), desc=desc, unit="row") as bar:
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            scoped.bulk_create(
                batch, update_conflicts=True, unique_fields=["tenant", "external_id"], update_fields=update_fields
            )
            bar.update(len(batch))


def _link(tenant: Tenant, model, field: str, targets: dict[str, str | None], progress) -> None:
    """Second pass: point ``field`` of each row (by external id) at another row, writing only changes."""
    scoped = model.objects.for_tenant(tenant)
    current = {ext: (pk, linked) for ext, pk, linked in scoped.values_list("external_id", "pk", f"{field}_id")}
    contact_ids = dict(Contact.objects.for_tenant(tenant).values_list("external_id", "pk"))
    changed = []
    for ext, target in targets.items():
        pk, linked = current[ext]
        if linked != (wanted := contact_ids[target] if target else None):
            changed.append(model(pk=pk, **{f"{field}_id": wanted}))
    with progress(total=len(changed), desc=f"Linking {field.replace('_', ' ')}", unit="row") as bar:
        for i in range(0, len(changed), BATCH):
            scoped.bulk_update(changed[i : i + BATCH], [field])
            bar.update(len(changed[i : i + BATCH]))


def _rotate_key(tenant: Tenant, admin) -> tuple[int, tuple[ApiKey, str]]:
    """Only a key's hash is stored, so each run revokes the old demo key and prints a new one."""
    old = list(ApiKey.objects.for_tenant(tenant).filter(name=API_KEY_NAME, revoked_at=None))
    for key in old:
        api_key_revoke(tenant=tenant, api_key=key)
    return len(old), api_key_create(tenant=tenant, name=API_KEY_NAME, scopes=ALL_SCOPES, created_by=admin)
