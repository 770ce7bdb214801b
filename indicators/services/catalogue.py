"""Changing the product catalogue: merging features."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Tenant
from accounts.tenancy import same_tenant
from indicators.models import Feature


class MergeRefused(ValueError):
    """The merge would point a feature at itself."""


def feature_merge_target(*, into: Feature) -> Feature:
    """Where usage merged into ``into`` ends up: ``into``, or its own target if it is merged."""
    return into.merged_into if into.merged_into_id else into


def feature_merge(*, tenant: Tenant, feature: Feature, into: Feature) -> Feature:
    """From now on, usage of ``feature`` counts as usage of ``into`` (events already counted stay put).

    Merges never chain, because the ingest path resolves one hop: a target that is itself merged
    resolves to its own target, and features already merged into ``feature`` follow it.
    """
    same_tenant(tenant, feature=feature, into=into)
    target = feature_merge_target(into=into)
    if target.pk == feature.pk:
        raise MergeRefused("A feature cannot be merged into itself.")
    with transaction.atomic():
        # One save per row (few rows), so each change lands in the audit trail.
        followers = list(Feature.objects.for_tenant(tenant).filter(merged_into=feature).order_by("pk"))
        for row in [*followers, feature]:
            row.merged_into = target
            row.save(update_fields=["merged_into"])
    return feature
