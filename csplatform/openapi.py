"""Postprocessing of the whole OpenAPI schema: one tag per resource; bulk bounds and conditional requirements."""

from __future__ import annotations

import re

from alerts.models.rule import KIND_FIELDS
from indicators.api.views import MAX_BULK_EVENTS
from outcomes.api.views import MAX_BULK as MAX_BULK_RENEWALS
from surveys.api.views import MAX_BULK_RESPONSES

RESOURCE = re.compile(r"^/api/v1/(?P<resource>[^/]+)/")
TAGS = {
    "accounts": "Customer accounts, also by the tenant's own external id.",
    "contacts": "People at customer accounts.",
    "members": "The tenant's people and their roles (read-only).",
    "health": "Account and contact health scores, their history and what explains them.",
    "events": "Usage, support, communication and other events, singly or in bulk.",
    "products": "The products whose usage is tracked.",
    "features": "Product features, as named by tracked events.",
    "scorecards": "How health is scored: measures, thresholds and immutable versions.",
    "gut-reads": "CSMs' own read of an account's health, for a while.",
    "surveys": "NPS and other surveys, their audience and eligibility.",
    "survey-sends": "Surveys sent to contacts.",
    "survey-responses": "Answers to surveys, singly or in bulk.",
    "nps": "NPS summaries, trends and comparisons.",
    "follow-ups": "Follow-ups of survey answers: status, activities, themes.",
    "themes": "Themes that follow-ups are tagged with.",
    "theme-rules": "Keyword rules that tag follow-ups with themes.",
    "departments": "Departments that own themes and follow-ups.",
    "root-causes": "Root causes recorded when closing follow-ups.",
    "alert-rules": "Rules that raise alerts.",
    "alerts": "Raised alerts: assign, snooze, resolve.",
    "playbooks": "Playbooks: steps that become tasks.",
    "tasks": "Tasks from playbooks and alerts.",
    "webhook-endpoints": "Where the tenant's events are sent, signed; secrets shown once; test events.",
    "renewals": "Renewals per account and term, also in bulk and by external id.",
    "arr-movements": "The ARR ledger (read-only).",
    "exchange-rates": "Currency rates used to convert ARR.",
    "outcomes": "Renewal forecasts, backtests and indicator analyses.",
    "privacy": "Erase or export a contact's data, export the whole tenant, delete the tenant after a grace period.",
    "tracking": "Segment-compatible tracking API, authenticated with a write key.",
}
# Request bodies that are arrays (or hold one) and their bounds, as the views enforce them.
BULK_BOUNDS = {
    ("/api/v1/events/bulk/", None): (1, MAX_BULK_EVENTS),
    ("/api/v1/survey-responses/bulk/", None): (1, MAX_BULK_RESPONSES),
    ("/api/v1/renewals/bulk/", "renewals"): (0, MAX_BULK_RENEWALS),
}


def _tag(path: str) -> str | None:
    if "/health/" in path:
        return "health"
    match = RESOURCE.match(path)
    return match["resource"] if match else None


def tags_by_resource(result, generator, request, public):
    """Each operation is tagged with its resource (its path's first segment); every tag is described."""
    used = set()
    for path, item in result["paths"].items():
        for operation in item.values():
            tag = _tag(path) or operation.get("tags", [None])[0]
            operation["tags"] = [tag]
            used.add(tag)
    result["tags"] = [{"name": name, "description": text} for name, text in TAGS.items() if name in used]
    result["tags"] += [{"name": name} for name in sorted(used - set(TAGS))]
    return result


def bulk_bounds_add(result, generator, request, public):
    schemas = result["components"]["schemas"]
    for (path, field), (low, high) in BULK_BOUNDS.items():
        body = result["paths"].get(path, {}).get("post", {}).get("requestBody")
        if body is None:
            continue
        schema = body["content"]["application/json"]["schema"]
        if field is not None:
            name = schema["$ref"].split("/")[-1]
            schema = schemas[name]["properties"][field]
        schema.update(minItems=low, maxItems=high)
    return result


def _one_of_the_fields_given(alternatives: dict) -> dict:
    """``anyOf`` requiring at least one of the fields, each with a non-null, non-empty value."""
    return {"anyOf": [{"required": [name], "properties": {name: schema}} for name, schema in alternatives.items()]}


