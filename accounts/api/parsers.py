import json

from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "The request body is too large."


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON.")


class StrictJSONParser(JSONParser):
    """JSON that a client can't use to crash the server: no NaN/Infinity, no recursion blow-up.

    Body size is capped before parsing by DATA_UPLOAD_MAX_MEMORY_SIZE (a 413, see errors.py).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return json.loads(stream.read().decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParseError(f"JSON parse error: {exc}") from None
