"""Privilege fields and the session door.

- ``tenant``, ``is_staff``, ``is_superuser`` and membership roles can't be set by a request that
  doesn't own them: a tenant admin's forms and API bodies never set the first three, CSMs and
  viewers never change a role (admin or API), and the walks check the same after every request.
- The admin tenant switcher never moves A's user into B, and a session whose stored active tenant
  was tampered to B's id still acts in A.
- Global models: A's members see only A's tenant and never the user admin.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.middleware import SESSION_KEY
from accounts.models import Account, Membership, Tenant, User
from accounts.roles import Role
from tests.conftest import api_as, session_client
from tests.isolation.admin_forms import page_data
from tests.isolation.canaries import fresh
from tests.isolation.probe import Principal, Walker

ROLES = (Role.ADMIN, Role.CSM, Role.VIEWER)


def admin_client(iso, role) -> Principal:
    return Principal(role, session_client(Client(), iso.a.memberships[role]), role=role)


def a_rows_only(iso, outcome) -> list:
    cl = outcome.ctx("cl")
    assert cl is not None, outcome.chain
    return [obj for obj in cl.result_list if getattr(obj, "tenant_id", iso.a.tenant.pk) != iso.a.tenant.pk]


def finish(walker: Walker) -> None:
    report = walker.report()
    assert not walker.failures, report


@pytest.mark.django_db
def test_the_tenant_switcher_never_moves_a_user_into_b(iso):
    walker = Walker(iso, "privileges")
    b_id = iso.b.tenant.pk
    for role in ROLES:
        principal = admin_client(iso, role)
        for raw in (str(b_id), f"0{b_id}", f" {b_id}", f"{b_id} ", f"{b_id}.0", f"+{b_id}", ""):
            outcome = walker.send(
                principal, "POST", "/admin/switch-tenant/", form={"tenant": raw}, follow=True, rollback=False
            )
            assert principal.client.session[SESSION_KEY] == iso.a.tenant.pk, (role, raw)
            assert outcome.ctx("active_tenant") == iso.a.tenant, (role, raw)
        listing = walker.send(principal, "GET", "/admin/accounts/account/")
        assert listing.status == 200 and not a_rows_only(iso, listing)
    finish(walker)


@pytest.mark.django_db
def test_a_session_tampered_to_b_still_acts_in_a(iso):
    walker = Walker(iso, "privileges")
    b = iso.b
    for role in ROLES:
        for make in (lambda m: session_client(Client(), m), api_as):
            client = make(iso.a.memberships[role])
            session = client.session
            session[SESSION_KEY] = b.tenant.pk
            session.save()
            principal = Principal(role, client, role=role)
            listing = walker.send(principal, "GET", "/admin/accounts/account/", rollback=False)
            assert listing.status == 200 and not a_rows_only(iso, listing), role
            assert client.session[SESSION_KEY] == iso.a.tenant.pk, "the middleware puts A back in the session"
            session = client.session
            session[SESSION_KEY] = b.tenant.pk
            session.save()
            api = walker.send(principal, "GET", "/api/v1/accounts/", rollback=False)
            assert api.status == 200
            assert {row["id"] for row in api.json["results"]} <= set(
                Account.unscoped.filter(tenant=iso.a.tenant).values_list("pk", flat=True)
            )
            for url in (
                f"/api/v1/accounts/{b.row(Account).pk}/",
                f"/admin/accounts/account/{b.row(Account).pk}/change/",
            ):
                session = client.session
                session[SESSION_KEY] = b.tenant.pk
                session.save()
                assert walker.send(principal, "GET", url, rollback=False).status == 404, (role, url)
    finish(walker)


@pytest.mark.django_db
def test_only_a_tenant_admin_changes_roles(iso):
    walker = Walker(iso, "privileges")
    target = iso.a.memberships[Role.VIEWER]
    url = f"/admin/accounts/membership/{target.pk}/change/"
    for role in (Role.CSM, Role.VIEWER):
        principal = admin_client(iso, role)
        for membership in (target, iso.a.memberships[role]):  # someone else's role, and their own
            path = f"/admin/accounts/membership/{membership.pk}/change/"
            outcome = walker.send(principal, "POST", path, form={"role": Role.ADMIN}, rollback=False)
            assert outcome.status == 403, (role, outcome.chain)
        api = Principal(role, api_as(iso.a.memberships[role]), role=role)
        for method in ("PATCH", "PUT", "POST"):
            path = f"/api/v1/members/{target.pk}/" if method != "POST" else "/api/v1/members/"
            body = {"role": Role.ADMIN, "user": iso.a.users[role].pk}
            outcome = walker.send(api, method, path, json_body=body, rollback=False)
            assert outcome.status in {403, 405}, (role, method, outcome.status)
    for name, (_, plaintext) in iso.a.keys.items():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        key = Principal(f"key:{name}", client, is_key=True)
        outcome = walker.send(
            key, "PATCH", f"/api/v1/members/{target.pk}/", json_body={"role": "admin"}, rollback=False
        )
        assert outcome.status in {403, 405}
    assert Membership.unscoped.get(pk=target.pk).role == Role.VIEWER
    for role in (Role.CSM, Role.VIEWER):
        assert Membership.unscoped.get(pk=iso.a.memberships[role].pk).role == role
    # The positive control: A's admin may (so the refused POSTs above were well-formed).
    admin = admin_client(iso, Role.ADMIN)
    page = walker.send(admin, "GET", url)
    outcome = walker.send(admin, "POST", url, form={**page_data(page), "role": Role.CSM}, rollback=False)
    assert outcome.status == 302, outcome.errors()
    assert Membership.unscoped.get(pk=target.pk).role == Role.CSM
    # ...but not in B.
    b_url = f"/admin/accounts/membership/{iso.b.memberships[Role.VIEWER].pk}/change/"
    assert walker.send(admin, "POST", b_url, form={"role": Role.ADMIN}).status == 404
    assert Membership.unscoped.get(pk=iso.b.memberships[Role.VIEWER].pk).role == Role.VIEWER
    finish(walker)


@pytest.mark.django_db
def test_a_tenant_admin_cannot_set_tenant_or_platform_flags_through_admin_forms(iso):
    walker = Walker(iso, "privileges")
    admin = admin_client(iso, Role.ADMIN)
    me = iso.a.users[Role.ADMIN]
    extras = {"tenant": str(iso.b.tenant.pk), "tenant_id": str(iso.b.tenant.pk), "is_staff": "on", "is_superuser": "on"}
    for model in (Account, Tenant, Membership):
        row = iso.a.row(model)
        path = f"/admin/accounts/{model._meta.model_name}/{row.pk}/change/"
        page = walker.send(admin, "GET", path)
        outcome = walker.send(admin, "POST", path, form={**page_data(page), **extras}, rollback=False)
        assert outcome.status == 302, (model, outcome.errors())
        row.refresh_from_db()
        assert getattr(row, "tenant_id", row.pk) == iso.a.tenant.pk
    data = {"name": "Added with extras", "external_id": fresh(), "lifecycle_stage": "onboarding", "arr": "1"}
    data |= {"licenses": "1", "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    outcome = walker.send(admin, "POST", "/admin/accounts/account/add/", form={**data, **extras}, rollback=False)
    assert outcome.status == 302, outcome.errors()
    assert Account.unscoped.get(name="Added with extras").tenant_id == iso.a.tenant.pk
    # Platform flags live on the user, whose admin tenant members cannot open (their own page included).
    for path in (f"/admin/accounts/user/{me.pk}/change/", f"/admin/accounts/user/{me.pk}/password/"):
        assert walker.send(admin, "POST", path, form={"is_staff": "on", "is_superuser": "on"}).status == 403
    me.refresh_from_db()
    assert not me.is_staff and not me.is_superuser
    finish(walker)


@pytest.mark.django_db
def test_api_bodies_cannot_set_tenant_or_platform_flags(iso):
    walker = Walker(iso, "privileges")
    principal = Principal(Role.ADMIN, api_as(iso.a.memberships[Role.ADMIN]), role=Role.ADMIN)
    for name, value in (("tenant", iso.b.tenant.pk), ("tenant_id", iso.b.tenant.pk), ("is_staff", True)):
        body = {"name": "x", "external_id": fresh(), name: value}
        for method, path in (("POST", "/api/v1/accounts/"), ("PUT", f"/api/v1/accounts/by-external-id/{fresh()}/")):
            payload = {**body, "external_id": path.split("/")[-2]} if method == "PUT" else body
            outcome = walker.send(principal, method, path, json_body=payload)
            assert outcome.status == 400, (name, method, outcome.json)
            assert name in {e["attr"] for e in outcome.json["errors"]}, outcome.json
    assert not Account.unscoped.filter(tenant=iso.b.tenant).exclude(pk=iso.b.row(Account).pk).exists()
    finish(walker)


@pytest.mark.django_db
def test_members_see_only_their_tenant_and_never_the_user_admin(iso):
    walker = Walker(iso, "privileges")
    b_user = iso.b.users[Role.ADMIN]
    for role in ROLES:
        principal = admin_client(iso, role)
        tenants = walker.send(principal, "GET", "/admin/accounts/tenant/")
        assert [t.pk for t in tenants.ctx("cl").result_list] == [iso.a.tenant.pk], role
        for path in (
            "/admin/accounts/user/",
            f"/admin/accounts/user/{b_user.pk}/change/",
            f"/admin/accounts/user/{iso.a.users[role].pk}/change/",
            "/admin/accounts/user/add/",
        ):
            assert walker.send(principal, "GET", path).status == 403, (role, path)
        index = walker.send(principal, "GET", "/admin/")
        assert [c[0] for c in index.ctx("tenant_choices")] == [iso.a.tenant.pk]
    assert User.objects.filter(pk=b_user.pk).exists()
    finish(walker)
