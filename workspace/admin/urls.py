"""Console pages of the workspace (included by csplatform/urls.py under admin/work/)."""

from django.contrib import admin
from django.urls import path

from workspace.admin.account_timeline import account_timeline_page
from workspace.admin.my_notifications import my_notifications_page
from workspace.admin.team import team_page
from workspace.admin.today import today_page
from workspace.admin.touch import touch_page

app_name = "workspace-admin"

urlpatterns: list = [
    path("today/", admin.site.admin_view(today_page), name="today"),
    path("team/", admin.site.admin_view(team_page), name="team"),
    path("notifications/", admin.site.admin_view(my_notifications_page), name="notifications"),
    path("accounts/<int:account_id>/timeline/", admin.site.admin_view(account_timeline_page), name="account-timeline"),
    path("accounts/<int:account_id>/touch/", admin.site.admin_view(touch_page), name="touch"),
]
