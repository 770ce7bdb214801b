"""One error shape for every API error (drf-standardized-errors):

{"type": "validation_error", "errors": [{"code": "max_length", "detail": "...", "attr": "name"}]}
"""

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from drf_standardized_errors.handler import exception_handler as standardized_handler
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from accounts.api.parsers import RequestTooLarge

logger = logging.getLogger(__name__)


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource; retry it."


def _drf_validation_error(exc: DjangoValidationError) -> ValidationError:
    """A model's or service's ValidationError as the 400 a serializer would give.

    Field errors keep their field and every error its code; errors of no field (a bare message, or
    a model's ``__all__``) become ``non_field_errors``, as DRF reports a serializer's.
    """
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        key = api_settings.NON_FIELD_ERRORS_KEY
        detail[key] = [*detail.get(key, []), *detail.pop(NON_FIELD_ERRORS)]
    return ValidationError(detail)


def exception_handler(exc, context):
    # Services and models raise Django's ValidationError; views let it through to be answered here.
    if isinstance(exc, DjangoValidationError):
        exc = _drf_validation_error(exc)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    if isinstance(exc, IntegrityError):
        logger.warning("Integrity error answered with 409: %s", exc)
        exc = Conflict()
    return standardized_handler(exc, context)


def json_not_found(request, exception=None):
    """404 for unknown URLs under the APIs, in the same shape as every other error."""
    if request.path.startswith(("/api/", "/v1/")):
        body = {"type": "client_error", "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}]}
        return JsonResponse(body, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
