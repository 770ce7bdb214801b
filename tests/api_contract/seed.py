"""A tenant with one row of each resource, made through the API itself, for the contract test's path ids."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.test import APIClient

from tests.conftest import make_world

ROWS = [  # (resource, body); a value "<resource>" is the id of the row made above it
    ("accounts", {"external_id": "acme", "name": "Acme", "arr": "12000.00"}),
    ("contacts", {"external_id": "ada", "name": "Ada", "email": "ada@acme.test", "account": "<accounts>"}),
    ("products", {"key": "core", "name": "Core"}),
    ("features", {"key": "reports"}),
    ("surveys", {"name": "Quarterly NPS"}),
    ("departments", {"name": "Contract desk"}),
    ("root-causes", {"name": "Contract root cause"}),
    ("themes", {"name": "Contract theme", "department": "<departments>"}),
    ("theme-rules", {"theme": "<themes>", "phrase": "contractual"}),
    ("playbooks", {"name": "Rescue"}),
    ("alert-rules", {"name": "Turned red", "kind": "band_change", "to_band": "red"}),
    ("exchange-rates", {"currency": "EUR", "rate": "1.100000", "valid_from": "2026-01-01"}),
    (
        "renewals",
        {
            "external_id": "acme-2026",
            "account": "<accounts>",
            "term_start": "2026-01-01",
            "term_end": "2026-12-31",
            "arr_due": "1.00",
        },
    ),
    ("events", {"type": "usage", "name": "reports", "account": "<accounts>", "contact": "<contacts>"}),
    ("survey-responses", {"contact": "<contacts>", "score": 4, "comment": "Too slow"}),
    # A public literal address: it passes the destination check without DNS.
    ("webhook-endpoints", {"url": "https://93.184.216.34/hooks", "event_types": ["alert.opened"]}),
]


@dataclass
class Seeded:
    api_key_plaintext: str
    ids: dict  # resource -> the id of one of its rows
    external_ids: dict  # resource -> the external id of one of its rows
    missing: dict  # resource -> why its row could not be made


def contract_tenant_seed() -> Seeded:
    world = make_world("Contract")
    # The fuzzing sends thousands of requests a minute; the key's own limit keeps it clear of 429s.
    world.api_key.rate_limit_per_minute = 10_000_000
    world.api_key.save(update_fields=["rate_limit_per_minute"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.api_key_plaintext}")
    ids: dict = {}
    missing: dict = {}
    for resource, body in ROWS:
        data = {k: ids[v[1:-1]] if isinstance(v, str) and v.startswith("<") else v for k, v in body.items()}
        response = client.post(f"/api/v1/{resource}/", data, format="json")
        if response.status_code not in (200, 201):
            missing[resource] = response.content[:300]
            continue
        ids[resource] = response.json().get("id")
    for resource in ("alerts", "tasks", "follow-ups", "survey-sends", "arr-movements", "scorecards", "members"):
        page = client.get(f"/api/v1/{resource}/").json()
        if page["results"]:
            ids[resource] = page["results"][0]["id"]
    ids = {resource: value for resource, value in ids.items() if value is not None}
    external_ids = {resource: body["external_id"] for resource, body in ROWS if "external_id" in body}
    return Seeded(world.api_key_plaintext, ids, external_ids, missing)
