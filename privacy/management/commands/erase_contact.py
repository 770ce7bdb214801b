"""Operator command: erase a contact's personal data (privacy/services/erasure.py). Audited."""

import json

from django.core.management.base import BaseCommand

from privacy.management.lookups import add_contact_arguments, contact_of, tenant_by_slug
from privacy.services.erasure import contact_erase


class Command(BaseCommand):
    help = "Erase a contact's personal data; scores, events and rollups stay. Prints the rows changed by model."

    def add_arguments(self, parser):
        add_contact_arguments(parser)

    def handle(self, *args, tenant, contact_id, external_id, **options):
        tenant = tenant_by_slug(tenant)
        contact = contact_of(tenant, contact_id=contact_id, external_id=external_id)
        counts = contact_erase(tenant=tenant, contact=contact, actor="command")
        self.stdout.write(json.dumps({"contact_id": contact.pk, "counts": counts}, indent=2))
