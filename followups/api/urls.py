"""REST routes of this app (included by csplatform/api_urls.py)."""

urlpatterns: list = []
