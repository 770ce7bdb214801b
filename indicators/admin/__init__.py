from indicators.admin import catalogue, events, gut, scorecards  # noqa: F401  (registers the model admins)
