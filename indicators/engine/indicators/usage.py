"""Usage and adoption: active users and their trends, license utilization, breadth and depth of use."""

from __future__ import annotations

from indicators.engine.declaration import NO_DATA, Category, Direction, Indicator, Kind, Value
from indicators.engine.index import AccountIndex, ContactView

LOW_UTILIZATION_PCT = 40.0  # below this share of licenses active in 30 days, utilization counts as low
SLOPE_WEEKS = 8


def _change_pct(current: float, previous: float) -> Value:
    return NO_DATA if previous <= 0 else 100.0 * (current - previous) / previous


def dau(ix: AccountIndex) -> Value:
    return sum(ix.daily_active[:7]) / 7 if ix.covers_rollups(7) else NO_DATA


def dau_trend(ix: AccountIndex) -> Value:
    if not ix.covers_rollups(14):
        return NO_DATA
    return _change_pct(sum(ix.daily_active[:7]), sum(ix.daily_active[7:14]))


def wau(ix: AccountIndex) -> Value:
    return float(ix.distinct_users(7)) if ix.covers_rollups(7) else NO_DATA


def wau_trend(ix: AccountIndex) -> Value:
    return _change_pct(ix.distinct_users(7), ix.distinct_users(7, 7)) if ix.covers_rollups(14) else NO_DATA


def mau(ix: AccountIndex) -> Value:
    return float(ix.distinct_users(30)) if ix.covers_rollups(30) else NO_DATA


def mau_trend(ix: AccountIndex) -> Value:
    return _change_pct(ix.distinct_users(30), ix.distinct_users(30, 30)) if ix.covers_rollups(60) else NO_DATA


def license_utilization(ix: AccountIndex) -> Value:
    if not ix.account.licenses or not ix.covers_rollups(30):
        return NO_DATA
    return 100.0 * ix.distinct_users(30) / ix.account.licenses


def low_license_utilization(ix: AccountIndex) -> Value:
    utilization = license_utilization(ix)
    return NO_DATA if utilization is NO_DATA else float(utilization < LOW_UTILIZATION_PCT)


def adoption_slope(ix: AccountIndex) -> Value:
    """Least-squares slope of weekly active users over 8 weeks, as a % of their mean per week."""
    if not ix.covers_rollups(7 * SLOPE_WEEKS):
        return NO_DATA
    weekly = [ix.distinct_users(7, 7 * week) for week in range(SLOPE_WEEKS - 1, -1, -1)]  # oldest first
    mean_y = sum(weekly) / SLOPE_WEEKS
    if mean_y == 0:
        return NO_DATA
    mean_x = (SLOPE_WEEKS - 1) / 2
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(weekly))
    denominator = sum((x - mean_x) ** 2 for x in range(SLOPE_WEEKS))
    return 100.0 * numerator / denominator / mean_y


def product_stack_share(ix: AccountIndex) -> Value:
    total = ix.tenant.products_in_catalogue
    return 100.0 * ix.account.products_subscribed / total if total else NO_DATA


def _features_share(features: dict[str, int], catalogue) -> Value:
    if not catalogue:
        return NO_DATA
    return 100.0 * sum(1 for key, count in features.items() if count and key in catalogue) / len(catalogue)


def _core_share(features: dict[str, int], catalogue) -> Value:
    total = sum(features.values())
    if not total or not any(catalogue.values()):
        return NO_DATA
    return 100.0 * sum(count for key, count in features.items() if catalogue.get(key)) / total


def _core_used(features: dict[str, int], catalogue) -> Value:
    if not any(catalogue.values()):
        return NO_DATA
    return float(sum(1 for key, count in features.items() if count and catalogue.get(key)))


def _by_level(compute):
    """Account and contact versions of a computation over 30 days of usage by feature."""

    def account(ix: AccountIndex) -> Value:
        return compute(ix.features_30, ix.tenant.features) if ix.covers_rollups(30) else NO_DATA

    def contact(cv: ContactView) -> Value:
        return compute(cv.features_30, cv.index.tenant.features) if cv.index.covers_rollups(30) else NO_DATA

    return account, contact


features_share, contact_features_share = _by_level(_features_share)
core_share, contact_core_share = _by_level(_core_share)
core_used, contact_core_used = _by_level(_core_used)


def usage_events(ix: AccountIndex) -> Value:
    return float(sum(ix.daily_usage[:30])) if ix.covers_rollups(30) else NO_DATA


def contact_usage_events(cv: ContactView) -> Value:
    return float(cv.usage_30) if cv.index.covers_rollups(30) else NO_DATA


