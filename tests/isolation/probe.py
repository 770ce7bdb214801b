"""Sending one probe: a request as one of A's principals, checked for every kind of leak.

Each request runs inside a savepoint that is rolled back afterwards, so probes never pile up
state (an upsert that creates A's row is undone before the next probe). If the request wrote
anything (an execute wrapper watches the SQL), the walker checks before the rollback that B's
rows are unchanged (fingerprint), that no row outside B references B, that no privilege changed
(user flags, memberships, which tenant a row belongs to) and, for GET/HEAD/OPTIONS, that A's rows
did not change either (a read never writes). The response (body, headers, redirect targets and
flash messages) must hold no B canary other than those the request itself sent.

The "no enumeration" rule, used for every B id placed in a path, body or filter: the response to
B's value must be the same as the response to a value that exists nowhere (status, redirects and
error codes). So a 403 is accepted for B's id only when the same principal gets the same 403 for a
nonexistent id, as DRF and the admin check roles before looking up the object (a viewer's PATCH is
refused before any lookup: that reveals nothing about B). Otherwise an id in a path must answer 404.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from csplatform.request_id import HEADER as REQUEST_ID_HEADER
from tests.isolation import stats
from tests.isolation.fingerprint import StateChecks, fingerprint_diff, privilege_diff
from tests.isolation.known_leaks import is_known

# Fields a read may legitimately write (bookkeeping): left out of A's fingerprint.
BOOKKEEPING = frozenset({("accounts.ApiKey", "last_used_at"), ("accounts.User", "last_login")})
# Models a read may add rows to, the audit of that read: a CSV export (a GET) is recorded in its tenant.
READ_AUDITS = frozenset({"accounts.ExportRecord"})
# Records of signing in: each walking client signs in (adding its session's row and the row's audit entry),
# and its requests mark the row seen.
SIGN_IN_RECORDS = frozenset({"accounts.SignedInSession", "accounts.HistoricalSignedInSession"})
SAFE = {"GET", "HEAD", "OPTIONS"}
LEAK_KINDS = {"canary", "b_changed", "cross_ref", "enumeration", "not_404", "privilege", "foreign_row", "accepted_b"}
NONEXISTENT_ID = 999999999


@dataclass
class Principal:
    name: str  # "admin", "csm", "viewer", "key:all", "key:read"
    client: Any
    role: str | None = None
    is_key: bool = False

    def __post_init__(self):
        self.name = str(self.name)  # Role members are str enums; keep plain text

    @property
    def may_set_roles(self) -> bool:
        return self.role == "admin" and not self.is_key


@dataclass
class Outcome:
    status: int
    chain: tuple
    text: str
    json: Any = None
    context: Any = None
    url: str = ""
    body: str = ""  # the response's content alone (``text`` also holds its headers, redirects and messages)
    content_type: str = ""

    def errors(self) -> list[tuple]:
        """(code, attr) pairs of the API's error shape, or of an admin form's errors."""
        if isinstance(self.json, dict) and isinstance(self.json.get("errors"), list):
            return sorted((e.get("code"), e.get("attr")) for e in self.json["errors"])
        form = self.form()
        if form is not None and form.errors:
            return sorted(("form", name) for name in form.errors)
        return []

    def form(self):
        if not self.context:
            return None
        adminform = _ctx(self.context, "adminform")
        return getattr(adminform, "form", None)

    def ctx(self, name):
        return _ctx(self.context, name) if self.context else None


# Written by every signed-in request (the session) and holding no tenant data.
IGNORED_TABLES = {"django_session"}
WRITE_SQL = re.compile(r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)", re.IGNORECASE)


class WriteRecorder:
    """A database execute wrapper that notes which tables a request wrote to.

    The state checks after a probe (B's fingerprint, references, privileges, A's rows for reads)
    run only when something was written, which keeps thousands of probes fast.
    """

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE_SQL.match(sql)
        if match and match.group(1) not in IGNORED_TABLES:
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)


def pending_messages(client) -> str:
    """Flash messages a response left in the cookie (shown on the next page): read, then dropped.

    Read here so they are checked against the request that produced them, and dropped so they
    never show up in the next probe's page as if that probe had leaked them.
    """
    morsel = client.cookies.pop("messages", None)
    if morsel is None or not morsel.value:
        return ""
    try:
        decoded = CookieStorage(HttpRequest())._decode(morsel.value) or []
    except Exception:
        return morsel.value
    return "\n".join(str(m) for m in decoded)


def _ctx(context, name):
    try:
        return context[name]
    except (KeyError, TypeError):
        return None


def normalized(outcome: Outcome, values=()) -> str:
    """An error body with ids and probe values blanked, so a B id and a nonexistent id compare equal."""
    text = json.dumps(outcome.json, sort_keys=True) if outcome.json is not None else outcome.text
    for value in sorted({str(v) for v in values if v is not None and str(v)}, key=len, reverse=True):
        text = text.replace(value, "<V>")
    text = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+", "", text)
    return re.sub(r"\d+", "<N>", text)


@dataclass
class Walker:
    iso: Any
    surface: str
    failures: list = field(default_factory=list)
    known: dict = field(default_factory=dict)  # known-issue id -> failures set aside
    requests: int = 0
    routes_hit: set = field(default_factory=set)

    def __post_init__(self):
        self.state = StateChecks(self.iso.b.tenant.pk, self.iso.b.user_ids)
        self.b_print = self.state.fingerprint()
        self.privileges = self.state.privileges()
        a = self.iso.a
        self.a_state = StateChecks(
            a.tenant.pk, a.user_ids, BOOKKEEPING, full=False, skip_models=READ_AUDITS | SIGN_IN_RECORDS
        )
        self.a_print = self.a_state.fingerprint()

    # --- recording -----------------------------------------------------------------------------
    def fail(self, kind: str, principal: str, method: str, url: str, detail: str, route: str = "") -> None:
        failure = {
            "kind": kind,
            "surface": self.surface,
            "principal": str(principal),
            "method": method,
            "url": url,
            "route": route,
            "detail": detail,
        }
        entry = is_known(failure)
        if entry is not None:
            self.known.setdefault(entry["id"], []).append(failure)
        else:
            self.failures.append(failure)

    def report(self) -> str:
        """Count leaks and bugs into the run's summary, and describe the unexpected ones."""
        leaks = [f for f in self.failures if f["kind"] in LEAK_KINDS]
        stats.STATS["leaks"] += len(leaks)
        stats.STATS["bugs"] += len(self.failures) - len(leaks)
        for entry_id in self.known:
            stats.STATS["known"].add(entry_id)
        lines = [f"{len(self.failures)} problem(s) in the {self.surface} walk ({self.requests} requests):"]
        for f in self.failures[:200]:
            lines.append(f"- [{f['kind']}] {f['principal']} {f['method']} {f['url']}: {f['detail']}")
        if len(self.failures) > 200:
            lines.append(f"... and {len(self.failures) - 200} more")
        return "\n".join(lines)

    # --- sending -------------------------------------------------------------------------------
    def send(
        self,
        principal: Principal,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        json_body: Any = None,
        form: dict | None = None,
        follow: bool = False,
        route: str | None = None,
        rollback: bool = True,
    ) -> Outcome | None:
        qs = urlencode(query, doseq=True) if query else ""
        url = path + ("?" + qs if qs else "")
        sent = [url, json.dumps(json_body) if json_body is not None else "", urlencode(form or {}, doseq=True)]
        try:
            match = resolve(path)
            route = route or match.route
        except Resolver404:
            route = route or path
        self.requests += 1
        self.routes_hit.add((route, method))
        stats.record(self.surface, route, method, principal.name)
        writes = WriteRecorder()
        try:
            with transaction.atomic():
                with connection.execute_wrapper(writes):
                    response = self._call(principal.client, method, url, json_body, form, follow)
                outcome = self._outcome(response, pending_messages(principal.client))
                if writes.tables:  # nothing was written: nothing to compare
                    self._check_state(principal, method, url, route)
                if rollback:
                    transaction.set_rollback(True)
        except Exception as exc:
            self.fail("error", principal.name, method, url, f"{type(exc).__name__}: {exc}", route)
            return None
        if not rollback:
            self.privileges = self.state.privileges()
            self.a_print = self.a_state.fingerprint()
        for token, where, context in self.iso.b.canaries.leaks(outcome.text, sent):
            self.fail("canary", principal.name, method, url, f"B canary {token} ({where}) in response: {context!r}")
        return outcome

    @staticmethod
    def _call(client, method, url, json_body, form, follow):
        verb = getattr(client, method.lower())
        if json_body is not None and method in SAFE:
            return client.generic(method, url, json.dumps(json_body), content_type="application/json")
        if json_body is not None:
            return verb(url, json.dumps(json_body), content_type="application/json", follow=follow)
        if form is not None:
            if method == "POST":
                return verb(url, form, follow=follow)
            return verb(url, urlencode(form, doseq=True), content_type="application/x-www-form-urlencoded")
        return verb(url, follow=follow)

    @staticmethod
    def _outcome(response, messages: str = "") -> Outcome:
        # A streamed response (a CSV export) is read whole here, inside the probe's savepoint.
        content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
        text = content.decode("utf-8", "replace")
        # X-Request-ID is fresh for every request: it tells nothing about the data behind the answer.
        headers = "\n".join(f"{k}: {v}" for k, v in response.items() if k != REQUEST_ID_HEADER)
        chain = (*(s for _, s in getattr(response, "redirect_chain", [])), response.status_code)
        redirects = "\n".join(u for u, _ in getattr(response, "redirect_chain", []))
        data = None
        if response.get("Content-Type", "").startswith("application/json") and content:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        return Outcome(
            status=response.status_code,
            chain=chain,
            text=f"{headers}\n{redirects}\n{messages}\n{text}",
            json=data,
            context=getattr(response, "context", None),
            url=response.get("Location", ""),
            body=text,
            content_type=response.get("Content-Type", ""),
        )

    def _check_state(self, principal: Principal, method: str, url: str, route: str) -> None:
        changed = fingerprint_diff(self.b_print, self.state.fingerprint())
        if changed:
            self.fail("b_changed", principal.name, method, url, "B rows changed: " + "; ".join(changed[:10]), route)
        if method in SAFE:
            # A read never writes, whoever sends it and whatever body it carries.
            wrote = fingerprint_diff(self.a_print, self.a_state.fingerprint())
            if wrote:
                self.fail("safe_write", principal.name, method, url, "A rows changed: " + "; ".join(wrote[:5]), route)
            return
        refs = self.state.references()
        if refs:
            self.fail("cross_ref", principal.name, method, url, "rows now reference B: " + "; ".join(refs[:5]), route)
        diff = privilege_diff(
            self.privileges,
            self.state.privileges(),
            acting_tenant_id=self.iso.a.tenant.pk,
            may_set_roles=principal.may_set_roles,
        )
        if diff:
            self.fail("privilege", principal.name, method, url, "; ".join(diff[:5]), route)

    # --- comparing -----------------------------------------------------------------------------
    def compare(self, principal, method, url, probe: Outcome | None, control: Outcome | None, values=()) -> bool:
        """B's value must answer exactly like a nonexistent value (status, redirects, error codes)."""
        if probe is None or control is None:
            return False
        if probe.chain != control.chain:
            self.fail(
                "enumeration",
                principal.name,
                method,
                url,
                f"B's value answers {probe.chain}, a nonexistent value answers {control.chain}",
            )
            return False
        if probe.status >= 400 and normalized(probe, values) != normalized(control, values):
            self.fail(
                "enumeration",
                principal.name,
                method,
                url,
                f"{probe.status} bodies differ for B's value and a nonexistent value: "
                f"{normalized(probe, values)[:300]!r} vs {normalized(control, values)[:300]!r}",
            )
            return False
        if probe.errors() != control.errors():
            self.fail(
                "enumeration",
                principal.name,
                method,
                url,
                f"errors differ for B's value {probe.errors()} and a nonexistent value {control.errors()}",
            )
            return False
        return True
