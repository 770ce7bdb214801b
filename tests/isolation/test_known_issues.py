"""Regression tests for issues the walks once found (all fixed; they must stay fixed).

A new issue the walks find, not fixed at once, gets an entry in ``known_leaks.KNOWN_LEAKS`` and an
``xfail(strict=True)`` reproduction here; when the fix lands, both go and the test stays.
"""

from __future__ import annotations

import json

import pytest

from accounts.models import Account, Contact
from tests.isolation import known_leaks
from tests.isolation.known_leaks import KNOWN_LEAKS


def _client_for_key(plaintext):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def reproductions_missing(entries: list[dict]) -> list[str]:
    """Ids of the entries whose ``xfail(strict=True)`` reproduction is not in this module."""
    names = {name for name in globals() if name.startswith("test_")}
    return [entry["id"] for entry in entries if entry["test"].split("::")[-1] not in names]


def test_every_known_issue_has_its_reproduction():
    assert reproductions_missing(KNOWN_LEAKS) == []


def test_an_entry_without_its_reproduction_is_reported():
    entries = [
        {"id": "kept", "test": "tests/isolation/test_known_issues.py::test_head_by_external_id_never_writes"},
        {"id": "orphan", "test": "tests/isolation/test_known_issues.py::test_that_was_never_written"},
    ]
    assert reproductions_missing(entries) == ["orphan"]


def test_a_known_issue_sets_aside_only_the_failures_it_matches(monkeypatch):
    entry = {"id": "demo-leak", "match": [{"surface": "api", "route": "/api/v1/accounts/", "principal": "b-admin"}]}
    monkeypatch.setattr(known_leaks, "KNOWN_LEAKS", [entry])
    failure = {"surface": "api", "route": "/api/v1/accounts/{pk}/", "principal": "b-admin", "kind": "leak"}
    assert known_leaks.is_known(failure) is entry
    assert known_leaks.is_known({**failure, "principal": "b-viewer"}) is None
    assert known_leaks.is_known({**failure, "surface": "admin"}) is None


@pytest.mark.django_db
def test_head_by_external_id_never_writes(iso):
    account = iso.a.row(Account)
    contact = iso.a.row(Contact)
    names = (account.name, contact.name)
    _, plaintext = iso.a.keys["read"]
    client = _client_for_key(plaintext)
    body = json.dumps({"name": "renamed by a read-only key"})
    for path in (
        f"/api/v1/accounts/by-external-id/{account.external_id}/",
        f"/api/v1/contacts/by-external-id/{contact.external_id}/",
    ):
        client.generic("HEAD", path, body, content_type="application/json")
    account.refresh_from_db()
    contact.refresh_from_db()
    assert (account.name, contact.name) == names


@pytest.mark.django_db
def test_options_on_by_external_id_answers(iso):
    _, plaintext = iso.a.keys["all"]
    client = _client_for_key(plaintext)
    response = client.options(f"/api/v1/accounts/by-external-id/{iso.a.row(Account).external_id}/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_history_form_view_of_own_api_key_answers(iso):
    from django.test import Client

    from accounts.models import ApiKey
    from tests.conftest import session_client

    key = iso.a.row(ApiKey)
    version = ApiKey.history.filter(id=key.pk).values_list("history_id", flat=True).first()
    client = session_client(Client(raise_request_exception=False), iso.a.memberships["admin"])
    response = client.get(f"/admin/accounts/apikey/{key.pk}/history/{version}/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_user_history_does_not_reveal_which_user_ids_exist(iso):
    from django.test import Client

    from tests.conftest import session_client

    for role in ("admin", "csm", "viewer"):
        client = session_client(Client(), iso.a.memberships[role])
        theirs = client.get(f"/admin/accounts/user/{iso.b.users['admin'].pk}/history/")
        missing = client.get("/admin/accounts/user/999999999/history/")
        assert theirs.status_code == missing.status_code, role