def usage_trend(ix: AccountIndex) -> Value:
    return _change_pct(sum(ix.daily_usage[:30]), sum(ix.daily_usage[30:60])) if ix.covers_rollups(60) else NO_DATA


def contact_usage_trend(cv: ContactView) -> Value:
    return _change_pct(cv.usage_30, cv.usage_prev_30) if cv.index.covers_rollups(60) else NO_DATA


def contact_active_days(cv: ContactView) -> Value:
    return float(cv.active_days(30)) if cv.index.covers_rollups(30) else NO_DATA


def contact_days_since_usage(cv: ContactView) -> Value:
    days = cv.days_since_usage()
    return NO_DATA if days is None else float(days)


TRAIN = "Offer a training session to the account's teams"
CORE = "Walk the users through the core value features"
WHY_LESS = "Find out why fewer people use the product and re-engage them"


def _declare(**fields) -> Indicator:
    fields.setdefault("kind", Kind.LEADING)
    fields.setdefault("direction", Direction.HIGHER_IS_BETTER)
    return Indicator(category=Category.USAGE, **fields)


def _users(key: str, label: str, window: int, compute, action: str = TRAIN, unit: str = "users") -> Indicator:
    return _declare(key=key, label=label, window_days=window, unit=unit, action=action, account=compute)


INDICATORS = (
    _users("dau", "Daily active users (7-day average)", 7, dau),
    _users("dau_trend_pct", "Daily active users, change vs the week before", 14, dau_trend, WHY_LESS, "%"),
    _users("wau", "Active users (7d)", 7, wau),
    _users("wau_trend_pct", "Active users (7d), change vs the week before", 14, wau_trend, WHY_LESS, "%"),
    _users("mau", "Active users (30d)", 30, mau),
    _users("mau_trend_pct", "Active users (30d), change vs the 30 days before", 60, mau_trend, WHY_LESS, "%"),
    _declare(
        key="license_utilization",
        label="License utilization (30d)",
        window_days=30,
        unit="%",
        action="Help the account roll the product out to its unused seats",
        account=license_utilization,
        description="Active users over 30 days per license purchased.",
    ),
    _declare(
        key="low_license_utilization",
        label="Low license utilization",
        kind=Kind.LAGGING,
        window_days=30,
        unit="flag",
        direction=Direction.LOWER_IS_BETTER,
        action="Build a roll-out plan with the account before renewal",
        account=low_license_utilization,
        description=f"1 when license utilization is below {LOW_UTILIZATION_PCT:g}%.",
    ),
    _declare(
        key="adoption_slope_pct",
        label="Adoption trend (weekly active users, 8 weeks)",
        window_days=7 * SLOPE_WEEKS,
        unit="% per week",
        action="Find out why adoption is declining and re-engage the teams",
        account=adoption_slope,
        description="Least-squares slope of weekly active users as a share of their mean; negative is declining.",
    ),
    _declare(
        key="features_used_share",
        label="Features used (30d)",
        window_days=30,
        unit="%",
        action="Show the account the features they have not discovered yet",
        account=features_share,
        contact=contact_features_share,
        description="Share of the tenant's feature catalogue used.",
    ),
    _declare(
        key="product_stack_share",
        label="Product stack subscribed",
        window_days=None,
        unit="%",
        action="Explore which other products would serve the account",
        account=product_stack_share,
    ),
    _declare(
        key="core_feature_usage_share",
        label="Usage on core value features (30d)",
        window_days=30,
        unit="%",
        action=CORE,
        account=core_share,
        contact=contact_core_share,
    ),
    _declare(
        key="core_features_used",
        label="Core value features used (30d)",
        window_days=30,
        unit="features",
        action=CORE,
        account=core_used,
        contact=contact_core_used,
    ),
    _declare(
        key="usage_events_30d",
        label="Usage events (30d)",
        window_days=30,
        unit="events",
        action=TRAIN,
        account=usage_events,
        contact=contact_usage_events,
    ),
    _declare(
        key="usage_trend_pct",
        label="Usage events (30d), change vs the 30 days before",
        window_days=60,
        unit="%",
        action="Find out why usage is falling",
        account=usage_trend,
        contact=contact_usage_trend,
    ),
    _declare(
        key="active_days_30d",
        label="Active days (30d)",
        window_days=30,
        unit="days",
        action="Help this user build a habit",
        contact=contact_active_days,
    ),
    _declare(
        key="days_since_last_usage",
        label="Days since last usage",
        window_days=None,
        unit="days",
        direction=Direction.LOWER_IS_BETTER,
        action="Reach out to this user",
        contact=contact_days_since_usage,
    ),
)
