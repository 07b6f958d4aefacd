"""The registry of administration pages, which the administration hub lists.

Why a registry and not imports: the hub (qlvb.administration) sits on the top layer beside other
top apps (backups, health, the bin…) that it may not import, and those apps may not import it
either. Each app names its own page here from its AppConfig.ready(); the hub only reads the list.
Pages of the apps below the hub are named by the hub itself (administration/apps.py), so they need
no change. core knows no person: the hub decides who sees what from `scope`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise

# "installation": for the installation's administrator only; "agency": for an agency's
# administrator too (the page itself keeps them to their own agency).
Scope = Literal["installation", "agency"]


@dataclass(frozen=True)
class AdminPage:
    key: str
    label: str | Promise
    description: str | Promise
    # The page's address for this person, or None where it does not apply to them (e.g. a page
    # about "my agency" for an installation administrator who belongs to none).
    url: Callable[[Any], str | None]
    scope: Scope = "agency"
    group: str = "system"
    icon: str = "gear"
    order: int = 100


_PAGES: dict[str, AdminPage] = {}


def register(page: AdminPage) -> None:
    """Add (or replace, by key) a page: called from an AppConfig.ready()."""
    _PAGES[page.key] = page


def unregister(key: str) -> None:
    _PAGES.pop(key, None)


def all_pages() -> list[AdminPage]:
    return sorted(_PAGES.values(), key=lambda p: (p.order, p.key))