def conditional_requirements_add(result, generator, request, public):
    """Requirements the serializers check across fields, as the schema can say them (or in words)."""
    schemas = result["components"]["schemas"]
    an_id, some_text = {"type": "integer"}, {"type": "string", "minLength": 1}
    events = schemas.get("EventInputRequest", {}).get("oneOf", [])
    for variant in (schemas[ref["$ref"].split("/")[-1]] for ref in events):
        # EventInputSerializer.validate: "Give account or account_external_id."
        variant.update(_one_of_the_fields_given({"account": an_id, "account_external_id": some_text}))
    if "SurveyResponseInputRequest" in schemas:
        # surveys.api.serializers.contact_from: one or more references, all naming the same contact.
        schemas["SurveyResponseInputRequest"].update(
            _one_of_the_fields_given({"contact": an_id, "contact_external_id": some_text, "contact_email": some_text})
        )
    for name in ("AlertRuleRequest", "PatchedAlertRuleRequest"):
        if name in schemas:
            needs = "; ".join(
                f"`{kind}`: {', '.join(f'`{f}`' for f in fields)}" for kind, fields in KIND_FIELDS.items()
            )
            schemas[name]["description"] = (
                f"Each kind needs its own settings (a 400 names each missing one): {needs}. "
                "Settings of other kinds are cleared."
            )
    for name in ("ScorecardRequest", "PatchedScorecardRequest"):
        if "measures" in schemas.get(name, {}).get("properties", {}):
            schemas[name]["properties"]["measures"]["minItems"] = 1  # "A scorecard needs at least one measure."
    bulk = schemas.get("BulkRenewalsBodyRequest", {}).get("properties", {}).get("renewals")
    if bulk is not None:
        # Bulk items are matched by their external id: each must carry one.
        bulk["items"] = {
            "allOf": [bulk["items"], {"required": ["external_id"], "properties": {"external_id": some_text}}]
        }
    for path, item in result["paths"].items():
        if path.endswith("/by-external-id/{external_id}/") and "put" in item:
            put = item["put"]
            put["description"] += " A body `external_id`, if given, must equal the one in the path."
            # ExternalIdUpsertMixin answers 201 when the PUT created the row.
            put["responses"]["201"] = {**put["responses"]["200"], "description": "Created."}
            put["responses"]["200"] = {**put["responses"]["200"], "description": "Updated."}
    return result


def response_fields_as_answered(result, generator, request, public):
    """Response fields that are not in every answer, said so."""
    renewal = result["components"]["schemas"].get("Renewal")
    if renewal is not None and "next_renewal" in renewal["properties"]:
        # Set by a write (null unless it opened the next term); reads leave it out.
        renewal["required"] = [name for name in renewal["required"] if name != "next_renewal"]
        renewal["properties"]["next_renewal"].update(
            nullable=True, description="After a write: the renewal it opened, if it closed this one as renewed."
        )
    return result


def nullable_as_openapi31(result, generator, request, public):
    """OpenAPI 3.1 has no ``nullable``: a null allowed is a ``null`` type (or an ``anyOf`` branch).

    Some schemas come from places that still speak 3.0 (DRF's pagination, hand-written parts), so
    this runs last and rewrites every ``nullable: true`` it finds.
    """
    _nullable_rewrite(result)
    return result


def _nullable_rewrite(node) -> None:
    if isinstance(node, list):
        for item in node:
            _nullable_rewrite(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _nullable_rewrite(value)
    if any(branch == {} for branch in node.get("oneOf", ())):
        # drf-spectacular writes a nullable free-form field as oneOf [{}, null]; {} matches null too, so
        # "exactly one" fails on every null. Either branch will do: anyOf.
        node["anyOf"] = node.pop("oneOf")
    if not node.pop("nullable", False):
        return
    kind = node.get("type")
    if isinstance(kind, str):
        node["type"] = [kind, "null"]
    elif isinstance(kind, list):
        node["type"] = kind if "null" in kind else [*kind, "null"]
    else:  # a $ref, or a choice of schemas: null as one more branch
        branches = node.pop("anyOf", None) or node.pop("oneOf", None)
        if branches is None:
            branches = [{"$ref": node.pop("$ref")}] if "$ref" in node else [{}]
        node["anyOf"] = [*branches, {"type": "null"}]
    if "enum" in node and None not in node["enum"]:
        node["enum"] = [*node["enum"], None]
