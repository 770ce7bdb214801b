from workspace.models.notifications import DigestSend, NotificationPreference

__all__ = ["DigestSend", "NotificationPreference"]
