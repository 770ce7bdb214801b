"""Which models hold tenant data, and which of their rows are tenant B's.

Every installed model must be classified here, or ``test_coverage`` fails: tenant-owned models
(``accounts.tenancy.TenantOwned``) need a builder in ``world.BUILDERS``; their django-simple-history
models follow automatically (they carry ``tenant_id``); any other model must be listed in
``GLOBAL_MODELS`` with the reason it holds no tenant data (or a builder, if it does).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model
from simple_history.models import HistoricalChanges

from accounts.tenancy import is_tenant_owned

# Rows a person owns rather than a tenant (one second factor and one session serve all of a person's
# tenants): B's rows are those of B's people. label -> the lookup from the row to its person's id.
USER_OWNED: dict[str, str] = {
    "accounts.SignedInSession": "user_id",
    "accounts.TwoFactorStatus": "user_id",
    "otp_totp.TOTPDevice": "user_id",
    "otp_static.StaticDevice": "user_id",
    "otp_static.StaticToken": "device__user_id",
}

# label -> (kind, reason). Kinds with B rows: "tenant", "user", "user_owned", "logentry", "tenant_record" (a
# plain ``tenant_id`` column). "global": no tenant data.
GLOBAL_MODELS: dict[str, tuple[str, str]] = {
    "accounts.Tenant": ("tenant", "B's Tenant row itself is built (canary name/slug) and fingerprinted."),
    "accounts.User": ("user", "B's users are built (canary email/name) and fingerprinted."),
    "admin.LogEntry": ("logentry", "B's admin log (canary object_repr/change_message) is built."),
    "auth.Permission": ("global", "Django's permission catalog; no tenant data."),
    "auth.Group": ("global", "Unused (roles live on memberships) and unregistered from the admin."),
    "contenttypes.ContentType": ("global", "Model catalog; no tenant data."),
    "sessions.Session": ("global", "Opaque session blobs; the session door is tested in test_privileges."),
    "axes.AccessAttempt": ("global", "Login-failure records (username/IP), never shown to tenant members."),
    "axes.AccessAttemptExpiration": ("global", "Expiry of axes.AccessAttempt."),
    "axes.AccessFailureLog": ("global", "Login-failure log, never shown to tenant members."),
    "axes.AccessLog": ("global", "Login log, never shown to tenant members."),
    "privacy.PrivacyRecord": (
        "tenant_record",
        "Operator-level privacy audit naming its tenant by id (no foreign key: it outlives a deleted tenant); "
        "shown to superusers only. B's record is built and fingerprinted.",
    ),
    **{
        label: ("user_owned", "A person's own second factor or session: B's people's rows are built and fingerprinted.")
        for label in USER_OWNED
    },
}

# Text fields that cannot hold a canary, with the reason. Fields with ``choices`` are exempt by
# rule (their values are shared with tenant A). Historical models inherit their model's entries.
TEXT_EXEMPT: dict[tuple[str, str], str] = {
    ("accounts.Tenant", "time_zone"): "validated IANA zone name; shared values",
    ("accounts.Tenant", "currency"): "3-letter ISO code; too short for a canary",
    ("accounts.Account", "currency"): "3-letter ISO code; too short for a canary",
    ("outcomes.ExchangeRate", "currency"): "3-letter ISO code; too short for a canary",
    ("admin.LogEntry", "object_id"): "holds B's row id (numbers are checked by the id probes)",
    ("accounts.SignedInSession", "session_key"): "a live session's key (the cookie's secret), never shown",
    ("otp_totp.TOTPDevice", "key"): "the TOTP secret as hex, never shown after enrolment",
    ("notifications.OutboxEvent", "id"): "generated message id (msg_ and a uuid), the row's key",
    ("notifications.OutboxEvent", "type"): "a registered event type; shared values",
}


def is_historical(model) -> bool:
    return isinstance(model, type) and issubclass(model, HistoricalChanges) and hasattr(model, "instance_type")


def classify(model: type[Model]) -> str:
    """tenant_owned | history | tenant | user | user_owned | logentry | tenant_record | global | unclassified"""
    if is_tenant_owned(model):
        return "tenant_owned"
    if is_historical(model):
        return "history"
    kind = GLOBAL_MODELS.get(model._meta.label)
    return kind[0] if kind else "unclassified"


def history_scope(model) -> str | None:
    """How a historical model's rows name their tenant: "tenant_id", "id" (Tenant's history), or None."""
    source = model.instance_type
    if is_tenant_owned(source):
        return "tenant_id"
    if source._meta.label in USER_OWNED:
        return "user_id"
    if source._meta.label == "accounts.Tenant":
        return "id"
    return None


def exempt_reason(model, field) -> str | None:
    if getattr(field, "choices", None):
        return "choices (values shared with tenant A)"
    label = model.instance_type._meta.label if is_historical(model) else model._meta.label
    return TEXT_EXEMPT.get((label, field.name))


def rows_of_tenant(model, tenant_id: int, user_ids: list[int]):
    """The queryset of ``model``'s rows that belong to the tenant (None for global models)."""
    kind = classify(model)
    manager = model._base_manager
    if kind == "tenant_owned":
        return manager.filter(tenant_id=tenant_id)
    if kind == "history":
        scope = history_scope(model)
        if scope == "user_id":
            return manager.filter(user_id__in=user_ids)
        return manager.filter(**{scope: tenant_id}) if scope else None
    if kind == "tenant":
        return manager.filter(pk=tenant_id)
    if kind == "user":
        return manager.filter(pk__in=user_ids)
    if kind == "tenant_record":
        return manager.filter(tenant_id=tenant_id)
    if kind == "user_owned":
        return manager.filter(**{f"{USER_OWNED[model._meta.label]}__in": user_ids})
    if kind == "logentry":
        return manager.filter(user_id__in=user_ids)
    return None


def all_models() -> list[type[Model]]:
    return list(apps.get_models())
