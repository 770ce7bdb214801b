"""Roles a member holds in a tenant, and what each may do."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    CSM = "csm", "CSM"
    VIEWER = "viewer", "Viewer"


# Higher ranks include everything lower ranks may do.
RANK = {Role.VIEWER: 1, Role.CSM: 2, Role.ADMIN: 3}


def role_at_least(role: str | None, required: str) -> bool:
    return role is not None and RANK[role] >= RANK[required]


class Scope(models.TextChoices):
    INGEST = "ingest", "Ingest events"
    READ = "read", "Read"
    WRITE = "write", "Write"


ALL_SCOPES = [s.value for s in Scope]

# The documented in-product survey flow: an integration asks whether a contact would be surveyed now,
# then posts the answer. A key that may post responses (``ingest``) may therefore ask that question too;
# it reads nothing else.
ELIGIBILITY_SCOPES = (Scope.READ, Scope.INGEST)
