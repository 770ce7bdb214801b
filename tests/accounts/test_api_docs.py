import pytest
from drf_spectacular.validation import validate_schema

from indicators.models import Scorecard, ScorecardVersion

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_api(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/accounts/by-external-id/{external_id}/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"


def test_interactive_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower()


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_each_operation_is_tagged_with_its_resource_and_every_tag_is_described(schema):
    tags = {tag["name"]: tag.get("description") for tag in schema["tags"]}
    assert all(tags.values()), tags
    assert {"accounts", "contacts", "members", "events", "health", "scorecards", "surveys", "survey-responses"} <= set(
        tags
    )
    assert {"follow-ups", "alerts", "playbooks", "tasks", "renewals", "tracking"} <= set(tags)
    by_path = {(path, method): operation["tags"] for path, method, operation in operations(schema)}
    assert by_path["/api/v1/accounts/", "get"] == ["accounts"]
    assert by_path["/api/v1/accounts/{id}/health/", "get"] == ["health"]
    assert by_path["/api/v1/survey-responses/bulk/", "post"] == ["survey-responses"]
    assert by_path["/v1/batch", "post"] == ["tracking"]
    assert all(len(tags_) == 1 and tags_[0] in tags for tags_ in by_path.values())


def test_every_operation_documents_its_errors_in_the_one_error_shape(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"400", "401", "403", "429"}
        if "{" in path:
            expected.add("404")
        if method in ("post", "put", "patch"):
            expected |= {"413"}
        if path.startswith("/api/") and method in ("post", "put", "patch") and "requestBody" in operation:
            expected |= {"409", "415"}
        assert expected <= set(responses), (method, path, sorted(responses))
        assert "Retry-After" in responses["429"]["headers"], (method, path)
        if path.startswith("/api/"):
            for status in expected:
                assert responses[status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"
                }, (method, path, status)
    error = schema["components"]["schemas"]["ErrorResponse"]
    assert set(error["required"]) == {"type", "errors"}
    item = schema["components"]["schemas"]["Error"]
    assert set(item["required"]) == {"code", "detail", "attr"} and "null" in item["properties"]["attr"]["type"]


def test_a_validation_error_names_the_fields_it_may_be_about(schema):
    description = schema["paths"]["/api/v1/accounts/"]["post"]["responses"]["400"]["description"]
    assert "`external_id`" in description and "`renewal_on`" in description


def test_list_operations_document_limit_cursor_and_ordering(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/accounts/"]["get"]["parameters"]}
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["cursor"]["schema"]["type"] == "string"
    assert {"name", "-name", "arr", "-created_at"} <= set(parameters["ordering"]["schema"]["enum"])
    assert "tenant" not in parameters["ordering"]["schema"]["enum"]


def test_write_bodies_that_reject_unknown_fields_say_so(schema):
    components = schema["components"]["schemas"]
    for name in ("AccountRequest", "PatchedAccountRequest", "ContactRequest", "RenewalRequest", "ScorecardRequest"):
        assert components[name]["additionalProperties"] is False, name
    body = schema["paths"]["/api/v1/events/bulk/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert (body["minItems"], body["maxItems"]) == (1, 1000)
    renewals = components["BulkRenewalsBodyRequest"]["properties"]["renewals"]
    assert renewals["maxItems"] == 500


def test_scorecard_versions_are_documented_as_the_plain_list_they_are(schema, key_client_a, world_a):
    scorecard = Scorecard.objects.create(tenant=world_a.tenant, name="Default", is_default=True, version=1)
    ScorecardVersion.objects.create(tenant=world_a.tenant, scorecard=scorecard, number=1, definition={})
    operation = schema["paths"]["/api/v1/scorecards/{id}/versions/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert [p["name"] for p in operation["parameters"]] == ["id"]
    versions = key_client_a.get(f"/api/v1/scorecards/{scorecard.pk}/versions/").json()
    assert isinstance(versions, list) and versions[0]["number"] == 1


def test_the_tracking_api_is_documented_with_its_bodies_receipt_and_errors(schema):
    for path in ("/v1/batch", "/v1/import", "/v1/track", "/v1/identify", "/v1/group", "/v1/page", "/v1/screen"):
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [{"WriteKeyBasic": []}, {"WriteKeyBearer": []}]
        assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/TrackingError"
        }
    assert "/v1/alias" in schema["paths"]
    components = schema["components"]["schemas"]
    batch = schema["paths"]["/v1/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch == {"$ref": "#/components/schemas/TrackingBatch"}
    items = components["TrackingBatch"]["properties"]["batch"]
    assert items["maxItems"] == 2500 and items["items"] == {"$ref": "#/components/schemas/TrackingMessage"}
    assert {"userId", "anonymousId", "messageId", "event", "traits"} <= set(components["TrackingMessage"]["properties"])
    assert set(components["TrackingReceipt"]["required"]) == {"success", "accepted", "duplicates", "rejected"}
    rejected = components["TrackingReceipt"]["properties"]["rejected"]["items"]
    assert set(rejected["required"]) == {"index", "messageId", "reason"}
    assert set(components["TrackingError"]["required"]) == {"success", "code", "message", "type", "errors"}
    schemes = schema["components"]["securitySchemes"]
    assert schemes["WriteKeyBasic"]["scheme"] == "basic" and schemes["WriteKeyBearer"]["scheme"] == "bearer"


def test_the_schema_is_valid_openapi(schema):
    validate_schema(schema)


def test_conditional_requirements_are_stated_as_the_serializers_enforce_them(schema):
    components = schema["components"]["schemas"]
    usage = components["UsageEventRequest"]["anyOf"]
    assert [alternative["required"] for alternative in usage] == [["account"], ["account_external_id"]]
    response = components["SurveyResponseInputRequest"]["anyOf"]
    assert [a["required"] for a in response] == [["contact"], ["contact_external_id"], ["contact_email"]]
    assert components["ScorecardRequest"]["properties"]["measures"]["minItems"] == 1
    assert "`band_change`: `to_band`" in components["AlertRuleRequest"]["description"]
    item = components["BulkRenewalsBodyRequest"]["properties"]["renewals"]["items"]["allOf"][1]
    assert item["required"] == ["external_id"]
    message = components["TrackingMessage"]["anyOf"]
    assert [alternative["required"] for alternative in message] == [["userId"], ["anonymousId"]]


def test_decimals_and_currencies_are_patterns_the_api_accepts(schema):
    properties = schema["components"]["schemas"]["AccountRequest"]["properties"]
    assert properties["arr"]["pattern"] == r"^-?[0-9]{1,12}(?:\.[0-9]{1,2})?$"
    assert {"type": "string", "pattern": "^[A-Za-z]{3}$"} in properties["currency"]["oneOf"]


def test_a_put_by_external_id_documents_the_201_it_answers_when_it_creates(schema, key_client_a):
    responses = schema["paths"]["/api/v1/accounts/by-external-id/{external_id}/"]["put"]["responses"]
    assert responses["201"]["content"] == responses["200"]["content"]
    created = key_client_a.put("/api/v1/accounts/by-external-id/new-co/", {"name": "New Co"}, format="json")
    assert created.status_code == 201
    assert (
        key_client_a.put("/api/v1/accounts/by-external-id/new-co/", {"name": "New"}, format="json").status_code == 200
    )


def test_a_renewal_read_may_leave_out_next_renewal_as_it_does(schema, key_client_a, world_a):
    renewal = schema["components"]["schemas"]["Renewal"]
    assert "next_renewal" not in renewal["required"] and "null" in renewal["properties"]["next_renewal"]["type"]
    account = key_client_a.post("/api/v1/accounts/", {"external_id": "r", "name": "R"}, format="json").json()
    body = {"account": account["id"], "term_start": "2026-01-01", "term_end": "2026-12-31", "arr_due": "1.00"}
    created = key_client_a.post("/api/v1/renewals/", body, format="json").json()
    assert created["next_renewal"] is None
    assert "next_renewal" not in key_client_a.get(f"/api/v1/renewals/{created['id']}/").json()
