from indicators.admin import accounts, catalogue, events, gut, scorecards  # noqa: F401  (registers the model admins)
