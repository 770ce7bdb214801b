"""Scorecard changes: each one becomes a new immutable version, and the accounts it scores are rescored.

Two ways in. The API hands a whole definition to ``scorecard_save``; the admin saves the rows
itself (the scorecard form and its measures inline) and then calls ``scorecard_changed``. Both end
the same way: a version when the definition differs from the current one, and, after commit, a
rescore of the accounts the scorecard applies to (``indicators.rescore_scorecard``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.background import enqueue_on_commit
from accounts.models import Tenant, User
from accounts.tenancy import same_tenant
from indicators import engine
from indicators.engine.definition import DefinitionError, definition_from_engine, scorecard_from_definition
from indicators.models import Scorecard, ScorecardMeasure, ScorecardVersion
from indicators.scoring.recompute import TASK_ACCOUNTS
from indicators.scoring.scorecards import scorecard_rescore_targets

DEFAULT_KEY = "default"
DEFAULT_NAME = "Default scorecard"
MEASURE_FIELDS = ("indicator", "weight", "rule", "lower", "upper", "bands", "outside_points", "no_data_points")


@dataclass(frozen=True, slots=True)
class ScorecardSaved:
    scorecard: Scorecard
    version: ScorecardVersion | None  # None when nothing changed
    rescoring: int  # accounts whose rescore was enqueued


def scorecard_definition(scorecard: Scorecard, measures=None) -> dict:
    """The definition the rows hold now (``measures``: the scorecard's rows unless given)."""
    if measures is None:
        measures = scorecard.measures.all() if scorecard.pk else []
    return {
        "name": scorecard.name,
        "key": scorecard.key,
        "is_default": scorecard.is_default,
        "segments": list(scorecard.segments),
        "lifecycle_stages": list(scorecard.lifecycle_stages),
        "green_min": scorecard.green_min,
        "yellow_min": scorecard.yellow_min,
        "gut_weight": scorecard.gut_weight,
        "measures": [m.definition() for m in sorted(measures, key=lambda m: (m.position, m.pk or 0))],
    }


def scorecard_validate(definition: dict, *, key: str) -> engine.Scorecard:
    """The engine scorecard of ``definition``; ``ValidationError`` naming the field otherwise."""
    try:
        return scorecard_from_definition(definition, key=key)
    except DefinitionError as exc:
        raise ValidationError({exc.field: exc.message}) from None


@transaction.atomic
def scorecard_save(
    *, tenant: Tenant, scorecard: Scorecard, measures: list[dict] | None, changed_by: User | None
) -> ScorecardSaved:
    """Save ``scorecard``'s fields and (when given) replace its measures; version and rescore if it changed.

    ``measures`` are dicts of ``MEASURE_FIELDS``; None keeps the current ones.
    """
    if scorecard.pk is None:
        scorecard.tenant = tenant
        scorecard.key = scorecard.key or _unique_key(tenant, scorecard.name)
    else:
        same_tenant(tenant, scorecard=scorecard)
    if measures is not None:
        rows = [
            ScorecardMeasure(tenant=tenant, position=n, **{f: m[f] for f in MEASURE_FIELDS if f in m})
            for n, m in enumerate(measures)
        ]
    else:
        rows = list(scorecard.measures.all()) if scorecard.pk else []
    scorecard.full_clean()
    scorecard_validate(scorecard_definition(scorecard, rows), key=scorecard.key)
    default_take(tenant=tenant, scorecard=scorecard, changed_by=changed_by)
    scorecard.save()
    if measures is not None:
        scorecard.measures.all().delete()
        for row in rows:
            row.scorecard = scorecard
        ScorecardMeasure.objects.for_tenant(tenant).bulk_create(rows)
    return scorecard_changed(tenant=tenant, scorecard=scorecard, changed_by=changed_by)


def default_take(*, tenant: Tenant, scorecard: Scorecard, changed_by: User | None) -> None:
    """When ``scorecard`` becomes the default, the previous default stops being it (and gets a version)."""
    if not scorecard.is_default:
        return
    previous = list(Scorecard.objects.for_tenant(tenant).filter(is_default=True).exclude(pk=scorecard.pk))
    for card in previous:
        card.is_default = False
        card.save(update_fields=["is_default", "updated_at"])  # before ours is saved: one default at a time
        _version_record(tenant=tenant, scorecard=card, changed_by=changed_by)


@transaction.atomic
def scorecard_changed(*, tenant: Tenant, scorecard: Scorecard, changed_by: User | None) -> ScorecardSaved:
    """Record the rows as a new version if they differ from the current one; enqueue the rescore after commit."""
    version = _version_record(tenant=tenant, scorecard=scorecard, changed_by=changed_by)
    if version is None:
        return ScorecardSaved(scorecard, None, 0)
    targets = scorecard_rescore_targets(tenant=tenant, scorecard=scorecard)
    _enqueue_rescore(tenant=tenant, scorecard=scorecard)
    return ScorecardSaved(scorecard, version, len(targets))


def _version_record(*, tenant: Tenant, scorecard: Scorecard, changed_by: User | None) -> ScorecardVersion | None:
    definition = scorecard_definition(scorecard)
    scorecard_validate(definition, key=scorecard.key)
    current = ScorecardVersion.objects.for_tenant(tenant).filter(scorecard=scorecard, number=scorecard.version).first()
    if current is not None and current.definition == definition:
        return None
    # Lock the row so two concurrent saves cannot both take the next number.
    locked = Scorecard.objects.for_tenant(tenant).select_for_update().get(pk=scorecard.pk)
    number = locked.version + 1
    version = ScorecardVersion.objects.create(
        tenant=tenant, scorecard=scorecard, number=number, definition=definition, changed_by=changed_by
    )
    Scorecard.objects.for_tenant(tenant).filter(pk=scorecard.pk).update(version=number)
    scorecard.version = number
    return version


def _enqueue_rescore(*, tenant: Tenant, scorecard: Scorecard) -> None:
    from indicators.tasks import rescore_scorecard

    enqueue_on_commit(rescore_scorecard, tenant_id=tenant.pk, scorecard_id=scorecard.pk)


@transaction.atomic
def scorecard_delete(*, tenant: Tenant, scorecard: Scorecard) -> int:
    """Delete a scorecard that is not the default; its accounts are rescored with what applies next."""
    same_tenant(tenant, scorecard=scorecard)
    if scorecard.is_default:
        raise ValidationError({"is_default": "The default scorecard cannot be deleted: make another one the default."})
    targets = scorecard_rescore_targets(tenant=tenant, scorecard=scorecard)
    scorecard.delete()
    from indicators.tasks import recompute_accounts

    for start in range(0, len(targets), TASK_ACCOUNTS):
        enqueue_on_commit(recompute_accounts, tenant_id=tenant.pk, account_ids=targets[start : start + TASK_ACCOUNTS])
    return len(targets)


@transaction.atomic
def scorecard_default_create(*, tenant: Tenant, changed_by: User | None = None) -> Scorecard:
    """The tenant's default scorecard, created from ``engine.DEFAULT_SCORECARD`` if it has none (idempotent)."""
    existing = Scorecard.objects.for_tenant(tenant).filter(is_default=True).first()
    if existing is not None:
        return existing
    definition = definition_from_engine(
        engine.DEFAULT_SCORECARD, name=DEFAULT_NAME, key=_unique_key(tenant, DEFAULT_KEY), is_default=True
    )
    scorecard = Scorecard(
        name=definition["name"],
        key=definition["key"],
        is_default=True,
        green_min=definition["green_min"],
        yellow_min=definition["yellow_min"],
        gut_weight=definition["gut_weight"],
    )
    return scorecard_save(
        tenant=tenant, scorecard=scorecard, measures=definition["measures"], changed_by=changed_by
    ).scorecard


def _unique_key(tenant: Tenant, name: str) -> str:
    base = slugify(name)[:40] or "scorecard"
    taken = set(Scorecard.objects.for_tenant(tenant).filter(key__startswith=base).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key
