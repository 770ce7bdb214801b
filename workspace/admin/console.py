"""What the workspace pages share: their links at the top, who counts as a leader, and rendering."""

from __future__ import annotations

from django.template.response import TemplateResponse

from accounts.roles import Role
from outcomes.admin.pages import render_console_page

# The pages, in the order of their links at the top of each (title, URL name).
PAGES = (
    ("Today", "workspace-admin:today"),
    ("Team", "workspace-admin:team"),
    ("My notifications", "workspace-admin:notifications"),
)


def is_leader(request) -> bool:
    """Admins and viewers lead: they land on the team view and may open any member's Today (read-only)."""
    return request.user.is_superuser or request.role in (Role.ADMIN, Role.VIEWER)


def render_page(request, template: str, title: str, context: dict, *, status: int = 200) -> TemplateResponse:
    current = context.pop("current_page", title)
    return render_console_page(request, template, title, context, pages=PAGES, links_key="workspace_pages",
                               current=current, status=status)  # fmt: skip
