"""Who may change the kernel's own rows (the working-day calendar), as the app that knows
people answers it.

core sits under every other app and names none of them, yet only org knows who administers
what; so org registers its answers here when it starts (OrgConfig.ready). Until something is
registered nobody may: a kernel installed alone fails closed, never open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Policy:
    is_installation_admin: Callable[[Any], bool]
    can_manage_agency: Callable[[Any, int], bool]


_policy: Policy | None = None


def register(policy: Policy | None) -> None:
    """Install the answers (None takes them away again, e.g. in a test)."""
    global _policy
    _policy = policy


def registered() -> Policy | None:
    return _policy


def is_installation_admin(person: Any) -> bool:
    return person is not None and _policy is not None and bool(_policy.is_installation_admin(person))


def can_manage_agency(person: Any, agency_id: int) -> bool:
    return person is not None and _policy is not None and bool(_policy.can_manage_agency(person, agency_id))
