"""Bad input gets a clear 4xx naming the field and the problem, never a 500."""

import gzip
import json

import pytest

from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def errors_of(response):
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    return {(e["attr"], e["code"]) for e in body["errors"]}


def test_malformed_json_is_a_parse_error(key_client_a):
    response = key_client_a.generic("POST", "/api/v1/accounts/", '{"name": "x",', content_type="application/json")
    assert response.status_code == 400
    assert errors_of(response) == {(None, "parse_error")}


def test_deeply_nested_json_is_a_parse_error_not_a_crash(key_client_a):
    body = "[" * 100_000 + "]" * 100_000
    response = key_client_a.generic("POST", "/api/v1/accounts/", body, content_type="application/json")
    assert response.status_code in (400, 413)


def test_nan_is_not_json(key_client_a):
    response = key_client_a.generic(
        "POST", "/api/v1/accounts/", '{"external_id": "n", "name": "n", "arr": NaN}', content_type="application/json"
    )
    assert response.status_code == 400


def test_wrong_types_name_each_field(key_client_a):
    response = key_client_a.post(
        "/api/v1/accounts/",
        {"external_id": "t", "name": "T", "licenses": "many", "arr": "lots", "renewal_on": "soon", "csm_owner": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert errors_of(response) == {
        ("licenses", "invalid"),
        ("arr", "invalid"),
        ("renewal_on", "invalid"),
        ("csm_owner", "incorrect_type"),
    }


def test_unknown_foreign_key_is_rejected(key_client_a, world_a):
    response = key_client_a.post("/api/v1/contacts/", {"external_id": "c", "account": 987654321}, format="json")
    assert response.status_code == 400
    assert errors_of(response) == {("account", "does_not_exist")}


def test_over_long_strings_are_rejected_with_the_limit(key_client_a):
    response = key_client_a.post("/api/v1/accounts/", {"external_id": "l", "name": "x" * 201}, format="json")
    assert response.status_code == 400
    assert errors_of(response) == {("name", "max_length")}


def test_unknown_and_privilege_fields_are_rejected_by_name(key_client_a, world_b):
    response = key_client_a.post(
        "/api/v1/accounts/",
        {"external_id": "p", "name": "P", "tenant": world_b.tenant.pk, "colour": "red"},
        format="json",
    )
    assert response.status_code == 400
    assert errors_of(response) == {("tenant", "unknown_field"), ("colour", "unknown_field")}


def test_a_json_array_where_an_object_is_expected(key_client_a):
    response = key_client_a.post("/api/v1/accounts/", [1, 2], format="json")
    assert response.status_code == 400


def test_oversized_bodies_get_413(key_client_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = '{"external_id": "big", "name": "' + "x" * 20_000 + '"}'
    response = key_client_a.generic("POST", "/api/v1/accounts/", body, content_type="application/json")
    assert response.status_code == 413
    assert errors_of(response) == {(None, "request_too_large")}


def test_unsupported_media_type(key_client_a):
    response = key_client_a.generic("POST", "/api/v1/accounts/", gzip.compress(b"{}"), content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"arr": "-5"}, {("arr", "min_value")}),
        ({"licenses": -1}, {("licenses", "min_value")}),
        (
            {"onboarding_started_on": "2026-05-01", "onboarding_completed_on": "2026-04-01"},
            {("onboarding_completed_on", "invalid")},
        ),
    ],
)
def test_values_out_of_their_domain_are_rejected(key_client_a, fields, expected):
    response = key_client_a.post("/api/v1/accounts/", {"external_id": "d", "name": "D", **fields}, format="json")
    assert response.status_code == 400
    assert errors_of(response) == expected


def test_invalid_filter_values_are_400_naming_the_filter(key_client_a):
    response = key_client_a.get("/api/v1/accounts/?renewal_on_after=not-a-date&lifecycle_stage=bogus")
    assert response.status_code == 400
    attrs = {attr for attr, _ in errors_of(response)}
    assert {"renewal_on_after", "lifecycle_stage"} <= attrs  # the parameter sent, not the filter behind it


def test_unknown_api_urls_answer_json_404(key_client_a):
    response = key_client_a.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"


def test_non_numeric_id_in_path_is_404(key_client_a):
    assert key_client_a.get("/api/v1/accounts/abc/").status_code == 404


def test_method_not_allowed_has_the_error_shape(key_client_a, world_a):
    contact = ContactFactory(account=AccountFactory(tenant=world_a.tenant))
    response = key_client_a.post(f"/api/v1/contacts/{contact.pk}/", {}, format="json")
    assert response.status_code == 405 and errors_of(response) == {(None, "method_not_allowed")}


def handled(exc):
    from accounts.api.errors import exception_handler

    response = exception_handler(exc, {"view": None, "request": None})
    return response.status_code, [(e["attr"], e["code"], e["detail"]) for e in response.data["errors"]]


def test_a_services_validation_error_is_a_400_naming_each_field_with_its_code():
    from django.core.exceptions import ValidationError

    exc = ValidationError({"status": ValidationError("Closed.", code="closed"), "note": "Required."})
    assert handled(exc) == (400, [("status", "closed", "Closed."), ("note", "invalid", "Required.")])


def test_a_validation_error_of_no_field_is_a_non_field_error_as_drf_reports_it():
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    assert handled(ValidationError("Too late.", code="late")) == (400, [("non_field_errors", "late", "Too late.")])
    model_clean = ValidationError({NON_FIELD_ERRORS: ["Overlaps."]})
    assert handled(model_clean) == (400, [("non_field_errors", "invalid", "Overlaps.")])


@pytest.mark.parametrize("value", ["\ud83d", "bad \udfff end", "\x00"])
def test_an_error_quoting_unstorable_text_is_still_a_400(key_client_a, value):
    """A choice's error quotes the value sent; half an emoji must not make the answer unwritable."""
    body = json.dumps({"external_id": "s", "name": "S", "lifecycle_stage": value})
    response = key_client_a.generic("POST", "/api/v1/accounts/", body, content_type="application/json")
    assert response.status_code == 400
    assert errors_of(response) == {("lifecycle_stage", "invalid_choice")}
