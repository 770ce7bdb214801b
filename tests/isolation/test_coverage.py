"""The suite covers everything, and its detectors work.

- Every installed model is classified (tenant-owned with a builder, history, or global with a
  reason), and B gets a row of each with a canary in every text field and every relation set.
- Every URL the project serves is walked by one of the walks, or exempt with a reason.
- The canary scanner, the fingerprint and the walks themselves catch a leak when there is one:
  B's own people see B's canaries (so the walks look where canaries would show), and with the
  scoping deliberately broken the walks report it.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.admin.base import TenantScopedAdmin
from accounts.api.fields import TenantRelatedField
from accounts.api.viewsets import TenantScopedViewSet
from accounts.models import Account, Contact
from accounts.roles import Role
from tests.conftest import api_as
from tests.isolation.canaries import CanaryRegistry, canary, canary_email, is_text_field, tokens
from tests.isolation.fingerprint import StateChecks, fingerprint_diff
from tests.isolation.inventory import EXEMPT_ROUTES, WALKED_PREFIXES, all_routes
from tests.isolation.models import GLOBAL_MODELS, all_models, classify, exempt_reason, history_scope, rows_of_tenant
from tests.isolation.probe import Principal, Walker
from tests.isolation.world import BUILDERS

HOW_TO_ADD = (
    "Add a builder in tests/isolation/world.py (@builder('{label}')) that creates one row for tenant B with "
    "canary_fields(b, Model) and foreign keys to B's rows built earlier; or, if the model holds no tenant data, "
    "list it in GLOBAL_MODELS (tests/isolation/models.py) with the reason."
)


BUILT_KINDS = {"tenant_owned", "tenant", "user", "user_owned", "logentry", "tenant_record"}


def how(label: str) -> str:
    return HOW_TO_ADD.format(label=label)


def test_every_model_is_classified_and_has_a_builder():
    problems = []
    for model in all_models():
        label, kind = model._meta.label, classify(model)
        if kind == "unclassified":
            problems.append(f"{label} is neither tenant-owned, a history model nor listed as global. " + how(label))
        elif kind == "history" and history_scope(model) is None:
            problems.append(f"{label} records history of a model that is not tenant-owned: say which tenant owns it.")
        elif (
            kind in {"tenant_owned", "tenant", "user", "user_owned", "logentry", "tenant_record"}
            and label not in BUILDERS
        ):
            problems.append(f"{label} has no builder. " + how(label))
    for label in BUILDERS:
        assert label in {m._meta.label for m in all_models()}, f"builder for a model that no longer exists: {label}"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_b_has_a_row_of_every_model_with_canaries_everywhere(iso):
    b, problems = iso.b, []
    for model in all_models():
        qs = rows_of_tenant(model, b.tenant.pk, b.user_ids)
        if qs is None:
            continue
        rows = list(qs)
        if not rows:
            problems.append(f"tenant B has no {model._meta.label} row (its builder made none)")
            continue
        for row in rows:
            for f in model._meta.concrete_fields:
                value = getattr(row, f.attname)
                if is_text_field(f) and not exempt_reason(model, f) and not tokens(str(value or "")):
                    problems.append(f"{model._meta.label}.{f.name} of B's row {row.pk} holds no canary: {value!r}")
        if classify(model) == "tenant_owned":
            for f in model._meta.concrete_fields:
                if f.is_relation and f.null and not any(getattr(r, f.attname) for r in rows):
                    problems.append(f"no B {model._meta.label} row sets {f.name}: the walks never put it in a probe")
    assert not problems, "\n".join(problems)


def test_global_models_still_exist():
    labels = {m._meta.label for m in all_models()}
    assert set(GLOBAL_MODELS) <= labels, f"stale GLOBAL_MODELS entries: {set(GLOBAL_MODELS) - labels}"


def test_every_url_is_walked_or_exempt():
    problems = []
    for route, _ in all_routes():
        if route in EXEMPT_ROUTES or route.startswith(tuple(WALKED_PREFIXES)):
            continue
        problems.append(
            f"{route} is served but no isolation walk covers it: walk it (see tests/isolation/inventory.py) "
            "or add it to EXEMPT_ROUTES with the reason it needs none"
        )
    routes = {r for r, _ in all_routes()}
    problems += [f"stale EXEMPT_ROUTES entry {r}" for r in EXEMPT_ROUTES if r not in routes]
    assert not problems, "\n".join(problems)


# --- the detectors ---------------------------------------------------------------------------------


def test_canary_scanner_finds_b_values_but_not_what_the_request_sent():
    registry = CanaryRegistry()
    name = registry.add(canary("account.name"), "account.name")
    email = registry.add(canary_email("contact.email"), "contact.email")
    assert registry.leaks("<td>nothing here</td>") == []
    assert [leak[0] for leak in registry.leaks(f"<td>{name}</td>")] == [name]
    assert [leak[0] for leak in registry.leaks(f'"email": "{email.upper()}"')] == [email.split("@")[0]]
    assert [leak[0] for leak in registry.leaks(f"<td>{name[:-3]}…</td>")] == [name[:-3]]  # truncated display
    assert registry.leaks(f"Results for {name}", sent=[f"/admin/?q={name}"]) == []
    assert registry.leaks(f"<td>{canary('someone.else')}</td>") == []  # not one of B's


@pytest.mark.django_db
def test_fingerprint_and_references_notice_changes(iso):
    b = iso.b
    state = StateChecks(b.tenant.pk, b.user_ids)
    before = state.fingerprint()
    assert state.references() == []
    Account.unscoped.filter(pk=b.row(Account).pk).update(segment="changed")
    assert fingerprint_diff(before, state.fingerprint()) == [f"changed accounts.Account pk={b.row(Account).pk}"]
    Contact.unscoped.filter(pk=iso.a.row(Contact).pk).update(reports_to=b.row(Contact))
    assert any("accounts.Contact.reports_to" in r for r in state.references())


@pytest.mark.django_db
def test_b_sees_its_own_canaries_where_the_walks_look(iso):
    """A positive control: B's own people see B's canaries in the pages and answers A's walks read."""
    from django.test import Client

    from tests.conftest import session_client

    b = iso.b
    admin = session_client(Client(), b.memberships[Role.ADMIN])
    for url, text in (
        ("/admin/accounts/account/", b.row(Account).name),
        (f"/admin/accounts/account/{b.row(Account).pk}/change/", b.row(Account).objectives),
        (f"/admin/accounts/contact/{b.row(Contact).pk}/history/", b.row(Contact).name),
        ("/admin/", b.tenant.name),
    ):
        assert b.canaries.leaks(admin.get(url).content.decode(), sent=[url]), f"B's canary {text} not seen on {url}"
    api = api_as(b.memberships[Role.ADMIN])
    assert b.canaries.leaks(api.get("/api/v1/accounts/").content.decode())
    assert b.canaries.leaks(api.get(f"/api/v1/contacts/{b.row(Contact).pk}/").content.decode())


