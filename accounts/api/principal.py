"""Who is calling the API, and for which tenant: the key's tenant, or the session's active tenant."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import ApiKey, Membership, Tenant


@dataclass(frozen=True)
class Principal:
    tenant: Tenant | None = None
    role: str | None = None
    membership: Membership | None = None
    api_key: ApiKey | None = None

    @property
    def person(self):
        """The user behind the call, or None for an API key: a key's changes name no person."""
        return self.membership.user if self.membership is not None else None

    @property
    def throttle_ident(self) -> str | None:
        if self.api_key is not None:
            return f"key:{self.api_key.key_id}"
        if self.membership is not None:
            return f"member:{self.membership.pk}"
        return None


ANONYMOUS = Principal()


def principal_of(request) -> Principal:
    """The API caller. Never a silent default: no key and no session membership means no tenant."""
    if request is None:
        return ANONYMOUS
    cached = getattr(request, "_csp_principal", None)
    if cached is not None:
        return cached
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiKey):
        principal = Principal(tenant=auth.tenant, api_key=auth)
    elif getattr(request, "user", None) is not None and request.user.is_authenticated:
        principal = Principal(
            tenant=getattr(request, "tenant", None),
            role=getattr(request, "role", None),
            membership=getattr(request, "membership", None),
        )
    else:
        principal = ANONYMOUS
    request._csp_principal = principal
    return principal
