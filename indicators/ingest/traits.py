"""Segment traits -> our Account and Contact fields; bad values reject.

A contact keeps only the traits it has fields for. An account keeps the others too, as custom
attributes (accounts/custom_attributes.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from accounts.custom_attributes import custom_attributes_clean
from accounts.models import LifecycleStage

CONTACT_FLAGS = {
    "is_executive": ("executive", "isExecutive", "is_executive"),
    "is_decision_maker": ("decisionMaker", "decision_maker", "isDecisionMaker", "is_decision_maker"),
    "is_champion": ("champion", "isChampion", "is_champion"),
}


def _first(traits: dict, *names):
    for name in names:
        if traits.get(name) not in (None, ""):
            return traits[name]
    return None


def _text(value, field: str, limit: int) -> str:
    if not isinstance(value, str | int | float):
        raise ValueError(f"traits.{field} must be text")
    text = str(value).strip()
    if len(text) > limit:
        raise ValueError(f"traits.{field} is longer than {limit} characters")
    return text


def contact_fields(traits: dict) -> dict:
    fields = {}
    if (email := traits.get("email")) not in (None, ""):
        email = _text(email, "email", 254)
        if "@" not in email:
            raise ValueError("traits.email is not an email address")
        fields["email"] = email.lower()
    name = _first(traits, "name") or " ".join(
        str(p)
        for p in (
            traits.get("firstName") or traits.get("first_name"),
            traits.get("lastName") or traits.get("last_name"),
        )
        if p
    )
    if name:
        fields["name"] = _text(name, "name", 200)
    if (title := _first(traits, "title", "jobTitle")) is not None:
        fields["title"] = _text(title, "title", 200)
    for field, names in CONTACT_FLAGS.items():
        value = _first(traits, *names)
        if value is not None:
            if not isinstance(value, bool):
                raise ValueError(f"traits.{names[0]} must be true or false")
            fields[field] = value
    return fields


# Every trait an Account field takes (under any of its names): the rest are custom attributes.
ACCOUNT_TRAITS = frozenset({
    "name", "company", "segment", "tier", "plan", "arr", "ARR", "annualRecurringRevenue", "licenses", "seats",
    "lifecycleStage", "lifecycle_stage", "renewalDate", "renewal_date",
})  # fmt: skip


def account_fields(traits: dict) -> dict:
    """The Account fields ``traits`` set; ``custom_attributes`` holds the changes to the account's
    custom attributes (merged into them, not replacing them)."""
    fields = {}
    if (name := _first(traits, "name", "company")) is not None:
        fields["name"] = _text(name, "name", 200)
    if (segment := _first(traits, "segment", "tier", "plan")) is not None:
        fields["segment"] = _text(segment, "segment", 60)
    if (arr := _first(traits, "arr", "ARR", "annualRecurringRevenue")) is not None:
        try:
            value = Decimal(str(arr))
        except InvalidOperation:
            raise ValueError("traits.arr must be a number") from None
        if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
            raise ValueError("traits.arr must be a positive amount")
        fields["arr"] = value.quantize(Decimal("0.01"))
    if (licenses := _first(traits, "licenses", "seats")) is not None:
        if isinstance(licenses, bool) or not isinstance(licenses, int) or not 0 <= licenses < 2**31:
            raise ValueError("traits.licenses must be a whole number")
        fields["licenses"] = licenses
    if (stage := _first(traits, "lifecycleStage", "lifecycle_stage")) is not None:
        if stage not in LifecycleStage.values:
            raise ValueError(f"traits.lifecycleStage must be one of {', '.join(LifecycleStage.values)}")
        fields["lifecycle_stage"] = stage
    if (renewal := _first(traits, "renewalDate", "renewal_date")) is not None:
        try:
            fields["renewal_on"] = date.fromisoformat(str(renewal)[:10])
        except ValueError:
            raise ValueError("traits.renewalDate must be a date (YYYY-MM-DD)") from None
    custom = {name: value for name, value in traits.items() if name not in ACCOUNT_TRAITS}
    if custom:
        fields["custom_attributes"] = custom_attributes_clean(custom)
    return fields
