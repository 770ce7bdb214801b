"""The app's Celery tasks, for the worker's autodiscovery: each is declared beside the service it runs."""

from accounts.services.invitation_email import send_invitation_email

__all__ = ["send_invitation_email"]