# --- the walks catch a leak when scoping is broken ---------------------------------------------------


def _unscoped_viewset_queryset(self):
    return self.model.unscoped.all()


def _unscoped_admin_queryset(self, request):
    return self.model._default_manager.all()


def _unscoped_related_field(self):
    return self.model.unscoped.all()


@pytest.mark.django_db
def test_the_api_walk_reports_a_broken_viewset(iso, database_backstop_off, monkeypatch):
    from tests.isolation.test_api_walk import Operation, walk_list, walk_path

    monkeypatch.setattr(TenantScopedViewSet, "get_queryset", _unscoped_viewset_queryset)
    walker = Walker(iso, "selftest")
    admin = next(p for p in iso.api_principals() if p.name == Role.ADMIN)
    from accounts.api.views import AccountViewSet

    walk_path(
        walker, admin, Operation("/api/v1/accounts/{id}/", "GET", {}), AccountViewSet, Account, iso.a.row(Account), None
    )
    walk_list(walker, admin, Operation("/api/v1/accounts/", "GET", {"parameters": []}), AccountViewSet, Account)
    kinds = {f["kind"] for f in walker.failures}
    assert {"canary", "enumeration", "foreign_row"} <= kinds, kinds


@pytest.mark.django_db
def test_the_api_walk_reports_a_relation_field_that_accepts_b_ids(iso, database_backstop_off, monkeypatch):
    from accounts.api.views import ContactViewSet
    from tests.isolation.test_api_walk import base_bodies, schema_operations, walk_body

    op = next(o for o in schema_operations(iso) if (o.path, o.method) == ("/api/v1/contacts/{id}/", "PATCH"))
    walker = Walker(iso, "selftest")
    a_row = iso.a.row(Contact)
    own_path = f"/api/v1/contacts/{a_row.pk}/"
    bases = base_bodies(walker, op, ContactViewSet, Contact, a_row, own_path, [a_row.pk])
    monkeypatch.setattr(TenantRelatedField, "get_queryset", _unscoped_related_field)
    admin = next(p for p in iso.api_principals() if p.name == Role.ADMIN)
    walk_body(walker, admin, op, Contact, bases, own_path)
    kinds = {f["kind"] for f in walker.failures}
    assert {"enumeration", "cross_ref"} <= kinds, kinds


@pytest.mark.django_db
def test_the_admin_walk_reports_a_broken_model_admin(iso, database_backstop_off, monkeypatch):
    from tests.isolation.test_admin_walk import AdminWalk

    monkeypatch.setattr(TenantScopedAdmin, "get_queryset", _unscoped_admin_queryset)
    walker = Walker(iso, "selftest")
    admin = next(p for p in iso.admin_principals() if p.name == Role.ADMIN)
    walk = AdminWalk(walker, Account)
    walk.changelist(admin)
    walk.object_routes(admin, {})
    kinds = {f["kind"] for f in walker.failures}
    assert {"canary", "foreign_row", "enumeration"} <= kinds, kinds


