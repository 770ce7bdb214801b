"""Operator command: everything held about a contact, as JSON (to a file or standard output). Audited."""

import json

from django.core.management.base import BaseCommand

from privacy.management.lookups import add_contact_arguments, contact_of, tenant_by_slug
from privacy.services.contact_export import contact_export


class Command(BaseCommand):
    help = "Export every row the tenant holds about a contact, as JSON."

    def add_arguments(self, parser):
        add_contact_arguments(parser)
        parser.add_argument("--output", help="File to write (default: standard output).")

    def handle(self, *args, tenant, contact_id, external_id, output, **options):
        tenant = tenant_by_slug(tenant)
        contact = contact_of(tenant, contact_id=contact_id, external_id=external_id)
        text = json.dumps(contact_export(tenant=tenant, contact=contact, actor="command"), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(text)
