"""What the workspace pages share: their links at the top, who counts as a leader, and rendering."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.roles import Role

# The pages, in the order of their links at the top of each (title, URL name).
PAGES = (
    ("Today", "workspace-admin:today"),
    ("Team", "workspace-admin:team"),
)


def is_leader(request) -> bool:
    """Admins and viewers lead: they land on the team view and may open any member's Today (read-only)."""
    return request.user.is_superuser or request.role in (Role.ADMIN, Role.VIEWER)


def render_page(request, template: str, title: str, context: dict, *, status: int = 200) -> TemplateResponse:
    current = context.pop("current_page", title)
    pages = [{"title": name, "url": reverse(url), "current": name == current} for name, url in PAGES]
    return TemplateResponse(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "workspace_pages": pages, **context},
        status=status,
    )
