from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.log_context import log_context_bind
from accounts.services.api_keys import api_key_authenticate


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer csp_<id>_<secret>``. The key, not a user, is the caller."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Malformed Authorization header: use 'Bearer <api key>'.")
        key = api_key_authenticate(parts[1].decode("latin-1"))
        if key is None:
            raise AuthenticationFailed("Invalid, expired or revoked API key.")
        log_context_bind(tenant_id=key.tenant_id)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return 'Bearer realm="csplatform"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "csp_<id>_<secret>"}
