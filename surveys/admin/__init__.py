from surveys.admin import models  # noqa: F401  (registers the model admins)
