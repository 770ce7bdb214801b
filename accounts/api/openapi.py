"""The REST API's OpenAPI description: error responses, list parameters and request-body strictness.

drf-standardized-errors adds error responses only to views whose exception handler is exactly its
own; ours (accounts/api/errors.py) wraps it, so the library's choice is remade here for every
status code the API really answers with, all in the one error shape.
"""

from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import extend_schema_serializer
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from rest_framework import serializers

from accounts.api.fields import CurrencyField
from accounts.api.serializers_base import RejectUnknownFieldsMixin

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
BODY_METHODS = ("POST", "PUT", "PATCH")


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable reason, e.g. `required`, `unknown_field`, `not_found`.")
    detail = serializers.CharField(help_text="Human-readable explanation.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The body field or query parameter at fault (nested: `items.0.name`), or null.",
    )


@extend_schema_serializer(component_name="ErrorResponse")
class ErrorResponseSerializer(serializers.Serializer):
    """Every 4xx of the REST API: a `type` and the list of `errors`."""

    type = serializers.ChoiceField(
        choices=["validation_error", "client_error"],
        help_text="`validation_error` when a field or parameter is wrong, else `client_error`.",
    )
    errors = ErrorSerializer(many=True)


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a body field, an unknown body field or query parameter, or malformed JSON.",
    "401": "No credentials, or an invalid, expired or revoked API key.",
    "403": "The key's scope or the member's role does not allow this.",
    "404": "No such object in this tenant.",
    "409": "Conflicts with the current state (e.g. a concurrent write or a row still in use); retry or resolve it.",
    "413": "The request body is larger than the server accepts.",
    "415": "The body is not `application/json`.",
    "429": "Rate limit exceeded; retry after the number of seconds in `Retry-After`.",
}


class AutoSchema(StandardizedErrorsAutoSchema):
    def _get_allowed_error_status_codes(self) -> list[str]:
        return list(ERROR_DESCRIPTIONS)

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in responses:  # documented by the view itself
            return False
        if status_code == "400":  # an unknown query parameter is a 400 on every operation
            return True
        if status_code == "409":  # an integrity error on a write is answered with 409
            return self.method in WRITE_METHODS
        if status_code in ("413", "415"):
            return self.method in BODY_METHODS and self.get_request_serializer() is not None
        if status_code == "404":  # a path id that is not the tenant's
            return self._has_path_parameters()
        return getattr(self, f"_should_add_http{status_code}_error_response")()

    def _has_path_parameters(self) -> bool:
        return any(parameter["in"] == "path" for parameter in self._get_parameters())

    def _get_error_response_serializer(self, status_code: str):
        return ErrorResponseSerializer

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if serializer is ErrorResponseSerializer and status_code in ERROR_DESCRIPTIONS:
            response["description"] = self._error_description(status_code)
            if status_code == "429":
                response["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until the limit resets."}
                }
        return response

    def _error_description(self, status_code: str) -> str:
        description = ERROR_DESCRIPTIONS[status_code]
        if status_code != "400":
            return description
        names = self._body_field_names() + [p["name"] for p in self._get_parameters() if p["in"] == "query"]
        if names:
            description += " `attr` names one of: " + ", ".join(f"`{name}`" for name in dict.fromkeys(names)) + "."
        return description

    def _body_field_names(self) -> list[str]:
        if self.method not in BODY_METHODS:
            return []
        serializer = force_instance(self.get_request_serializer())
        fields = getattr(getattr(serializer, "child", serializer), "fields", None)
        if fields is None:
            return []
        return [name for name, field in fields.items() if not field.read_only]

    def _get_examples(self, serializer, direction, media_type, status_code=None, extras=None):
        # The library's error examples show its own component names; ours has one shape.
        return super(StandardizedErrorsAutoSchema, self)._get_examples(
            serializer, direction, media_type, status_code=status_code, extras=extras
        )

    def _get_pagination_parameters(self):
        # The descriptions are the paginator's own; the bounds become the schema's, so clients can check them.
        parameters = super()._get_pagination_parameters()
        paginator = self._get_paginator()
        for parameter in parameters:
            if paginator and parameter["name"] == getattr(paginator, "page_size_query_param", None):
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": paginator.max_page_size}
        return parameters

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        fields = getattr(self.view, "ordering_fields", None)
        for parameter in parameters:
            if parameter["name"] == "ordering" and isinstance(fields, (list, tuple)):
                parameter["schema"] = {"type": "string", "enum": [v for f in fields for v in (f, f"-{f}")]}
                parameter["description"] = "Sort by this field; a leading `-` sorts descending."
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(force_instance(serializer), RejectUnknownFieldsMixin):
            schema["additionalProperties"] = False  # an unknown field is a 400 naming it
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, CurrencyField):
            schema["pattern"] = "^[A-Za-z]{3}$"  # blank, where allowed, is a separate alternative
        elif isinstance(field, serializers.DecimalField) and "pattern" in schema and field.decimal_places:
            # drf-spectacular's pattern lets "", "-" and "." through, which no decimal field accepts.
            whole = (field.max_digits or 0) - field.decimal_places
            if whole > 0:
                schema["pattern"] = f"^-?[0-9]{{1,{whole}}}(?:\\.[0-9]{{1,{field.decimal_places}}})?$"
        return schema