@pytest.mark.django_db
def test_log_entries_are_not_an_unnoticed_door(iso):
    """B's admin log names B's rows; nothing of A's may point at them (checked by the references query)."""
    state = StateChecks(iso.b.tenant.pk, iso.b.user_ids)
    from django.contrib.admin.models import CHANGE, LogEntry

    LogEntry.objects.create(
        user=iso.a.users[Role.ADMIN],
        content_type=ContentType.objects.get_for_model(Account),
        object_id=str(iso.b.row(Account).pk),
        object_repr="x",
        action_flag=CHANGE,
    )
    assert any("LogEntry" in r for r in state.references())


def _principal_names(iso):
    return [p.name for p in iso.api_principals()] + [f"session:{p.name}" for p in iso.admin_principals()]


@pytest.mark.django_db
def test_the_walks_act_as_every_kind_of_principal(iso):
    assert _principal_names(iso) == [
        "admin",
        "csm",
        "viewer",
        "key:all",
        "key:read",
        "session:admin",
        "session:csm",
        "session:viewer",
    ]
    assert all(isinstance(p, Principal) for p in iso.api_principals())


@pytest.mark.django_db
def test_the_admin_walk_reports_unscoped_raw_id_labels_and_choices(iso, database_backstop_off, monkeypatch):
    from django.contrib.admin.widgets import ForeignKeyRawIdWidget

    from accounts.admin.base import ScopedRawIdWidget, TenantScopingMixin
    from tests.isolation.test_admin_walk import AdminWalk

    monkeypatch.setattr(ScopedRawIdWidget, "label_and_url_for_value", ForeignKeyRawIdWidget.label_and_url_for_value)
    walker = Walker(iso, "selftest")
    admin = next(p for p in iso.admin_principals() if p.name == Role.ADMIN)
    AdminWalk(walker, Contact).add_page(admin)
    assert any(f["kind"] == "canary" and "contactname" in f["detail"] for f in walker.failures), walker.report()

    def unscoped_choices(self, db_field, request, **kwargs):
        kwargs["queryset"] = db_field.related_model._default_manager.all()
        return super(TenantScopingMixin, self).formfield_for_foreignkey(db_field, request, **kwargs)

    monkeypatch.setattr(TenantScopingMixin, "formfield_for_foreignkey", unscoped_choices)
    walker = Walker(iso, "selftest")
    AdminWalk(walker, Account).form_probes(
        admin,
        "/admin/accounts/account/add/",
        walker.send(admin, "GET", "/admin/accounts/account/add/"),
        sanity_expected=False,
    )
    assert {"canary", "accepted_b"} & {f["kind"] for f in walker.failures}, walker.report()


@pytest.mark.django_db
def test_the_admin_walk_reports_an_unscoped_autocomplete(iso, database_backstop_off, monkeypatch):
    from tests.isolation.test_admin_walk import walk_autocomplete

    monkeypatch.setattr(TenantScopedAdmin, "get_queryset", _unscoped_admin_queryset)
    walker = Walker(iso, "selftest")
    walk_autocomplete(walker, next(p for p in iso.admin_principals() if p.name == Role.ADMIN))
    assert {"canary", "foreign_row"} <= {f["kind"] for f in walker.failures}, walker.report()


@pytest.mark.django_db
def test_the_admin_walk_reports_an_export_of_every_tenants_rows(iso, database_backstop_off, monkeypatch):
    from accounts.admin import export
    from tests.isolation.test_admin_walk import AdminWalk

    every_tenants = export.csv_lines
    monkeypatch.setattr(export, "csv_lines", lambda rows, *args: every_tenants(rows.model._base_manager.all(), *args))
    walker = Walker(iso, "selftest")
    AdminWalk(walker, Account).changelist(next(p for p in iso.admin_principals() if p.name == Role.ADMIN))
    leaks = {f["kind"] for f in walker.failures if "/export/" in f["url"]}
    assert {"canary", "foreign_row"} <= leaks, walker.report()


@pytest.mark.django_db
def test_the_admin_walk_reports_an_unscoped_console_search(iso, database_backstop_off, monkeypatch):
    from tests.isolation.test_admin_walk import walk_console_search

    monkeypatch.setattr(TenantScopedAdmin, "get_queryset", _unscoped_admin_queryset)
    walker = Walker(iso, "selftest")
    walk_console_search(walker, next(p for p in iso.admin_principals() if p.name == Role.ADMIN))
    assert {"canary", "foreign_row", "enumeration"} <= {f["kind"] for f in walker.failures}, walker.report()
