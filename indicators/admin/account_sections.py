"""Sections that apps above ``indicators`` add to the account page (its renewals, say), in the order added.

The account admin lives here, but the layers keep it from importing those apps: each of them calls
``account_section_add`` from its own admin module, which Django's admin autodiscovery imports before any
page is served, and the account admin shows every section added, read-only, after the account's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin

from accounts.models import Account


@dataclass(frozen=True)
class AccountSection:
    key: str
    title: str
    field: Callable[[Account], str]  # a read-only admin field: the account -> the section's safe HTML


ACCOUNT_SECTIONS: dict[str, AccountSection] = {}


def account_section_add(*, key: str, title: str, render: Callable[[Account], str]) -> None:
    """Show ``render(account)`` (safe HTML, its queries scoped to the account's tenant) under ``title``."""

    def field(account: Account) -> str:
        return "-" if account.pk is None else render(account)

    field.__name__ = f"section_{key}"  # the CSS class Django gives the field's row
    ACCOUNT_SECTIONS[key] = AccountSection(key, title, admin.display(description=title)(field))


def account_sections() -> list[AccountSection]:
    return list(ACCOUNT_SECTIONS.values())
