"""One error shape for every API error (drf-standardized-errors):

{"type": "validation_error", "errors": [{"code": "max_length", "detail": "...", "attr": "name"}]}
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import JsonResponse
from drf_standardized_errors.handler import exception_handler as standardized_handler
from rest_framework.exceptions import APIException

from accounts.api.parsers import RequestTooLarge

logger = logging.getLogger(__name__)


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource; retry it."


def exception_handler(exc, context):
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
