"""Console pages of the workspace (included by csplatform/urls.py under admin/work/)."""

app_name = "workspace-admin"

urlpatterns: list = []
