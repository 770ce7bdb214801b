"""Tagging responses with themes: by keyword rules, and by hand."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import Membership, Tenant
from accounts.tenancy import same_tenant
from followups.keywords import KeywordRule, matching_rules
from followups.models import ResponseTheme, TaggedBy, Theme, ThemeKeywordRule
from surveys.models import SurveyResponse


def active_keyword_rules(*, tenant: Tenant) -> list[KeywordRule]:
    rows = ThemeKeywordRule.objects.for_tenant(tenant).filter(is_active=True, theme__is_active=True).order_by("pk")
    return [KeywordRule(r.pk, r.theme_id, r.phrase) for r in rows.only("pk", "theme_id", "phrase")]


def themes_apply_rules(
    *, tenant: Tenant, response: SurveyResponse, rules: list[KeywordRule] | None = None
) -> list[ResponseTheme]:
    """Tag ``response`` with the theme of every active rule its comment matches. Existing tags stay; idempotent."""
    same_tenant(tenant, response=response)
    if not (response.comment or "").strip():
        return []
    rules = active_keyword_rules(tenant=tenant) if rules is None else rules
    matched = matching_rules(response.comment, rules)
    if not matched:
        return []
    tagged = set(ResponseTheme.objects.for_tenant(tenant).filter(response=response).values_list("theme_id", flat=True))
    created = []
    for rule in matched:
        if rule.theme_id in tagged:
            continue
        tag = _tag(tenant, response, rule.theme_id, tagged_by=TaggedBy.RULE, rule_id=rule.rule_id)
        if tag is not None:
            created.append(tag)
    return created


def rules_apply_to_responses(*, tenant: Tenant, since: datetime | None = None, batch: int = 1000) -> int:
    """Apply the keyword rules to the tenant's responses (since a moment): after adding or changing rules.

    Returns how many tags were added. Works in batches: one read of existing tags and one insert per batch.
    """
    rules = active_keyword_rules(tenant=tenant)
    if not rules:
        return 0
    responses = SurveyResponse.objects.for_tenant(tenant).exclude(comment="")
    if since is not None:
        responses = responses.filter(responded_at__gte=since)
    added, last_pk = 0, 0
    while True:
        chunk = list(responses.filter(pk__gt=last_pk).order_by("pk").only("pk", "comment")[:batch])
        if not chunk:
            return added
        last_pk = chunk[-1].pk
        tagged = set(
            ResponseTheme.objects.for_tenant(tenant)
            .filter(response_id__in=[r.pk for r in chunk])
            .values_list("response_id", "theme_id")
        )
        new = [
            ResponseTheme(
                tenant=tenant, response_id=r.pk, theme_id=rule.theme_id, tagged_by=TaggedBy.RULE, rule_id=rule.rule_id
            )
            for r in chunk
            for rule in matching_rules(r.comment, rules)
            if (r.pk, rule.theme_id) not in tagged
        ]
        try:
            with transaction.atomic():
                bulk_create_with_history(new, ResponseTheme, batch_size=batch)
        except IntegrityError:
            # A tag was added meanwhile (a person, or the response's own recording): tag one by one instead.
            new = [t for t in new if _tag(tenant, t.response, t.theme_id, tagged_by=TaggedBy.RULE, rule_id=t.rule_id)]
        added += len(new)


def response_themes_set(
    *, tenant: Tenant, response: SurveyResponse, themes: Iterable[Theme], by: Membership | None = None
) -> list[ResponseTheme]:
    """Make ``themes`` the response's themes: new ones are tagged by ``by``, missing ones untagged."""
    same_tenant(tenant, response=response)
    wanted = {}
    for theme in themes:
        same_tenant(tenant, themes=theme)
        wanted[theme.pk] = theme
    with transaction.atomic():
        current = ResponseTheme.objects.for_tenant(tenant).filter(response=response)
        for tag in current:
            if tag.theme_id not in wanted:
                tag.delete()
        have = set(current.values_list("theme_id", flat=True))
        for theme_id in wanted.keys() - have:
            _tag(tenant, response, theme_id, tagged_by=TaggedBy.PERSON, member=by)
    return list(ResponseTheme.objects.for_tenant(tenant).filter(response=response).select_related("theme"))


def theme_tag(*, tenant: Tenant, response: SurveyResponse, theme: Theme, by: Membership | None = None) -> ResponseTheme:
    """Tag ``response`` with ``theme`` by hand; an existing tag (by a rule or a person) stays as it is."""
    same_tenant(tenant, response=response, theme=theme)
    existing = ResponseTheme.objects.for_tenant(tenant).filter(response=response, theme=theme).first()
    if existing is not None:
        return existing
    tag = _tag(tenant, response, theme.pk, tagged_by=TaggedBy.PERSON, member=by)
    return tag or ResponseTheme.objects.for_tenant(tenant).get(response=response, theme=theme)


def theme_untag(*, tenant: Tenant, response: SurveyResponse, theme: Theme) -> bool:
    """Remove the tag; False when the response did not carry it."""
    same_tenant(tenant, response=response, theme=theme)
    tags = ResponseTheme.objects.for_tenant(tenant).filter(response=response, theme=theme)
    removed = False
    for tag in tags:  # one at most; deleted row by row so the audit trail records it
        tag.delete()
        removed = True
    return removed


def _tag(tenant, response, theme_id, *, tagged_by, rule_id=None, member=None) -> ResponseTheme | None:
    tag = ResponseTheme(
        tenant=tenant, response=response, theme_id=theme_id, tagged_by=tagged_by, rule_id=rule_id,
        tagged_by_member=member,
    )  # fmt: skip
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError:
        return None  # tagged meanwhile by a concurrent request
    return tag
