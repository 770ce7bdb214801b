"""Operator command: create a tenant, its first admin and an API key with every scope."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import IntegrityError

from accounts.services.tenants import tenant_create

# Model field -> the option an operator typed, so errors point at their input.
OPTION_FOR_FIELD = {"name": "NAME", "slug": "--slug", "time_zone": "--time-zone", "currency": "--currency"}


def validation_message(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return "; ".join(
        f"{OPTION_FOR_FIELD.get(field, field)}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
    )


class Command(BaseCommand):
    help = "Create a tenant with its first admin (an existing user with that email is reused) and an API key."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The tenant's display name, e.g. 'Acme Analytics'.")
        parser.add_argument("--admin-email", required=True, help="Email of the tenant's first admin.")
        parser.add_argument("--password", help="Password for a new admin user (default: a generated one).")
        parser.add_argument("--slug", help="URL-safe identifier (default: derived from the name).")
        parser.add_argument("--time-zone", default="UTC", help="IANA time zone, e.g. Europe/Paris (default UTC).")
        parser.add_argument("--currency", default="USD", help="ISO 4217 code, e.g. EUR (default USD).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a summary.")

    def handle(self, *args, name, admin_email, password, slug, time_zone, currency, **options):
        admin_email = admin_email.strip().lower()
        try:
            validate_email(admin_email)
        except ValidationError:
            raise CommandError(f"--admin-email: '{admin_email}' is not a valid email address.")
        try:
            created = tenant_create(
                name=name.strip(),
                admin_email=admin_email,
                password=password or None,
                slug=slug,
                time_zone=time_zone.strip(),
                currency=currency.strip().upper(),
            )
        except ValidationError as exc:
            raise CommandError(f"Tenant not created. {validation_message(exc)}")
        except IntegrityError as exc:  # a concurrent create won the race for the slug
            raise CommandError(f"Tenant not created: {exc}")

        tenant, admin = created.tenant, created.admin
        if created.admin_password is None:
            if password:
                self.stderr.write(f"{admin.email} already exists: --password ignored, their password is unchanged.")
            if not admin.has_usable_password():
                self.stderr.write(f"{admin.email} has no usable password yet: set one with `changepassword`.")

        if options["json"]:
            payload = {
                "tenant": tenant.slug,
                "tenant_id": tenant.pk,
                "tenant_name": tenant.name,
                "time_zone": tenant.time_zone,
                "currency": tenant.currency,
                "admin_email": admin.email,
                "admin_created": created.admin_password is not None,
                "admin_password": created.admin_password,
                "api_key": created.api_key_plaintext,
                "api_key_prefix": created.api_key.prefix,
                "api_key_scopes": created.api_key.scopes,
            }
            self.stdout.write(json.dumps(payload))
            return

        where = f"slug {tenant.slug}, {tenant.time_zone}, {tenant.currency}"
        self.stdout.write(self.style.SUCCESS(f"Created tenant '{tenant.name}' ({where})."))
        if created.admin_password is not None:
            self.stdout.write(f"Admin: {admin.email} (new user), password: {created.admin_password}")
        else:
            self.stdout.write(f"Admin: {admin.email} (existing user, password unchanged)")
        self.stdout.write(f"API key ({', '.join(created.api_key.scopes)}), shown only now: {created.api_key_plaintext}")
