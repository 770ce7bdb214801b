from django.contrib.auth.models import AnonymousUser
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.key_door import request_acts_for
from accounts.services.api_keys import api_key_authenticate
from accounts.two_factor_gate import step_owed


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
        request_acts_for(key.tenant_id)
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return 'Bearer realm="csplatform"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "csp_<id>_<secret>"}


class VerifiedSessionAuthentication(SessionAuthentication):
    """The console's session, once it has passed two-factor sign-in where the person needs it.

    A session that still owes a code (or an authenticator the tenant requires) is not signed in for the API:
    a leaked password alone reaches neither the console nor the API.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and step_owed(request._request) is not None:
            return None
        return result


class VerifiedSessionAuthenticationScheme(SessionScheme):
    """Documented as Django's session cookie, as drf-spectacular documents ``SessionAuthentication``."""

    target_class = VerifiedSessionAuthentication
