from workspace.models.notifications import DigestSend, NotificationPreference
from workspace.models.urgent import UrgentKind, UrgentNotice

__all__ = ["DigestSend", "NotificationPreference", "UrgentKind", "UrgentNotice"]
