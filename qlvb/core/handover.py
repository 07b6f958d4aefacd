"""The registry of hand-over providers: who holds which open work, and how it moves to a successor
(000 Đ4.1.d: when someone's duties change, their files and open work are handed over).

Each app that holds a person's open work (incoming assignments, outgoing drafts and review steps,
tasks, dossiers…) registers a Provider in its AppConfig.ready(). The hand-over app asks every
provider in one transaction, so it never imports the apps it moves work between, and an app that
only wants to know whether a person still holds anything (the end-of-post page) asks `open_total`.

A provider moves its own items through its own services and tables, and records an event on each
item (`<kind>.handed_over`, with `from` and `to`), in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qlvb.core.actor import Actor


@dataclass(frozen=True)
class OpenItem:
    """One open item, as the hand-over page lists it."""

    label: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Provider:
    name: str  # "incoming", "outgoing"…: the key of the counts and of a per-provider successor
    label: Any  # translated ("Incoming documents being handled")
    order: int
    # (person, agency id) → how many open items the person holds there
    open_items: Callable[[Any, int], int]
    # (person, agency id, limit) → the first of them, for display
    sample: Callable[[Any, int, int], list[OpenItem]]
    # (by, person, successor, agency id, note) → how many items moved (in the caller's transaction)
    hand_over: Callable[[Actor, Any, Any, int, str], int]


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _providers[provider.name] = provider
    return provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.name))


def get(name: str) -> Provider:
    return _providers[name]


def open_counts(person: Any, agency_id: int) -> dict[str, int]:
    """{provider name: open items the person holds in the agency}, every provider."""
    return {p.name: p.open_items(person, agency_id) for p in providers()}


def open_total(person: Any, agency_id: int) -> int:
    return sum(open_counts(person, agency_id).values())
