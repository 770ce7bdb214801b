"""A book of accounts by health band: how many and how much ARR in each band, per CSM who owns them.

Only current customers count (churned accounts are out of the book); an account without a score is
"not scored", never counted in a band.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When

from accounts.models import Account, LifecycleStage, Membership, Tenant
from indicators.models import Band
from indicators.selectors import UNSCORED

RISK_ORDER = (Band.RED.value, Band.YELLOW.value, Band.GREEN.value, UNSCORED)  # the order a book is shown in
ZERO = Decimal("0.00")


@dataclass
class BandMix:
    """Accounts and ARR per band key (red, yellow, green, and ``UNSCORED``)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RISK_ORDER, 0))
    arr: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(RISK_ORDER, ZERO))

    @property
    def accounts(self) -> int:
        return sum(self.counts.values())

    @property
    def total_arr(self) -> Decimal:
        return sum(self.arr.values(), ZERO)

    def add(self, band: str, count: int, arr: Decimal) -> None:
        self.counts[band] += count
        self.arr[band] += arr

    def __add__(self, other: BandMix) -> BandMix:
        mix = BandMix()
        for part in (self, other):
            for band in RISK_ORDER:
                mix.add(band, part.counts[band], part.arr[band])
        return mix

    def rows(self) -> list[tuple[str, int, Decimal]]:
        """(band key, accounts, ARR), red first."""
        return [(band, self.counts[band], self.arr[band]) for band in RISK_ORDER]


def current_accounts(*, tenant: Tenant) -> QuerySet[Account]:
    """The tenant's customers: every account that has not churned."""
    return Account.objects.for_tenant(tenant).exclude(lifecycle_stage=LifecycleStage.CHURNED)


def band_of_account():
    scored = Q(health__score__isnull=False)
    return Case(When(scored, then=F("health__band")), default=Value(UNSCORED))


def band_mix_by_owner(*, tenant: Tenant, owner: Membership | None = None) -> dict[int | None, BandMix]:
    """Each owner's current accounts and ARR by band (None: the accounts no CSM owns); ``owner`` reads one book."""
    accounts = current_accounts(tenant=tenant)
    if owner is not None:
        accounts = accounts.filter(csm_owner=owner)
    rows = (
        accounts.annotate(group=band_of_account()).values("csm_owner_id", "group")
        .annotate(n=Count("pk"), arr=Sum("arr")).order_by().values_list("csm_owner_id", "group", "n", "arr")
    )  # fmt: skip
    mixes: dict[int | None, BandMix] = {}
    for owner_id, band, count, arr in rows:
        mixes.setdefault(owner_id, BandMix()).add(band or UNSCORED, count, arr or ZERO)
    return mixes
