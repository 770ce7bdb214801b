"""Acting as tenant A's write keys, send every tracking route (/v1/...) messages naming B's identifiers.

Each route of the URLconf under ``v1/`` (a new one is picked up, and one the walk cannot build a
message for fails it) gets messages whose userId, groupId, previousId, anonymousId, messageId,
event name and traits are tenant B's values, and the same messages with values nobody holds. The
two must answer alike (a B messageId is not a "duplicate": no enumeration), B's rows must not
change, whatever the request creates must be A's, no row may point into B and the receipt must not
hold B's canaries. Principals: a key with every scope (Bearer), an ingest-only key (HTTP Basic, as
Segment's libraries send it), a read-only key (403) and an admin session (401: keys only).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from django.test import Client

from accounts.models import Account, Contact
from accounts.roles import Role, Scope
from accounts.services.api_keys import api_key_create
from indicators.models import Event, Feature
from tests.conftest import session_client
from tests.isolation.canaries import fresh
from tests.isolation.fingerprint import canaries_outside, fingerprint_diff
from tests.isolation.inventory import ingest_routes
from tests.isolation.probe import Principal, Walker

MESSAGE_TYPES = {"track", "identify", "group", "page", "screen", "alias"}
BATCH_ROUTES = {"batch", "import"}


def identifiers(world) -> dict:
    contact, account, event = world.row(Contact), world.row(Account), world.row(Event)
    manager = next(c for c in world.rows["accounts.Contact"] if c.pk != contact.pk)
    return {
        "user_id": contact.external_id,
        "previous_id": manager.external_id,
        "group_id": account.external_id,
        "anonymous_id": event.anonymous_id,
        "message_id": event.message_id,
        "event": world.row(Feature).key,
        "email": contact.email,
        "name": account.name,
    }


def nobody() -> dict:
    ids = {k: fresh() for k in ("user_id", "previous_id", "group_id", "anonymous_id", "message_id", "event", "name")}
    return {**ids, "email": fresh() + "@fresh.example"}


def message(kind: str, ids: dict, n: int = 0) -> dict:
    msg = {
        "type": kind,
        "messageId": f"{ids['message_id']}" if n == 0 else f"{ids['message_id']}-{n}",
        "userId": ids["user_id"],
        "anonymousId": ids["anonymous_id"],
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    if kind == "track":
        msg.update(event=ids["event"], properties={"plan": ids["name"]}, context={"groupId": ids["group_id"]})
    elif kind in {"page", "screen"}:
        msg.update(name=ids["event"], context={"groupId": ids["group_id"]})
    elif kind == "identify":
        msg.update(traits={"email": ids["email"], "name": ids["name"]})
    elif kind == "group":
        msg.update(groupId=ids["group_id"], traits={"name": ids["name"]})
    elif kind == "alias":
        msg.update(previousId=ids["previous_id"])
    return msg


def body_for(route: str, ids: dict) -> dict | None:
    kind = route.rstrip("/").rsplit("/", 1)[-1]
    if kind in BATCH_ROUTES:
        return {"batch": [message(k, ids, n) for n, k in enumerate(sorted(MESSAGE_TYPES))]}
    if kind in MESSAGE_TYPES:
        return message(kind, ids)
    return None


def ingest_principals(iso) -> list[Principal]:
    _, ingest_only = api_key_create(tenant=iso.a.tenant, name="Alpha ingest", scopes=[Scope.INGEST])
    basic = "Basic " + base64.b64encode(f"{ingest_only}:".encode()).decode()
    return [
        Principal("key:all", Client(headers={"Authorization": f"Bearer {iso.a.keys['all'][1]}"}), is_key=True),
        Principal("key:ingest", Client(headers={"Authorization": basic}), is_key=True),
        Principal("key:read", Client(headers={"Authorization": f"Bearer {iso.a.keys['read'][1]}"}), is_key=True),
        Principal(Role.ADMIN, session_client(Client(), iso.a.memberships[Role.ADMIN]), role=Role.ADMIN),
    ]


@pytest.mark.django_db
def test_ingest_walk(iso):
    walker = Walker(iso, "ingest")
    routes = ingest_routes()
    principals = ingest_principals(iso)
    b_ids = identifiers(iso.b)
    for route in sorted(routes):
        probe_body, control_ids = body_for(route, b_ids), nobody()
        if probe_body is None:
            walker.fail("coverage", "-", "POST", route, "no message shape for this tracking route (teach body_for)")
            continue
        control_body = body_for(route, control_ids)
        values = [*b_ids.values(), *control_ids.values()]
        for principal in principals:
            probe = walker.send(principal, "POST", "/" + route, json_body=probe_body)
            control = walker.send(principal, "POST", "/" + route, json_body=control_body)
            walker.compare(principal, "POST", f"/{route} [B's identifiers]", probe, control, values)
            if probe is not None and principal.name in {"key:all", "key:ingest"} and probe.status != 200:
                walker.fail("probe_setup", principal.name, "POST", route, f"messages rejected: {probe.text[-300:]}")
    for route in sorted(set(routes) - {r for r, _ in walker.routes_hit}):
        walker.fail("coverage", "-", "POST", route, "tracking route not walked")
    for change in fingerprint_diff(walker.b_print, walker.state.fingerprint()):
        walker.fail("b_changed", "-", "-", "-", change)
    for problem in walker.state.references() + canaries_outside(iso.b.tenant.pk, iso.b.user_ids):
        walker.fail("cross_ref", "-", "-", "-", problem)
    report = walker.report()
    assert not walker.failures, report
