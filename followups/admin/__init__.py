from followups.admin import followups, themes  # noqa: F401  (registers the model admins)
