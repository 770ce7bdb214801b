from followups.admin import alert_links, followups, themes  # noqa: F401  (registers the model admins and links)
