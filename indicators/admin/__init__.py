from indicators.admin import catalogue, events  # noqa: F401  (registers the model admins)
