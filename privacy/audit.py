"""Writing the privacy audit: who asked (by id only) and what was touched (counts only)."""

from __future__ import annotations

from privacy.models import PrivacyAction, PrivacyRecord


def actor_label(*, user=None, api_key=None) -> str:
    """``user:<id>`` or ``key:<prefix>``, else ``command`` (an operator at the command line)."""
    if user is not None and getattr(user, "pk", None) is not None:
        return f"user:{user.pk}"
    if api_key is not None:
        return f"key:{api_key.prefix}"
    return "command"


def privacy_record(
    *, tenant_id: int, action: PrivacyAction, actor: str, subject_id=None, counts: dict | None = None
) -> PrivacyRecord:
    return PrivacyRecord.objects.create(
        tenant_id=tenant_id, action=action, actor=actor,
        subject_id="" if subject_id is None else str(subject_id), counts=counts or {},
    )  # fmt: skip
